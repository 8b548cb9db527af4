"""Plotly figures of a round's results for the facilitator console (objects only; pages draw them).

* :func:`vote_bar_figure` – a dot vote ranked: one bar per element, the most dots on top;
* :func:`votes_by_function_figure` – the same elements, one bar per function side by side
  (where sales, product and marketing put their dots);
* :func:`rating_spread_figure` – a silent rating's spread: per element and field the range of
  the functions' means, each function's mean as a marker; the rows whose functions disagree by
  ``gap_at`` or more are drawn in red (the perspective gap to discuss).

Pure functions of the results the services return; user text goes in through
:func:`workshop.render.charts.plotly_text`.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import plotly.graph_objects as go

from ..i18n import t
from ..model.tallies import FUNCTIONS, Spread, VoteLine
from .charts import axis_label, plotly_text

#: one colour per function, the same in every round chart
FUNCTION_COLOURS: dict[str, str] = {
    "sales": "#2563eb",
    "product": "#16a34a",
    "marketing": "#d97706",
    "customer_success": "#7c3aed",
    "management": "#0f766e",
    "other": "#64748b",
}
BAR = "#2563eb"
TOP = "#1e3a8a"
GAP = "#dc2626"
RANGE = "#94a3b8"
#: a perspective gap this large (difference of the functions' means) is highlighted
GAP_AT = 1.0

Labels = Mapping[str, str] | Callable[[str], str]


def _namer(labels: Labels) -> Callable[[str], str]:
    if callable(labels):
        return labels
    return lambda eid: labels.get(eid, eid)


def _lines(results: Any) -> list[VoteLine]:
    """A vote's lines from :class:`VoteResults` or a plain sequence of :class:`VoteLine`."""
    return list(getattr(results, "lines", results) or [])


def _colour(fn: str) -> str:
    return FUNCTION_COLOURS.get(fn, FUNCTION_COLOURS["other"])


def _empty(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=18))
    fig.update_layout(height=200, xaxis=dict(visible=False), yaxis=dict(visible=False), margin=dict(l=10, r=10, t=10, b=10))
    return fig


def _height(rows: int, big: bool) -> int:
    return max(220, (46 if big else 34) * rows + 90)


def vote_bar_figure(results: Any, labels: Labels, lang: str, *, big: bool = False) -> go.Figure:
    """Elements ranked by dots, the most on top; the leading element(s) darker, totals on the bars."""
    lines = _lines(results)
    fig = go.Figure()
    if not lines:
        return _empty(fig, t("rounds.no_votes", lang))
    name = _namer(labels)
    best = max(line.total for line in lines)
    shown = lines[::-1]  # plotly draws the first bar at the bottom
    fig.add_bar(
        y=[axis_label(name(line.about)) for line in shown],
        x=[line.total for line in shown],
        orientation="h",
        marker_color=[TOP if line.total == best else BAR for line in shown],
        text=[str(line.total) for line in shown],
        textposition="outside",
        customdata=[line.voters for line in shown],
        hovertemplate="%{y}: %{x} (%{customdata})<extra></extra>",
        name=t("rounds.dots", lang),
    )
    size = 24 if big else 15
    fig.update_layout(
        height=_height(len(lines), big), margin=dict(l=10, r=30, t=10, b=10), font=dict(size=size),
        showlegend=False, xaxis=dict(title=t("rounds.dots", lang), dtick=1 if best <= 20 else None, rangemode="tozero"),
        yaxis=dict(automargin=True),
    )
    return fig


def votes_by_function_figure(results: Any, labels: Labels, lang: str, *, big: bool = False) -> go.Figure:
    """The ranked elements again, one bar per function side by side (sales vs product vs ...)."""
    lines = _lines(results)
    fig = go.Figure()
    if not lines:
        return _empty(fig, t("rounds.no_votes", lang))
    name = _namer(labels)
    seen = {fn for line in lines for fn in line.by_function}
    functions = [f for f in FUNCTIONS if f in seen] + sorted(seen - set(FUNCTIONS))
    shown = lines[::-1]
    names = [axis_label(name(line.about)) for line in shown]
    for fn in functions:
        fig.add_bar(
            y=names, x=[line.by_function.get(fn, 0) for line in shown], orientation="h",
            name=t(f"function.{fn}", lang), marker_color=_colour(fn),
            hovertemplate="%{y}: %{x}<extra>" + plotly_text(t(f"function.{fn}", lang)) + "</extra>",
        )
    size = 24 if big else 15
    fig.update_layout(
        barmode="group", height=_height(len(lines) * max(1, len(functions)) // 2 + len(lines), big),
        margin=dict(l=10, r=10, t=10, b=10), font=dict(size=size), legend=dict(orientation="h", y=-0.15), showlegend=True,
        xaxis=dict(title=t("rounds.dots", lang), rangemode="tozero", dtick=1 if max(line.total for line in lines) <= 20 else None),
        yaxis=dict(automargin=True),
    )
    return fig


def spread_label(spread: Spread, labels: Labels, lang: str) -> str:
    """"<element> · <field>" as plain text (the caller escapes it for its medium)."""
    return f"{_namer(labels)(spread.about)} · {t(f'rounds.field.{spread.field}', lang)}"


def rating_spread_figure(
    spreads: Sequence[Spread], labels: Labels, lang: str, *, gap_at: float = GAP_AT, big: bool = False
) -> go.Figure:
    """Per element and field: a line over the range of the functions' means (red when the gap is
    at least ``gap_at``), a marker per function's mean, and the overall mean as a black diamond."""
    spreads = list(spreads)
    fig = go.Figure()
    if not spreads:
        return _empty(fig, t("rounds.no_ratings", lang))
    shown = spreads[::-1]
    rows = [axis_label(("⚠ " if s.gap >= gap_at else "") + spread_label(s, labels, lang), 30, 4) for s in shown]
    for row, s in zip(rows, shown):
        means = [st.mean for st in s.by_function.values()]
        low, high = (min(means), max(means)) if means else (s.overall.low, s.overall.high)
        wide = s.gap >= gap_at
        fig.add_scatter(
            x=[low, high], y=[row, row], mode="lines", showlegend=False, hoverinfo="skip",
            line=dict(color=GAP if wide else RANGE, width=8 if wide else 4),
        )
    seen = {fn for s in shown for fn in s.by_function}
    functions = [f for f in FUNCTIONS if f in seen] + sorted(seen - set(FUNCTIONS))
    for fn in functions:
        xs, ys, counts = [], [], []
        for row, s in zip(rows, shown):
            if fn in s.by_function:
                xs.append(s.by_function[fn].mean)
                ys.append(row)
                counts.append(s.by_function[fn].n)
        fig.add_scatter(
            x=xs, y=ys, mode="markers", name=t(f"function.{fn}", lang), customdata=counts,
            marker=dict(size=16 if big else 13, color=_colour(fn), line=dict(color="white", width=1)),
            hovertemplate="%{y}: %{x:.1f} (n=%{customdata})<extra>" + plotly_text(t(f"function.{fn}", lang)) + "</extra>",
        )
    fig.add_scatter(
        x=[s.overall.mean for s in shown], y=rows, mode="markers", name=t("facilitate.all_functions", lang),
        marker=dict(symbol="diamond", size=12 if big else 10, color="black"),
        hovertemplate="%{y}: %{x:.1f}<extra></extra>",
    )
    size = 20 if big else 14
    fig.update_layout(
        height=_height(len(spreads), big), margin=dict(l=10, r=10, t=10, b=10), font=dict(size=size),
        legend=dict(orientation="h", y=-0.15), xaxis=dict(title=t("facilitate.rating_value", lang), dtick=1),
        yaxis=dict(categoryorder="array", categoryarray=rows, automargin=True),
    )
    return fig
