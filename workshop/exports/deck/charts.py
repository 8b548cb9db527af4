"""Native, editable PowerPoint charts: the numbers travel with the deck, not a picture of them.

Sales enablement reworks these slides for their own decks, so a chart is a real chart part with
its data sheet (python-pptx writes the embedded workbook): a click in PowerPoint or Impress
shows and edits the numbers. Labels come from user text and are clipped like every other text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.util import Inches, Pt

from .layout import ACCENT, BODY_BOTTOM, BODY_TOP, MARGIN, SMALL_PT, WIDTH, clip


def _frame(slide, chart_type, data, left=MARGIN, top=BODY_TOP, width=WIDTH - 2 * MARGIN, height=BODY_BOTTOM - BODY_TOP):
    shape = slide.shapes.add_chart(chart_type, Inches(left), Inches(top), Inches(width), Inches(height), data)
    chart = shape.chart
    chart.font.size = Pt(SMALL_PT)
    return chart


def _axis_title(axis, text: str) -> None:
    axis.has_title = True
    axis.axis_title.text_frame.text = text
    for para in axis.axis_title.text_frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(SMALL_PT)


#: characters of one point's label: the names that share the point, then "+N more"
LABEL_CHARS = 40


def point_label(names: Sequence[str], more: Callable[[int], str], limit: int = LABEL_CHARS) -> str:
    """The names sharing one point, as many as fit in ``limit`` characters; "+N more" only for
    names actually left out, and counted in the limit."""
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        candidate = ", ".join([*shown, clip(name, 24)])
        tail = len(" " + more(rest)) if rest else 0
        if len(candidate) + tail > limit and shown:
            return ", ".join(shown) + " " + more(len(names) - i)
        shown.append(clip(name, 24 if rest or shown else limit))
    return ", ".join(shown)


def scatter(slide, series_name: str, points: Sequence[tuple[float, float, str]], x_title: str, y_title: str,
            x_range: tuple[float, float], y_range: tuple[float, float], more: Callable[[int], str]) -> None:
    """An XY scatter: one point per distinct (x, y), labelled with the names that share it; a
    label sits on the side of its point with more room (right in the left half, left in the
    right half), so it stays inside the chart."""
    grouped: dict[tuple[float, float], list[str]] = {}
    for x, y, label in points:
        grouped.setdefault((x, y), []).append(label)
    data = XyChartData()
    series = data.add_series(series_name)
    for x, y in grouped:
        series.add_data_point(x, y)
    chart = _frame(slide, XL_CHART_TYPE.XY_SCATTER, data)
    chart.has_legend = False
    plot_series = chart.plots[0].series[0]
    plot_series.marker.style = XL_MARKER_STYLE.CIRCLE
    plot_series.marker.size = 12
    plot_series.marker.format.fill.solid()
    plot_series.marker.format.fill.fore_color.rgb = ACCENT
    plot_series.format.line.fill.background()  # points, not a line through them
    middle = (x_range[0] + x_range[1]) / 2
    for i, ((x, _), names) in enumerate(grouped.items()):
        label = plot_series.points[i].data_label
        label.position = XL_LABEL_POSITION.RIGHT if x < middle else XL_LABEL_POSITION.LEFT
        label.text_frame.text = point_label(names, more)
        for run in label.text_frame.paragraphs[0].runs:
            run.font.size = Pt(SMALL_PT)
    for axis, title, (low, high) in ((chart.category_axis, x_title, x_range), (chart.value_axis, y_title, y_range)):
        axis.minimum_scale, axis.maximum_scale = low, high
        axis.major_unit = 1
        axis.has_major_gridlines = True
        axis.tick_labels.font.size = Pt(SMALL_PT)
        axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # at the edge, not through the points
        _axis_title(axis, title)


def bars(slide, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
         top: float = BODY_TOP, height: float = BODY_BOTTOM - BODY_TOP, left: float = MARGIN,
         width: float = WIDTH - 2 * MARGIN) -> None:
    """Horizontal bars, first category on top; a legend only when there are several series."""
    data = CategoryChartData()
    data.categories = [clip(c, 48 if width > 8 else 28) for c in categories]
    for name, values in series:
        data.add_series(name, list(values))
    chart = _frame(slide, XL_CHART_TYPE.BAR_CLUSTERED, data, left=left, top=top, width=width, height=height)
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(SMALL_PT)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(SMALL_PT)
    plot.data_labels.number_format = "0"
    plot.data_labels.number_format_is_linked = False
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(SMALL_PT)
    chart.value_axis.tick_labels.font.size = Pt(SMALL_PT)
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.minimum_scale = 0
    highest = max((v for _, values in series for v in values), default=0)
    chart.value_axis.major_unit = max(1, math.ceil(highest / 8))  # whole counts: no "0.5 objections"
