"""Plotly figures of friction: what most threatens a decision.

Pure: the figure is built from numbers and labels handed in (labels come from the i18n
catalogue; plotly shows all text as text). No streamlit here.
"""

from __future__ import annotations

from typing import Callable, Sequence

import plotly.graph_objects as go

from ..analysis.friction import CauseLine
from .tables import severity_colour


def cause_chart(lines: Sequence[CauseLine], label: Callable[[str], str], bar_text: Callable[[CauseLine], str], axis_title: str) -> go.Figure:
    """Horizontal bars, one per no-decision cause (the first cause on top): length is the total
    severity of the objections feeding it, colour their mean severity (light to dark red), and
    the text beside the bar says how many objections there are."""
    lines = list(lines)
    names = [label(line.cause) for line in lines]
    colours = [severity_colour(round(line.severity / line.count)) if line.count else "#e2e8f0" for line in lines]
    fig = go.Figure(
        go.Bar(
            x=[line.severity for line in lines],
            y=names,
            orientation="h",
            marker={"color": colours, "line": {"color": "#7f1d1d", "width": [1 if line.count else 0 for line in lines]}},
            text=[bar_text(line) for line in lines],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text} · %{x}<extra></extra>",
        )
    )
    top = max((line.severity for line in lines), default=0)
    fig.update_layout(
        height=60 + 44 * max(len(lines), 1),
        margin={"l": 8, "r": 8, "t": 8, "b": 40},
        xaxis={"title": {"text": axis_title}, "range": [0, max(top, 5) * 1.9], "dtick": 5 if top > 15 else 1, "fixedrange": True, "tickfont": {"size": 14}},
        yaxis={"autorange": "reversed", "fixedrange": True, "tickfont": {"size": 16}},
        font={"size": 16},
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
    )
    return fig
