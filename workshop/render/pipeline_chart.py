"""The pipeline chart: every live deal on one axis of "how far along the customer's own process".

Maps differ in how many buying stages they have, so each deal sits at its stage's place scaled
from 0 (the segment's first stage) to 1 (its last); one row per workshop and segment, deals of
one stage spread a little so none hides another. Red marks a deal that lacks energy. User text
(deal, stage, workshop and segment names) goes in as escaped text (:func:`plotly_text`), and
hover texts are built from escaped parts only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

from ..analysis import title as finding_title
from ..i18n import t
from .charts import FONT, TICKS, plotly_text

LACKS_COLOUR = "#dc2626"
OK_COLOUR = "#16a34a"


def _offsets(n: int, width: float = 0.5) -> list[float]:
    """Vertical offsets that spread ``n`` deals of one cell across ``width`` around the row."""
    if n <= 1:
        return [0.0] * n
    return [-width / 2 + width * i / (n - 1) for i in range(n)]


def pipeline_figure(cards: Iterable[Any], lang: str) -> go.Figure:
    """Deals (``DealCard``s with a stage) on the normalised stage axis, a row per lane."""
    cards = [c for c in cards if c.position is not None]
    rows: list[tuple[str, str]] = []
    for c in cards:
        if (c.workshop_id, c.segment_id) not in rows:
            rows.append((c.workshop_id, c.segment_id))
    labels = {}
    for c in cards:
        labels[(c.workshop_id, c.segment_id)] = t(
            "pipeline.lane", lang, workshop=plotly_text(c.workshop_title, 30), segment=plotly_text(c.segment_name, 30)
        )
    cells: dict[tuple[int, float], list[Any]] = defaultdict(list)
    for c in cards:
        cells[(rows.index((c.workshop_id, c.segment_id)), c.position)].append(c)
    points: dict[bool, dict[str, list]] = {flag: {"x": [], "y": [], "hover": []} for flag in (True, False)}
    for (row, x), members in cells.items():
        for c, dy in zip(members, _offsets(len(members))):
            p = points[c.lacks_energy]
            p["x"].append(x)
            p["y"].append(row + dy)
            where = t("pipeline.chart.hover_stage", lang, number=c.stage_index + 1, count=c.stage_count)
            parts = [f"<b>{plotly_text(c.name)}</b>", f"{where}: {plotly_text(c.stage['name'])}", labels[rows[row]]]
            parts += [finding_title(code, lang) for code in c.codes]
            p["hover"].append("<br>".join(parts))
    fig = go.Figure()
    for flag, colour, key in ((True, LACKS_COLOUR, "pipeline.chart.lacks"), (False, OK_COLOUR, "pipeline.chart.ok")):
        p = points[flag]
        fig.add_trace(
            go.Scatter(
                x=p["x"],
                y=p["y"],
                mode="markers",
                name=t(key, lang),
                hovertext=p["hover"],
                hoverinfo="text",
                marker={"size": 16, "color": colour, "line": {"width": 1, "color": "white"}},
            )
        )
    fig.update_layout(
        height=140 + 70 * max(1, len(rows)),
        margin={"l": 10, "r": 10, "t": 30, "b": 50},
        font=FONT,
        plot_bgcolor="white",
        showlegend=True,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        xaxis={
            "title": t("pipeline.chart.axis", lang),
            "range": [-0.05, 1.05],
            "tickvals": [0, 0.25, 0.5, 0.75, 1],
            "tickfont": TICKS,
            "gridcolor": "#e2e8f0",
            "zeroline": False,
        },
        yaxis={
            "tickvals": list(range(len(rows))),
            "ticktext": [labels[r] for r in rows],
            "range": [len(rows) - 0.5, -0.5],
            "tickfont": TICKS,
            "gridcolor": "#f1f5f9",
            "zeroline": False,
            "automargin": True,
        },
    )
    return fig
