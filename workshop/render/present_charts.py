"""The dot-vote result as a ranked bar chart (plotly), for the round panel and the presenter view."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import plotly.graph_objects as go

from ..i18n import t
from ..model.tallies import VoteLine
from .charts import axis_label


def vote_figure(lines: Sequence[VoteLine], label: Callable[[str], str], lang: str, *, big: bool = False) -> go.Figure:
    """Elements ranked by dots, the most on top; the bars split by function."""
    lines = list(lines)[::-1]
    names = [axis_label(label(line.about)) for line in lines]
    functions: list[str] = []
    for line in lines:
        functions += [f for f in line.by_function if f not in functions]
    fig = go.Figure()
    for fn in functions:
        fig.add_bar(
            y=names, x=[line.by_function.get(fn, 0) for line in lines], orientation="h",
            name=t(f"function.{fn}", lang), hovertemplate="%{y}: %{x}<extra></extra>",
        )
    size = 24 if big else 14
    fig.update_layout(
        barmode="stack", height=max(220, (48 if big else 30) * len(lines) + 80), margin=dict(l=10, r=10, t=10, b=10),
        font=dict(size=size), legend=dict(orientation="h"), xaxis=dict(title=t("rounds.dots", lang), dtick=1),
        yaxis=dict(automargin=True),
    )
    return fig
