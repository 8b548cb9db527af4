"""Plotly figures of the buying group and its motives (objects only; the pages draw them).

* :func:`influence_stance_figure` – every role of a segment on an influence × stance grid,
  blockers and champions picked out with their own marker symbols;
* :func:`motive_importance_figure` – a heatmap of how important each buying motive is to
  each role that holds it.

User text (role names, motive texts) goes into the figures as text: plotly reads a few HTML
tags in labels and hover texts, so :func:`plotly_text` escapes ``&``, ``<`` and ``>`` first
(plotly shows the entities literally), and no markup is ever built around user text.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from typing import Any, Iterable, Mapping

import plotly.graph_objects as go

from ..i18n import t
from ..model.defaults import get

#: the project's stance colours, -2 (opposes) to +2 (advocates)
STANCE_COLOURS: dict[int, str] = {-2: "#dc2626", -1: "#f97316", 0: "#94a3b8", 1: "#22c55e", 2: "#15803d"}
#: marker symbols that single out blockers and champions
SYMBOLS = {"blocker": "x", "champion": "star", "other": "circle"}
#: light to dark blue for a motive's importance 1..5
IMPORTANCE_SCALE = [[0.0, "#dbeafe"], [0.25, "#93c5fd"], [0.5, "#3b82f6"], [0.75, "#1d4ed8"], [1.0, "#1e3a8a"]]
FONT = dict(size=16)
TICKS = dict(size=15, color="#334155")


def plotly_text(text: Any, limit: int = 60) -> str:
    """User text made literal for a plotly label or hover text (shortened to ``limit``)."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def axis_label(text: Any, width: int = 26, lines: int = 3) -> str:
    """User text as a bar's label on a chart's axis: escaped like :func:`plotly_text`, wrapped
    into lines of about ``width`` characters (plotly's ``<br>``) and cut after ``lines`` lines.
    A long name in one line pushed the label off a narrow chart: the console showed only the
    last letters of each element's name (issue 17)."""
    words, out, line = " ".join(str(text).split()).split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return "<br>".join(html.escape(part[: width * 2], quote=False) for part in out)


def is_blocker(role: Mapping[str, Any]) -> bool:
    """Marked a blocker, or sceptical/opposed with high influence (the ``blocker_risk`` rule)."""
    stance, influence = get("role", role, "stance"), get("role", role, "influence")
    return "blocker" in (role.get("decision_roles") or []) or (stance <= -1 and influence >= 4)


def is_champion(role: Mapping[str, Any]) -> bool:
    """Marked a champion, or an advocate (stance +2); a blocker is never also a champion here."""
    if is_blocker(role):
        return False
    return "champion" in (role.get("decision_roles") or []) or get("role", role, "stance") == 2


def category(role: Mapping[str, Any]) -> str:
    """``blocker``, ``champion`` or ``other``."""
    return "blocker" if is_blocker(role) else "champion" if is_champion(role) else "other"


def spread(n: int, radius: float = 0.22) -> list[tuple[float, float]]:
    """Offsets that place ``n`` markers of one grid cell around its centre without overlap
    (deterministic: the same map always looks the same)."""
    if n <= 1:
        return [(0.0, 0.0)] * n
    r = min(radius * (1 + (n - 2) * 0.08), 0.38)
    return [(r * math.cos(2 * math.pi * i / n + math.pi / 2), r * math.sin(2 * math.pi * i / n + math.pi / 2)) for i in range(n)]


def role_positions(roles: Iterable[Mapping[str, Any]]) -> dict[str, tuple[float, float]]:
    """role id -> (x, y): x the stance (-2..+2), y the influence (1..5), spread within a cell."""
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for r in roles:
        cells[(get("role", r, "stance"), get("role", r, "influence"))].append(r["id"])
    out = {}
    for (x, y), ids in cells.items():
        for rid, (dx, dy) in zip(ids, spread(len(ids))):
            out[rid] = (x + dx, y + dy)
    return out


def label_position(role: Mapping[str, Any], pos: tuple[float, float]) -> str:
    """Where a role's name goes: below markers spread downwards in their cell, and below lone
    markers of odd stances, so names in neighbouring cells of one row do not run together."""
    stance, influence = get("role", role, "stance"), get("role", role, "influence")
    dy = pos[1] - influence
    below = dy < -1e-9 or (abs(dy) < 1e-9 and stance % 2 == 1)
    return "bottom center" if below else "top center"


def _hover(role: Mapping[str, Any], lang: str) -> str:
    lines = [plotly_text(role["name"])]
    if role.get("function"):
        lines.append(t(f"option.role_function.{role['function']}", lang))
    parts = [t(f"option.decision_role.{d}", lang) for d in role.get("decision_roles") or []]
    if parts:
        lines.append(", ".join(parts))
    lines.append(f"{t('field.role.influence', lang)}: {get('role', role, 'influence')}")
    lines.append(f"{t('field.role.stance', lang)}: {t('option.stance.' + str(get('role', role, 'stance')), lang)}")
    return "<br>".join(lines)


def influence_stance_figure(segment: Mapping[str, Any], lang: str) -> go.Figure:
    """The segment's roles on an influence (1..5) × stance (-2..+2) grid.

    Colours follow the stance; blockers are crosses and champions stars (bigger, outlined);
    roles in the same cell are spread around it; each marker is labelled with the role's name.
    The top-left corner (powerful opponents) and top-right (powerful supporters) are shaded.
    """
    roles = list(segment.get("roles") or [])
    pos = role_positions(roles)
    fig = go.Figure()
    fig.add_shape(type="rect", x0=-2.6, x1=-0.5, y0=3.5, y1=5.6, fillcolor="#fee2e2", line_width=0, layer="below")
    fig.add_shape(type="rect", x0=0.5, x1=2.6, y0=3.5, y1=5.6, fillcolor="#dcfce7", line_width=0, layer="below")
    fig.add_annotation(x=-2.55, y=5.55, xanchor="left", yanchor="top", showarrow=False, text=t("group.grid.zone_risk", lang), font=dict(size=15, color="#991b1b"))
    fig.add_annotation(x=2.55, y=5.55, xanchor="right", yanchor="top", showarrow=False, text=t("group.grid.zone_allies", lang), font=dict(size=15, color="#166534"))
    for cat in ("other", "champion", "blocker"):
        members = [r for r in roles if category(r) == cat]
        if not members:
            continue
        big = cat != "other"
        fig.add_trace(
            go.Scatter(
                x=[pos[r["id"]][0] for r in members],
                y=[pos[r["id"]][1] for r in members],
                mode="markers+text",
                text=[plotly_text(r["name"], 28) for r in members],
                textposition=[label_position(r, pos[r["id"]]) for r in members],
                textfont=dict(size=14, color="#0f172a"),
                hovertext=[_hover(r, lang) for r in members],
                hoverinfo="text",
                marker=dict(
                    symbol=SYMBOLS[cat],
                    size=30 if big else 22,
                    color=[STANCE_COLOURS[get("role", r, "stance")] for r in members],
                    line=dict(width=2 if big else 1, color="#0f172a" if big else "#ffffff"),
                ),
                name=t(f"group.grid.{cat}", lang),
                showlegend=False,
            )
        )
    for cat in ("blocker", "champion", "other"):  # a legend of the symbols, in a neutral colour
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker=dict(symbol=SYMBOLS[cat], size=14, color="#475569"),
                name=t(f"group.grid.{cat}", lang),
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(
        range=[-2.6, 2.6],
        tickvals=list(STANCE_COLOURS),
        ticktext=[t(f"option.stance.{s}", lang) for s in STANCE_COLOURS],
        title=t("field.role.stance", lang),
        zeroline=False,
        gridcolor="#e2e8f0",
        fixedrange=True,
        tickfont=TICKS,
        title_font=TICKS,
    )
    fig.update_yaxes(
        range=[0.4, 5.6], tickvals=[1, 2, 3, 4, 5], title=t("field.role.influence", lang), zeroline=False, gridcolor="#e2e8f0", fixedrange=True, tickfont=TICKS, title_font=TICKS
    )
    fig.update_layout(
        height=520,
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="#ffffff",
        font=FONT,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0, font=TICKS),
    )
    return fig


def _unique(labels: list[str]) -> list[str]:
    """Labels made distinct (plotly merges equal category labels) by numbering repeats."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def motive_importance_figure(segment: Mapping[str, Any], lang: str) -> go.Figure:
    """A heatmap: buying motives (rows, most important first) × the roles that hold them
    (columns, in the map's order), each cell the motive's importance 1..5 where the role holds
    it. Motives that name no role get a column of their own, so no motive is left out."""
    motives = sorted(segment.get("motives") or [], key=lambda m: -get("motive", m, "importance"))
    roles = list(segment.get("roles") or [])
    role_ids = [r["id"] for r in roles]
    columns = [r["id"] for r in roles]
    labels = [plotly_text(r["name"], 24) for r in roles]
    if any(not [x for x in (m.get("roles") or []) if x in role_ids] for m in motives):
        columns.append(None)
        labels.append(t("motives.chart.no_role", lang))
    z, text = [], []
    for m in motives:
        held = [x for x in (m.get("roles") or []) if x in role_ids]
        imp = get("motive", m, "importance")
        row = [imp if (c in held if c is not None else not held) else None for c in columns]
        z.append(row)
        text.append([str(v) if v is not None else "" for v in row])
    y = _unique([plotly_text(m["text"], 40) for m in motives])
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=_unique(labels),
            y=y,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=16),
            zmin=1,
            zmax=5,
            colorscale=IMPORTANCE_SCALE,
            xgap=3,
            ygap=3,
            hoverongaps=False,
            hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
            colorbar=dict(title=dict(text=t("motives.chart.importance", lang)), tickvals=[1, 2, 3, 4, 5], thickness=14),
        )
    )
    fig.update_yaxes(autorange="reversed", fixedrange=True, tickfont=TICKS)
    fig.update_xaxes(side="top", fixedrange=True, tickfont=TICKS)
    fig.update_layout(
        height=max(260, 70 + 56 * len(motives)),
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="#ffffff",
        font=FONT,
    )
    return fig
