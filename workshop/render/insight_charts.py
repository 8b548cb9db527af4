"""Plotly figures of the analysis: where the map is weak (objects only; the page draws them).

* :func:`risk_gauge` – one segment's no-decision risk on a 0-100 dial, green / amber / red;
* :func:`segment_risk_figure` – the risk of every segment side by side;
* :func:`breakdown_figure` – which kinds of gap give the risk its points, against the most
  each kind can give;
* :func:`stage_figure` – how many findings each buying stage has, stacked by theme.

Labels come in already translated; user text (stage and segment names) is escaped with
:func:`plain` (plotly reads a few HTML tags in labels) and never wrapped in markup.
"""

from __future__ import annotations

import html
from typing import Any, Sequence

import plotly.graph_objects as go

#: risk bands: (upper bound, colour)
RISK_BANDS = ((25, "#15803d"), (50, "#d97706"), (101, "#dc2626"))
#: theme colours for the stacked bars
THEME_COLOURS = {"journey": "#2563eb", "group": "#0d9488", "friction": "#dc2626", "consensus": "#d97706", "deals": "#7c3aed"}
FONT = {"size": 16}


def plain(text: Any, limit: int = 40) -> str:
    """User text made literal for a plotly label (shortened to ``limit``)."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def risk_colour(risk: int) -> str:
    for bound, colour in RISK_BANDS:
        if risk < bound:
            return colour
    return RISK_BANDS[-1][1]


def _layout(fig: go.Figure, height: int, **extra: Any) -> go.Figure:
    settings = {"margin": {"l": 8, "r": 8, "t": 30, "b": 8}, "font": FONT, "plot_bgcolor": "rgba(0,0,0,0)", "paper_bgcolor": "rgba(0,0,0,0)"}
    fig.update_layout(height=height, **{**settings, **extra})
    return fig


def risk_gauge(risk: int, suffix: str = "/100") -> go.Figure:
    """A dial from 0 to 100 with the risk's needle-bar in its band's colour."""
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=risk,
            number={"suffix": suffix, "font": {"size": 44, "color": risk_colour(risk)}},
            gauge={
                "axis": {"range": [0, 100], "tickvals": [0, 25, 50, 75, 100]},
                "bar": {"color": risk_colour(risk), "thickness": 0.35},
                "steps": [{"range": [0, 25], "color": "#dcfce7"}, {"range": [25, 50], "color": "#fef3c7"}, {"range": [50, 100], "color": "#fee2e2"}],
                "borderwidth": 0,
            },
        )
    )
    return _layout(fig, 240, margin={"l": 40, "r": 40, "t": 20, "b": 0})


def segment_risk_figure(names: Sequence[str], risks: Sequence[int], current: int | None, axis_title: str) -> go.Figure:
    """Horizontal bars, one per segment (the first on top), coloured by risk band; the current
    segment's bar has a dark outline."""
    labels = [plain(n) for n in names]
    fig = go.Figure(
        go.Bar(
            x=list(risks),
            y=list(range(len(labels))),
            customdata=labels,
            orientation="h",
            marker={
                "color": [risk_colour(r) for r in risks],
                "line": {"color": ["#0f172a" if i == current else "rgba(0,0,0,0)" for i in range(len(risks))], "width": 3},
            },
            text=[str(r) for r in risks],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{customdata}: %{x}<extra></extra>",
        )
    )
    return _layout(
        fig, 70 + 46 * max(len(risks), 1), showlegend=False,
        xaxis={"title": {"text": axis_title}, "range": [0, 110], "fixedrange": True},
        yaxis={"autorange": "reversed", "fixedrange": True, "tickvals": list(range(len(labels))), "ticktext": labels},
    )


def breakdown_figure(labels: Sequence[str], points: Sequence[int], caps: Sequence[int], texts: Sequence[str], axis_title: str, cap_name: str) -> go.Figure:
    """Per kind of gap (first on top): a dark bar of the points it gives, over a pale bar of the
    most it could give (its cap)."""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=list(caps), y=list(labels), orientation="h", name=cap_name, marker={"color": "#fee2e2", "line": {"color": "#fca5a5", "width": 1}},
            hovertemplate="%{y}: %{x}<extra>" + html.escape(cap_name) + "</extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=list(points), y=list(labels), orientation="h", name=axis_title, marker={"color": "#b91c1c"}, text=list(texts),
            textposition="outside", cliponaxis=False, width=0.5, hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    top = max(list(caps) + [1])
    return _layout(
        fig, 90 + 42 * max(len(labels), 1), barmode="overlay", showlegend=True,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        xaxis={"title": {"text": axis_title}, "range": [0, top * 1.25], "fixedrange": True}, yaxis={"autorange": "reversed", "fixedrange": True},
    )


def stage_figure(stage_labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], axis_title: str) -> go.Figure:
    """Horizontal stacked bars, one per stage (the first stage on top): ``series`` is (theme,
    theme label, counts per stage); themes without findings are left out. Stages with the same
    name keep their own bars (the axis is by position)."""
    labels = [plain(s, 32) for s in stage_labels]
    slots = list(range(len(labels)))
    fig = go.Figure()
    for theme, name, counts in series:
        if not any(counts):
            continue
        fig.add_trace(
            go.Bar(
                y=slots, x=list(counts), customdata=labels, name=name, orientation="h", marker={"color": THEME_COLOURS.get(theme, "#64748b")},
                hovertemplate="%{customdata}: %{x}<extra>" + html.escape(name) + "</extra>",
            )
        )
    top = max([sum(c) for c in zip(*[s[2] for s in series])] + [1]) if series else 1
    return _layout(
        fig, 110 + 40 * max(len(labels), 1), barmode="stack", legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        xaxis={"title": {"text": axis_title}, "dtick": 1 if top <= 10 else None, "fixedrange": True, "rangemode": "tozero"},
        yaxis={"fixedrange": True, "autorange": "reversed", "tickvals": slots, "ticktext": labels},
    )


def risk_path_figure(labels: Sequence[str], risks: Sequence[int], axis_title: str, hover: Sequence[str]) -> go.Figure:
    """The risk over the session: a line through the moments (oldest left), each dot in its
    band's colour, the bands shaded behind (as on the dial)."""
    xs = list(range(len(risks)))
    fig = go.Figure()
    for low, high, colour in ((0, 25, "#dcfce7"), (25, 50, "#fef3c7"), (50, 100, "#fee2e2")):
        fig.add_hrect(y0=low, y1=high, fillcolor=colour, line_width=0, layer="below")
    fig.add_scatter(
        x=xs, y=list(risks), mode="lines+markers", line=dict(color="#334155", width=3),
        marker=dict(size=9, color=[risk_colour(r) for r in risks], line=dict(color="#334155", width=1)),
        customdata=[plain(h, 60) for h in hover], hovertemplate="%{customdata}: %{y}<extra></extra>",
    )
    ticks = sorted({0, len(xs) - 1, *(xs[:: max(1, len(xs) // 5)])}) if xs else []
    return _layout(
        fig, 240, showlegend=False,
        yaxis=dict(range=[0, 100], title=axis_title, tickvals=[0, 25, 50, 75, 100]),
        xaxis=dict(tickvals=ticks, ticktext=[plain(labels[i], 12) for i in ticks]),
    )
