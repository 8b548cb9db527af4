"""The executive deck: at most :data:`MAX_SLIDES` slides for any map, to present in a meeting.

The full deck of a large map runs to 200+ slides, which nobody presents. This one says per
segment what a room needs to hear (the summary with the top gaps, the buying process, the
buying group, the objections and the motives), picks the top items by the analysis' own
ranking (:func:`~workshop.analysis.risk.best_mends` for gaps, influence, severity and
importance for the rest), and ends every cut list with a line saying how many more the
appendix deck has (:mod:`workshop.exports.pptx_deck`, format ``pptx-appendix``). When a map has
more segments than fit, each segment gets fewer parts (the summary first), the riskiest
segments keep the most, and past :data:`MAX_SLIDES` - 3 segments only the riskiest get a slide.
Every slide carries speaker notes built from its own data.
"""

from __future__ import annotations

from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR

from workshop.analysis import Analysis, SegmentResult, advice, title
from workshop.analysis.friction import cause_summary, consensus_rows, consensus_tally, consensus_verdict, top_cause
from workshop.analysis.insights import risk_level
from workshop.analysis.risk import best_mends
from workshop.model.defaults import get

from . import sections
from .layout import (
    ACCENT,
    BODY_BOTTOM,
    BODY_TOP,
    MARGIN,
    MUTED,
    SMALL_PT,
    WHITE,
    WIDTH,
    Column,
    Deck,
    clip,
    cut_to_lines,
    fit_lines,
    set_text,
)
from .swimlane import EXIT_FILL, LANE_FILL, box

Doc = dict[str, Any]

#: the most slides the executive deck has, whatever the map
MAX_SLIDES = 25
#: per segment, in the order they are given up when slides run short
PARTS = ("summary", "process", "group", "objections", "motives")
#: top items on one slide
TOP_GAPS = 5
TOP_ROWS = 7
#: buying stages drawn side by side on the process slide
STAGES_SHOWN = 8


def plan(risks: list[int], room: int) -> list[int]:
    """How many of :data:`PARTS` each segment gets within ``room`` slides: the same number for
    all, the slides left over to the riskiest first; when there are more segments than slides,
    one slide each for the riskiest and none for the rest (they stay on the overview)."""
    count = len(risks)
    if not count:
        return []
    each = min(len(PARTS), room // count)
    parts = [each] * count
    left = room - each * count
    for i in sorted(range(count), key=lambda i: -risks[i]):
        if left <= 0 or parts[i] >= len(PARTS):
            continue
        parts[i] += 1
        left -= 1
    return parts


def build(deck: Deck, doc: Doc, analysis: Analysis) -> None:
    """The executive deck of ``doc`` into ``deck``."""
    segs = doc["segments"]
    index = sections.Index(doc)
    has_actions = bool(doc.get("actions"))
    fixed = 1 + (len(segs) > 1) + has_actions
    parts = plan([r.risk for r in analysis.segments], MAX_SLIDES - fixed)
    sections.title_slide(deck, doc, deck.t("deck.kind.executive"))
    if len(segs) > 1:
        overview(deck, doc, analysis, index)
    for seg, result, n in zip(segs, analysis.segments, parts):
        name = index.segment_names[seg["id"]]
        for part in PARTS[:n]:
            PART_SLIDES[part](deck, seg, name, result, doc, index)
    if has_actions:
        actions(deck, doc, index)


def _level(deck: Deck, risk: int) -> str:
    return deck.t(f"deck.level.{risk_level(risk)}")


# --- all segments --------------------------------------------------------------------------------
def overview(deck: Deck, doc: Doc, analysis: Analysis, index: sections.Index) -> None:
    pairs = sorted(zip(doc["segments"], analysis.segments), key=lambda p: -p[1].risk)
    cols = [Column(deck.t("deck.col.segment"), 1.6, limit=80), Column(deck.t("deck.col.risk"), 0.8),
            Column(deck.t("deck.col.top_gap"), 2.0), Column(deck.t("deck.col.consensus"), 1.0)]
    rows = []
    for seg, res in pairs:
        mends = best_mends(res.findings, 1)
        gap = f"{title(mends[0][0].code, deck.lang)}: {mends[0][0].message}" if mends else deck.t("deck.no_gaps")
        verdict = consensus_verdict(consensus_tally(consensus_rows(seg)))
        rows.append([index.segment_names[seg["id"]], f"{res.risk} ({_level(deck, res.risk)})", gap,
                     deck.t(f"deck.verdict.{verdict}")])
    worst_seg, worst = pairs[0]
    notes = [deck.t("deck.notes.overview", count=len(pairs), segment=clip(index.segment_names[worst_seg["id"]], 60),
                    risk=worst.risk), deck.t("deck.notes.risk_ask")]
    slide = deck.slide(deck.t("deck.risk_overview"), notes)
    shown = deck.table_slide(slide, cols, rows)
    if shown < len(rows):
        slide.notes_slide.notes_text_frame.add_paragraph().text = deck.t("deck.notes.appendix", count=len(rows) - shown)


# --- one segment ---------------------------------------------------------------------------------
def summary(deck: Deck, seg: Doc, name: str, result: SegmentResult, doc: Doc, index: sections.Index) -> None:
    mends = best_mends(result.findings, TOP_GAPS)
    causes = cause_summary(seg.get("objections", []))
    top = top_cause(causes)
    tally = consensus_tally(consensus_rows(seg))
    verdict = consensus_verdict(tally)
    facts = [deck.t("deck.exec.risk", risk=result.risk, level=_level(deck, result.risk)),
             deck.t("deck.exec.findings", count=len(result.findings)),
             deck.t("deck.exec.consensus", yes=tally.get("yes", 0), total=sum(tally.values()),
                    verdict=deck.t(f"deck.verdict.{verdict}"))]
    if top is not None:
        facts.append(deck.t("deck.exec.top_cause", cause=deck.t(f"option.no_decision_cause.{top.cause}"), count=top.count))
    if seg.get("why_now"):
        facts.append(f"{deck.t('field.segment.why_now')} {clip(seg['why_now'], 160)}")
    notes = [deck.t("deck.notes.summary", segment=clip(name, 60), risk=result.risk, level=_level(deck, result.risk),
                    count=len(result.findings))]
    if mends:
        f, points = mends[0]
        notes.append(deck.t("deck.notes.summary_gap", gap=title(f.code, deck.lang), message=clip(f.message, 200),
                            points=points, advice=clip(advice(f.code, deck.lang), 240)))
    else:
        notes.append(deck.t("deck.notes.no_findings"))
    slide = deck.slide(deck.t("deck.exec.summary", segment=clip(name, 60)), notes)
    left_w = 3.9
    deck.text_box(slide, MARGIN, BODY_TOP, left_w, BODY_BOTTOM - BODY_TOP,
                  [text for text, _ in fit_lines(facts, 200, 22, left_w, lambda n: deck.t("deck.more", count=n))],
                  pt=SMALL_PT + 2)
    x = MARGIN + left_w + 0.25
    width = WIDTH - MARGIN - x
    if not mends:
        deck.text_box(slide, x, BODY_TOP, width, 1.0, [deck.t("deck.no_findings")], pt=18, color=MUTED)
        return
    cols = [Column(deck.t("deck.col.finding"), 1.1, limit=80), Column(deck.t("deck.col.message"), 1.6, limit=160, max_lines=4),
            Column(deck.t("deck.col.advice"), 1.6, limit=160, max_lines=4), Column(deck.t("deck.col.points"), 0.55)]
    rows, told = [], set()
    for f, points in mends:  # the same advice once: later gaps of its kind say "as above"
        rows.append([title(f.code, deck.lang), f.message,
                     deck.t("deck.as_above") if f.code in told else advice(f.code, deck.lang), f"−{points}"])
        told.add(f.code)
    deck.table_slide(slide, cols, rows, left=x, width=width, total=len(result.findings))


def process(deck: Deck, seg: Doc, name: str, result: SegmentResult, doc: Doc, index: sections.Index) -> None:
    """The buying stages side by side: each with its steps (how many behind the scenes) and its
    first exit criteria."""
    stages = seg.get("stages", [])
    shown = stages[:STAGES_SHOWN]
    steps = sum(len(s.get("steps", [])) for s in stages)
    hidden = sum(1 for s in stages for step in s.get("steps", []) if get("step", step, "behind_the_scenes"))
    notes = [deck.t("deck.notes.process", count=len(stages), steps=steps, hidden=hidden)]
    missing = [clip(s["name"], 40) for s in stages if not s.get("exit_criteria")]
    notes.append(deck.t("deck.notes.no_exit", stages=", ".join(missing[:6])) if missing else deck.t("deck.notes.exit_ask"))
    if len(stages) > len(shown):
        notes.append(deck.t("deck.notes.appendix", count=len(stages) - len(shown)))
    slide = deck.slide(deck.t("deck.process", segment=clip(name, 60)), notes)
    if not stages:
        deck.text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 1.0, [deck.t("deck.empty")], pt=18, color=MUTED)
        return
    gap = 0.1
    bottom = BODY_BOTTOM - (0.45 if len(stages) > len(shown) else 0)
    width = (WIDTH - 2 * MARGIN - (len(shown) - 1) * gap) / max(len(shown), 4)
    more = lambda n: deck.t("deck.more", count=n)
    for i, stage in enumerate(shown):
        left = MARGIN + i * (width + gap)
        box(slide, MSO_SHAPE.RECTANGLE, left, BODY_TOP, width, bottom - BODY_TOP, LANE_FILL)
        head = box(slide, MSO_SHAPE.PENTAGON, left, BODY_TOP, width, 0.9, ACCENT)  # an arrow: the stages follow on
        head.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        set_text(head.text_frame, [cut_to_lines(stage["name"], 3, width - 0.35)], pt=SMALL_PT, bold=True, color=WHITE)
        stage_steps = stage.get("steps", [])
        n_hidden = sum(1 for step in stage_steps if get("step", step, "behind_the_scenes"))
        deck.text_box(slide, left, BODY_TOP + 1.0, width, 0.9,
                      [deck.t("deck.exec.steps", count=len(stage_steps)), deck.t("deck.exec.hidden", count=n_hidden)],
                      pt=SMALL_PT, color=MUTED)
        box_top = BODY_TOP + 2.0
        exit_box = box(slide, MSO_SHAPE.RECTANGLE, left + 0.05, box_top, width - 0.1, bottom - box_top - 0.1, EXIT_FILL, line=ACCENT)
        lines = int((bottom - box_top - 0.2) / 0.215) - 2
        items = fit_lines(stage.get("exit_criteria", []), 90, lines, width - 0.1, more)
        set_text(exit_box.text_frame, [deck.t("deck.exit_criteria")] + ([t for t, _ in items] or ["–"]), pt=SMALL_PT,
                 color=ACCENT)
    if len(stages) > len(shown):
        deck.text_box(slide, MARGIN, bottom + 0.05, WIDTH - 2 * MARGIN, 0.35,
                      [deck.t("deck.more_in_appendix", count=len(stages) - len(shown))], pt=SMALL_PT, color=MUTED)


def group(deck: Deck, seg: Doc, name: str, result: SegmentResult, doc: Doc, index: sections.Index) -> None:
    roles = seg.get("roles", [])
    ranked = sorted(roles, key=lambda r: (-get("role", r, "influence"), get("role", r, "stance")))
    notes = sections.group_notes(deck, roles) if roles else [deck.t("deck.notes.no_roles")]
    slide = deck.slide(deck.t("deck.group", segment=clip(name, 60)), notes)
    if not roles:
        deck.text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 1.0, [deck.t("deck.empty")], pt=18, color=MUTED)
        return
    cols = [Column(deck.t("deck.col.role"), 1.4, limit=80), Column(deck.t("deck.col.decision_roles"), 1.3, bullets=True, max_lines=3),
            Column(deck.t("deck.col.influence"), 0.7), Column(deck.t("deck.col.stance"), 1.0),
            Column(deck.t("deck.col.our_contact"), 0.9, limit=60), Column(deck.t("deck.col.personal_risk"), 1.6, max_lines=3)]
    rows = [[r["name"], [deck.t(f"option.decision_role.{d}") for d in r.get("decision_roles", [])],
             str(get("role", r, "influence")), sections._stance(deck, get("role", r, "stance")), r.get("our_contact") or "–",
             r.get("personal_risk")] for r in ranked]
    shown = deck.table_slide(slide, cols, rows[:TOP_ROWS], total=len(rows))
    if shown < len(rows):
        slide.notes_slide.notes_text_frame.add_paragraph().text = deck.t("deck.notes.appendix", count=len(rows) - shown)


def objections(deck: Deck, seg: Doc, name: str, result: SegmentResult, doc: Doc, index: sections.Index) -> None:
    items = seg.get("objections", [])
    ranked = sorted(items, key=lambda o: (-get("objection", o, "severity"), bool(o.get("responses"))))
    causes = cause_summary(items)
    unanswered = sum(1 for o in items if not o.get("responses"))
    notes = sections.cause_notes(deck, causes) if items else [deck.t("deck.notes.no_objections")]
    if items:
        notes.append(deck.t("deck.notes.unanswered", count=unanswered, total=len(items)))
    slide = deck.slide(deck.t("deck.friction", segment=clip(name, 60)), notes)
    if not items:
        deck.text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 1.0, [deck.t("deck.empty")], pt=18, color=MUTED)
        return
    charted = any(c.count for c in causes)
    width = 7.9 if charted else WIDTH - 2 * MARGIN
    cols = [Column(deck.t("deck.col.objection"), 1.6, max_lines=3), Column(deck.t("deck.col.cause"), 0.9),
            Column(deck.t("deck.col.severity"), 0.6), Column(deck.t("deck.col.response"), 1.5, max_lines=3)]
    rows = [[o["text"], sections._cause(deck, o), str(get("objection", o, "severity")),
             (o.get("responses") or [deck.t("deck.unanswered")])[0]] for o in ranked]
    shown = deck.table_slide(slide, cols, rows[:TOP_ROWS], width=width, total=len(rows))
    if shown < len(rows):
        notes_frame = slide.notes_slide.notes_text_frame
        notes_frame.add_paragraph().text = deck.t("deck.notes.appendix", count=len(rows) - shown)
    if charted:
        x = MARGIN + width + 0.2
        sections.cause_chart(deck, slide, causes, left=x, width=WIDTH - MARGIN - x)


def motives(deck: Deck, seg: Doc, name: str, result: SegmentResult, doc: Doc, index: sections.Index) -> None:
    items = seg.get("motives", [])
    serving: dict[str, list[str]] = {}
    for usp in doc.get("usps", []):
        for m in usp.get("motives", []):
            serving.setdefault(m, []).append(usp["text"])
    ranked = sorted(items, key=lambda m: -get("motive", m, "importance"))
    unserved = [clip(m["text"], 50) for m in ranked if not serving.get(m["id"])]
    if items:
        notes = [deck.t("deck.notes.motives", motive=clip(ranked[0]["text"], 80), importance=get("motive", ranked[0], "importance")),
                 deck.t("deck.notes.motives_unserved", count=len(unserved), motives=", ".join(unserved[:3]))
                 if unserved else deck.t("deck.notes.motives_served")]
    else:
        notes = [deck.t("deck.notes.no_motives")]
    slide = deck.slide(deck.t("deck.motives", segment=clip(name, 60)), notes)
    if not items:
        deck.text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 1.0, [deck.t("deck.empty")], pt=18, color=MUTED)
        return
    cols = [Column(deck.t("deck.col.motive"), 1.6, max_lines=3), Column(deck.t("deck.col.kind"), 0.7),
            Column(deck.t("deck.col.importance"), 0.6), Column(deck.t("deck.col.whose"), 1.0, limit=60, bullets=True, max_lines=3),
            Column(deck.t("deck.col.usps"), 1.6, bullets=True, max_lines=3)]
    rows = [[m["text"], deck.t(f"option.motive_kind.{m['kind']}") if m.get("kind") else "",
             str(get("motive", m, "importance")), index.names(m.get("roles")),
             serving.get(m["id"]) or deck.t("deck.none")] for m in ranked]
    shown = deck.table_slide(slide, cols, rows[:TOP_ROWS], total=len(rows))
    if shown < len(rows):
        slide.notes_slide.notes_text_frame.add_paragraph().text = deck.t("deck.notes.appendix", count=len(rows) - shown)


PART_SLIDES = {"summary": summary, "process": process, "group": group, "objections": objections, "motives": motives}


# --- the close -----------------------------------------------------------------------------------
def actions(deck: Deck, doc: Doc, index: sections.Index) -> None:
    items = doc.get("actions", [])
    order = {"open": 0, "doing": 1, "done": 2}
    ranked = sorted(items, key=lambda a: (order.get(get("action", a, "status"), 1), a.get("due") or "9999"))
    open_count = sum(1 for a in items if get("action", a, "status") != "done")
    notes = [deck.t("deck.notes.actions", count=len(items), open=open_count),
             deck.t("deck.notes.actions_ask")]
    slide = deck.slide(deck.t("deck.actions"), notes)
    cols = [Column(deck.t("deck.col.action"), 2.0, max_lines=3), Column(deck.t("deck.col.kind"), 0.9),
            Column(deck.t("deck.col.about"), 1.3, limit=100, max_lines=2), Column(deck.t("deck.col.owner"), 0.8, limit=60),
            Column(deck.t("deck.col.due"), 0.6), Column(deck.t("deck.col.status"), 0.6)]
    rows = [[a["text"], deck.t(f"option.action_kind.{get('action', a, 'kind')}"),
             index.label(a.get("about")) if a.get("about") else "", a.get("owner") or "–", a.get("due") or "–",
             deck.t(f"option.action_status.{get('action', a, 'status')}")] for a in ranked]
    shown = deck.table_slide(slide, cols, rows[:TOP_ROWS + 1], total=len(rows))
    if shown < len(rows):
        slide.notes_slide.notes_text_frame.add_paragraph().text = deck.t("deck.notes.appendix", count=len(rows) - shown)
