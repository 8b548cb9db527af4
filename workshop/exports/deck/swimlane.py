"""The customer's buying process as a swimlane: one lane per buying stage, its steps, its exit criteria.

Drawn from native shapes (a lane rectangle, an arrow-shaped stage header, a rounded box per
step, a box of exit criteria) so the team can move, recolour and retype them. Steps the customer
takes behind the scenes, without the seller, get a dashed outline and a label: they are where
buyer enablement must work on its own. Four stages fit on a slide and four steps in a lane;
more stages or steps continue on the next slides (the lanes keep their place).
"""

from __future__ import annotations

import math
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches, Pt

from workshop.model.defaults import get

from .layout import (
    ACCENT,
    BODY_TOP,
    INK,
    MARGIN,
    MUTED,
    SMALL_PT,
    WHITE,
    WIDTH,
    Deck,
    clip,
    fit_lines,
    set_text,
)

STAGES_PER_SLIDE = 4
STEPS_PER_LANE = 4

_GAP = 0.15
_HEADER_H = 0.75
_STEP_TOP = BODY_TOP + _HEADER_H + 0.15
_STEP_H = 0.8
_STEP_GAP = 0.1
_EXIT_TOP = _STEP_TOP + STEPS_PER_LANE * (_STEP_H + _STEP_GAP) + 0.02
_EXIT_H = 1.0
_LEGEND_TOP = _EXIT_TOP + _EXIT_H + 0.1

LANE_FILL = RGBColor(0xF3, 0xF5, 0xF8)
HIDDEN_FILL = RGBColor(0xFD, 0xF6, 0xE3)
HIDDEN_LINE = RGBColor(0xB4, 0x53, 0x09)
EXIT_FILL = RGBColor(0xE7, 0xF3, 0xEA)


def process_slides(deck: Deck, segment: dict[str, Any]) -> None:
    """The swimlane slides of one segment (a note slide when it has no stages)."""
    title = deck.t("deck.process", segment=clip(segment["name"], 60))
    stages = segment.get("stages", [])
    if not stages:
        deck.note_slide(title, deck.t("deck.empty"), deck.t("deck.notes.no_stages"))
        return
    chunks = [stages[i : i + STAGES_PER_SLIDE] for i in range(0, len(stages), STAGES_PER_SLIDE)]
    pages = [(chunk, p) for chunk in chunks
             for p in range(max(1, max(math.ceil(len(s.get("steps", [])) / STEPS_PER_LANE) for s in chunk)))]
    for number, (chunk, step_page) in enumerate(pages, 1):
        slide = deck.slide(title, lane_notes(deck, chunk, step_page), number, len(pages))
        lane_w = (WIDTH - 2 * MARGIN - (STAGES_PER_SLIDE - 1) * _GAP) / STAGES_PER_SLIDE
        for i, stage in enumerate(chunk):
            left = MARGIN + i * (lane_w + _GAP)
            _lane(deck, slide, stage, left, lane_w, step_page)
        _legend(deck, slide)


def lane_notes(deck: Deck, stages: list[dict[str, Any]], step_page: int = 0) -> list[str]:
    """What to tell the room about these lanes: the stages, how many steps happen behind the
    scenes, and which stages lack the evidence that the customer moved on."""
    steps = [step for s in stages for step in s.get("steps", [])[step_page * STEPS_PER_LANE:(step_page + 1) * STEPS_PER_LANE]]
    hidden = sum(1 for step in steps if get("step", step, "behind_the_scenes"))
    lines = [deck.t("deck.notes.lanes", stages=", ".join(clip(s["name"], 40) for s in stages), steps=len(steps), hidden=hidden)]
    missing = [clip(s["name"], 40) for s in stages if not s.get("exit_criteria")]
    if missing:
        lines.append(deck.t("deck.notes.no_exit", stages=", ".join(missing)))
    else:
        lines.append(deck.t("deck.notes.exit_ask"))
    return lines


def box(slide, shape_type, left: float, top: float, width: float, height: float, fill: RGBColor,
         line: RGBColor | None = None):
    shape = slide.shapes.add_shape(shape_type, Inches(left), Inches(top), Inches(width), Inches(height))
    shape.fill.solid()
    shape.fill.fore_color.rgb = fill
    if line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = line
        shape.line.width = Pt(1.5)
    shape.shadow.inherit = False
    frame = shape.text_frame
    frame.margin_left = frame.margin_right = Inches(0.08)
    frame.margin_top = frame.margin_bottom = Inches(0.04)
    frame.vertical_anchor = MSO_ANCHOR.TOP
    return shape


def _lane(deck: Deck, slide, stage: dict[str, Any], left: float, width: float, step_page: int) -> None:
    lane_bottom = _EXIT_TOP + _EXIT_H
    box(slide, MSO_SHAPE.RECTANGLE, left, BODY_TOP, width, lane_bottom - BODY_TOP + 0.05, LANE_FILL)
    header = box(slide, MSO_SHAPE.PENTAGON, left, BODY_TOP, width, _HEADER_H, ACCENT)
    header.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    set_text(header.text_frame, [clip(stage["name"], 56)], pt=14, bold=True, color=WHITE)

    steps = stage.get("steps", [])
    shown = steps[step_page * STEPS_PER_LANE : (step_page + 1) * STEPS_PER_LANE]
    if not steps and step_page == 0:
        _muted(deck, slide, left, width)
    for k, step in enumerate(shown):
        top = _STEP_TOP + k * (_STEP_H + _STEP_GAP)
        _step(deck, slide, step, left + 0.1, top, width - 0.2)

    exit_box = box(slide, MSO_SHAPE.RECTANGLE, left + 0.1, _EXIT_TOP, width - 0.2, _EXIT_H, EXIT_FILL, line=ACCENT)
    frame = exit_box.text_frame
    set_text(frame, [deck.t("deck.exit_criteria")], pt=SMALL_PT, bold=True, color=ACCENT)
    items = fit_lines(stage.get("exit_criteria", []), 70, 3, width - 0.2,
                      lambda n: deck.t("deck.more", count=n), bullets=True)
    for text, _ in items or [("–", 1)]:
        para = frame.add_paragraph()
        for part in ("• ", text) if items else (text,):
            run = para.add_run()
            run.text = part
            run.font.size = Pt(SMALL_PT)
            run.font.color.rgb = INK


def _muted(deck: Deck, slide, left: float, width: float) -> None:
    note = slide.shapes.add_textbox(Inches(left + 0.1), Inches(_STEP_TOP), Inches(width - 0.2), Inches(0.6))
    set_text(note.text_frame, [deck.t("deck.no_steps")], pt=SMALL_PT, color=MUTED)


def _step(deck: Deck, slide, step: dict[str, Any], left: float, top: float, width: float) -> None:
    hidden = bool(get("step", step, "behind_the_scenes"))
    shape = box(slide, MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, _STEP_H,
                 HIDDEN_FILL if hidden else WHITE, line=HIDDEN_LINE if hidden else ACCENT)
    if hidden:
        shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    per_line = max(10, int((width - 0.16) / 0.092))
    frame = shape.text_frame
    if hidden:
        set_text(frame, [deck.t("deck.behind_the_scenes")], pt=SMALL_PT, bold=True, color=HIDDEN_LINE)
        para = frame.add_paragraph()
        run = para.add_run()
        run.text = clip(step["text"], 2 * per_line)
        run.font.size = Pt(SMALL_PT)
        run.font.color.rgb = INK
    else:
        set_text(frame, [clip(step["text"], 3 * per_line)], pt=SMALL_PT)


def _legend(deck: Deck, slide) -> None:
    sample = box(slide, MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN, _LEGEND_TOP + 0.04, 0.5, 0.26, HIDDEN_FILL, line=HIDDEN_LINE)
    sample.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    label = slide.shapes.add_textbox(Inches(MARGIN + 0.6), Inches(_LEGEND_TOP), Inches(WIDTH - 2 * MARGIN - 0.6), Inches(0.35))
    set_text(label.text_frame, [deck.t("deck.legend")], pt=SMALL_PT, color=MUTED)
