"""Plotly figures of the motive explorer (objects only; the page draws them).

* :func:`motive_function_figure` – the heatmap of motive groups × role functions;
* :func:`objection_figure` – the most frequent objection groups, coloured by mean severity;
* :func:`cause_figure` – the no-decision causes by how many objections name them.

User text (motive and objection texts from many workshops) goes in as text only, through
:func:`~.charts.plotly_text`, and hover templates show nothing but those escaped labels and
numbers.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..analysis.explore_objections import CauseRow, ObjectionRow
from ..analysis.explore_tables import NO_ROLE, Matrix
from ..i18n import t
from .charts import FONT, TICKS, _unique, plotly_text

WEIGHT_SCALE = [
    [0.0, "#f8fafc"],
    [0.15, "#dbeafe"],
    [0.4, "#93c5fd"],
    [0.7, "#3b82f6"],
    [1.0, "#1e3a8a"],
]
SEVERITY_SCALE = [[0.0, "#fde68a"], [0.5, "#f97316"], [1.0, "#b91c1c"]]


def function_label(code: str, lang: str) -> str:
    return t("explore.no_role", lang) if code == NO_ROLE else t(f"option.role_function.{code}", lang)


def motive_function_figure(m: Matrix, lang: str) -> go.Figure:
    """Motive groups (rows, heaviest first) × role functions (columns); a cell is the summed
    weight of the group's motives that name a role of that function (empty when none)."""
    z = [[v if v else None for v in row] for row in m.values]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[function_label(c, lang) for c in m.columns],
            y=_unique([plotly_text(r, 48) for r in m.rows]),
            text=[[str(v) if v else "" for v in row] for row in m.values],
            texttemplate="%{text}",
            textfont={"size": 13},
            colorscale=WEIGHT_SCALE,
            zauto=False,
            zmin=0,
            zmax=max((v for row in m.values for v in row), default=1) or 1,
            xgap=2,
            ygap=2,
            hoverongaps=False,
            hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
            colorbar={
                "title": {"text": t("explore.col.weight", lang), "side": "right"},
                "thickness": 14,
            },
        )
    )
    fig.update_yaxes(autorange="reversed", fixedrange=True, tickfont=TICKS, automargin=True)
    fig.update_xaxes(side="top", fixedrange=True, tickfont=TICKS, automargin=True)
    fig.update_layout(
        height=max(260, 90 + 30 * len(m.rows)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="#ffffff",
        font=FONT,
    )
    return fig


def objection_figure(rows: list[ObjectionRow], lang: str, top: int = 15) -> go.Figure:
    """Horizontal bars: how often each of the ``top`` most frequent objection groups was raised,
    coloured by its mean severity (1–5)."""
    shown = rows[:top]
    fig = go.Figure(
        go.Bar(
            x=[r.count for r in shown],
            y=_unique([plotly_text(r.objection, 48) for r in shown]),
            orientation="h",
            marker=_severity_marker([r.severity_mean for r in shown], lang),
            customdata=[r.severity_mean for r in shown],
            hovertemplate="%{y}: %{x} · " + t("explore.col.severity_mean", lang) + " %{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", fixedrange=True, tickfont=TICKS, automargin=True)
    fig.update_xaxes(
        title={"text": t("explore.col.count", lang), "standoff": 8},
        fixedrange=True,
        tickfont=TICKS,
        automargin=True,
        dtick=1 if shown and shown[0].count <= 10 else None,
    )
    fig.update_layout(
        height=max(240, 80 + 28 * len(shown)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="#ffffff",
        font=FONT,
    )
    return fig


def _severity_marker(severities: list[float], lang: str) -> dict:
    """Bars coloured by mean severity (1–5) on one scale, with its legend."""
    return {
        "color": severities,
        "cmin": 1,
        "cmax": 5,
        "colorscale": SEVERITY_SCALE,
        "showscale": True,
        "colorbar": {"title": {"text": t("explore.col.severity_mean", lang), "side": "right"}, "thickness": 14},
    }


def cause_figure(rows: list[CauseRow], lang: str) -> go.Figure:
    """Bars: objections per no-decision cause, coloured by their mean severity."""
    fig = go.Figure(
        go.Bar(
            x=[t(f"option.no_decision_cause.{r.cause}", lang) for r in rows],
            y=[r.objections for r in rows],
            marker=_severity_marker([r.severity_mean for r in rows], lang),
            customdata=[r.severity_mean for r in rows],
            hovertemplate="%{x}: %{y} · " + t("explore.col.severity_mean", lang) + " %{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(
        title={"text": t("explore.col.objections", lang)},
        fixedrange=True,
        tickfont=TICKS,
        automargin=True,
    )
    fig.update_xaxes(fixedrange=True, tickfont=TICKS, automargin=True)
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="#ffffff",
        font=FONT,
    )
    return fig
