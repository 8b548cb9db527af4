"""The slide decks: the executive deck (at most 25 slides, format ``pptx``) and the appendix deck
(every detail, ``pptx-appendix``) open in python-pptx, are built from native tables, shapes and
charts, carry speaker notes, a title and a language, show user text literally, and continue long
tables on more slides. LibreOffice renders them in ``test_deck_render.py``."""

from __future__ import annotations

from functools import cache
from io import BytesIO

import pytest
from pptx import Presentation
from pptx.util import Pt

from workshop import demo
from workshop.exports import render
from workshop.exports.deck.charts import point_label
from workshop.exports.deck.executive import MAX_SLIDES, PARTS, plan
from workshop.exports.deck.layout import ROWS_PER_SLIDE, SMALL_PT, clip, fit_lines
from workshop.exports.pptx_deck import to_pptx, to_pptx_appendix

MAPS = {
    "fleet": lambda: demo.example("fleet"),
    "kommun": lambda: demo.example("kommun"),
    "hostile": demo.hostile_map,
    "synthetic": demo.synthetic_map,
}


KINDS = {"executive": to_pptx, "appendix": to_pptx_appendix}


@cache
def deck_bytes(name: str, kind: str = "appendix") -> bytes:
    doc = MAPS[name]()
    return KINDS[kind](doc, doc["workshop"].get("language", "en"))


def deck(name: str, kind: str = "appendix"):
    return Presentation(BytesIO(deck_bytes(name, kind)))


def titles(prs) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in prs.slides]


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def chart_categories(prs) -> list[str]:
    return [str(c) for slide in prs.slides for s in slide.shapes if s.has_chart
            for plot in s.chart.plots for c in plot.categories]


def runs(prs):
    """Every run's text on every slide: shapes, table cells."""
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames.extend(cell.text_frame for row in shape.table.rows for cell in row.cells)
            for frame in frames:
                for para in frame.paragraphs:
                    yield from para.runs


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", MAPS)
def test_deck_opens_16_9_with_native_tables_and_charts(name, kind):
    prs = deck(name, kind)
    assert prs.slide_width * 9 == prs.slide_height * 16 or abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    shapes = [shape for slide in prs.slides for shape in slide.shapes]
    assert any(s.has_table for s in shapes)
    charts = [s.chart for s in shapes if s.has_chart]
    assert charts, "no native chart"
    assert not any(s.shape_type == 13 for s in shapes), "a picture: the deck must be native shapes"
    assert len(prs.slides) >= (10 if kind == "appendix" else 5)
    assert all(slide.shapes.title is not None and slide.shapes.title.text_frame.text for slide in prs.slides), \
        "every slide has a real title"


def test_fleet_deck_has_each_section_in_its_language():
    doc = demo.example("fleet")
    prs = deck("fleet")
    text = "\n".join(r.text for r in runs(prs))
    seg = doc["segments"][0]  # the appendix deck has every step
    for stage in seg["stages"]:
        assert stage["name"] in text
        for step in stage["steps"]:
            assert step["text"] in text
    assert "Behind the scenes" in text  # hidden steps are labelled
    for heading in ("Buyer-aligned sales process", "Buying group", "Influence and stance", "Consensus check",
                    "Findings", "Dot-vote results", "Live deals", "Actions after the workshop"):
        assert heading in text, heading
    chart_types = {str(s.chart.chart_type).split()[0] for slide in prs.slides for s in slide.shapes if s.has_chart}
    assert any("XY_SCATTER" in c for c in chart_types) and any("BAR" in c for c in chart_types), chart_types
    sv = Presentation(BytesIO(to_pptx_appendix(doc, "sv")))
    assert "Köparanpassad säljprocess" in "\n".join(r.text for r in runs(sv))


def test_behind_the_scenes_steps_have_dashed_outlines():
    prs = deck("fleet")
    dashed = [s for slide in prs.slides for s in slide.shapes
              if s.has_text_frame and "Behind the scenes" in s.text_frame.text and s.line.dash_style is not None]
    hidden = sum(1 for st in demo.example("fleet")["segments"][0]["stages"] for step in st["steps"] if step.get("behind_the_scenes"))
    assert len(dashed) == hidden


def test_hostile_texts_are_literal_runs():
    prs = deck("hostile")
    texts = {r.text for r in runs(prs)}
    for payload in demo.HOSTILE_TEXTS:
        assert any(t.endswith(payload) for t in texts), payload
    assert demo.hostile_map()["workshop"]["title"] in texts


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", MAPS)
def test_no_table_runs_past_its_page_limit(name, kind):
    prs = deck(name, kind)
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                assert len(shape.table.rows) <= ROWS_PER_SLIDE + 1  # the header row on top
                assert shape.top + shape.height <= prs.slide_height


def test_fonts_are_readable():
    sizes = {r.font.size for r in runs(deck("synthetic")) if r.font.size is not None}
    assert sizes and min(sizes) >= Pt(SMALL_PT)


def test_long_content_continues_on_more_slides():
    prs = deck("synthetic")
    titles = [slide.shapes.title.text_frame.text for slide in prs.slides]
    assert any(t.startswith("Friction and objections: Segment 1 (") for t in titles)  # 50 objections
    assert sum(t.startswith("Buying process: Segment 1") for t in titles) >= 3  # 12 stages × 10 steps


def test_very_long_and_odd_texts_are_clipped_and_xml_safe():
    doc = demo.example("fleet")
    seg = doc["segments"][0]
    seg["roles"][0]["personal_risk"] = "x" * 4000
    seg["stages"][0]["steps"][0]["text"] = "🚚" * 4000
    seg["stages"][0]["exit_criteria"] = [f"criterion {i} " + "y" * 300 for i in range(40)]
    seg["objections"][0]["text"] = "bell\x07 and form\x0c feed\ud800"
    prs = Presentation(BytesIO(to_pptx_appendix(doc, "en")))
    texts = [r.text for r in runs(prs)]
    assert max(len(t) for t in texts) <= 400
    assert any(t.endswith("…") for t in texts)
    assert "bell and form feed" in texts
    assert clip("a\n b\tc", 10) == "a b c"


def test_no_vote_section_without_votes_and_render_registry():
    doc = demo.example("fleet")
    doc["votes"] = []
    prs = Presentation(BytesIO(render(doc, "pptx-appendix")))
    assert not any("Dot-vote" in slide.shapes.title.text_frame.text for slide in prs.slides)


# --- the executive deck (issue 19, item 3) -------------------------------------------------------
def many_segments():
    return demo.synthetic_map(segments=30, stages=4, steps=2, roles=4, motives=3, objections=4, votes=60, deals=10)


@pytest.mark.parametrize("make", [*MAPS.values(), many_segments], ids=[*MAPS, "30-segments"])
def test_executive_deck_has_at_most_25_slides_for_any_map(make):
    doc = make()
    prs = Presentation(BytesIO(to_pptx(doc, "en")))
    assert len(prs.slides) <= MAX_SLIDES
    if make is demo.synthetic_map:  # the large map: every segment has all its parts
        assert len(prs.slides) == 1 + 1 + 4 * len(PARTS) + 1


def test_the_plan_shares_slides_riskiest_first():
    assert plan([10, 90, 50], 22) == [5, 5, 5]
    assert plan([10, 90, 50, 40, 30], 11) == [2, 3, 2, 2, 2]
    assert plan([10, 90, 50], 2) == [0, 1, 1]
    assert sum(plan(list(range(40)), 22)) == 22


def test_executive_deck_of_the_large_map_points_to_the_appendix():
    prs = deck("synthetic", "executive")
    text = "\n".join(r.text for r in runs(prs))
    assert "more in the appendix" in text
    heads = titles(prs)
    for part in ("Summary and top gaps: Segment 1", "Buying process: Segment 1", "Buying group: Segment 1",
                 "Friction and objections: Segment 1", "Buying motives"):
        assert any(h.startswith(part) for h in heads), part
    assert heads[-1] == "Actions after the workshop"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", MAPS)
def test_every_slide_has_speaker_notes_from_its_data(name, kind):
    prs = deck(name, kind)
    said = [notes(slide) for slide in prs.slides]
    assert all(n.strip() for n in said), [i for i, n in enumerate(said, 1) if not n.strip()]
    assert len(set(said)) >= len(said) * 0.6, "notes repeat one fixed sentence"


def test_notes_say_what_to_tell_the_room_in_the_workshops_language():
    prs = deck("kommun", "executive")  # a Swedish workshop
    doc = demo.example("kommun")
    seg = doc["segments"][0]
    summary = next(s for s in prs.slides if s.shapes.title.text_frame.text.startswith("Sammanfattning"))
    assert seg["name"] in notes(summary) and "risk för inget beslut" in notes(summary)
    assert "fas" in notes(next(s for s in prs.slides if s.shapes.title.text_frame.text.startswith("Köpprocess")))


@pytest.mark.parametrize("kind", KINDS)
def test_document_title_and_language_are_set(kind):
    doc = demo.example("kommun")
    prs = deck("kommun", kind)
    assert prs.core_properties.title.startswith(doc["workshop"]["title"])
    assert prs.core_properties.language == "sv-SE"
    langs = {r._r.rPr.get("lang") for r in runs(prs)}
    assert langs == {"sv-SE"}


def test_page_markers_survive_truncated_titles():
    doc = demo.synthetic_map(segments=1)
    doc["segments"][0]["name"] = "A segment name that goes on and on " * 6
    prs = Presentation(BytesIO(to_pptx_appendix(doc, "en")))
    paged = [h for h in titles(prs) if h.startswith("Buying process:")]
    assert len(paged) >= 3
    assert all(h.endswith(f"({i}/{len(paged)})") for i, h in enumerate(paged, 1)), paged
    assert all("…" in h for h in paged)


def test_more_appears_only_when_items_are_cut_and_never_overflows():
    more = lambda n: f"+{n} more"
    for width in (1.2, 2.0, 3.5):
        for max_lines in (1, 2, 3, 5, 12):
            for count in range(0, 8):
                for size in (5, 40, 200):
                    items = [f"item {i} " + "x" * size for i in range(count)]
                    out = fit_lines(items, 160, max_lines, width, more, bullets=True)
                    assert sum(n for _, n in out) <= max_lines, (width, max_lines, count, size, out)
                    shown = [t for t, _ in out if not t.startswith("+")]
                    summaries = [t for t, _ in out if t.startswith("+")]
                    cut = count - len(shown)
                    if summaries:
                        assert summaries == [more(cut)] and cut >= 1
                    else:
                        assert cut == 0
                    if summaries == [more(1)]:  # only beside a first item cut to the room left
                        assert len(shown) == 1 and shown[0].endswith("…"), out
    # one item that does not fit is cut to the lines left, never replaced by "+1 more"
    out = fit_lines(["short", "a long text " * 20], 400, 3, 2.0, more)
    assert out[0][0] == "short" and out[1][0].endswith("…") and sum(n for _, n in out) <= 3
    assert point_label(["A"], more) == "A"
    assert point_label([f"Role {i} with a long name" for i in range(6)], more).endswith("more")
    assert len(point_label([f"Role {i} with a long name" for i in range(6)], more)) <= 40


@pytest.mark.parametrize("kind", KINDS)
def test_none_is_never_charted_as_a_cause(kind):
    doc = demo.synthetic_map(segments=2)
    for seg in doc["segments"]:
        for o in seg["objections"]:
            o["no_decision_cause"] = "none"
        seg["objections"][0]["no_decision_cause"] = "budget"
    prs = Presentation(BytesIO(KINDS[kind](doc, "en")))
    categories = chart_categories(prs)
    assert "Budget" in categories and "None" not in categories
    everywhere = [c for name in MAPS for c in chart_categories(deck(name, kind))]
    assert not {"None", "Ingen"} & set(everywhere)


def test_chart_labels_carry_the_segment_where_two_segments_share_a_name():
    prs = deck("synthetic", "appendix")
    voted = [c for slide in prs.slides if slide.shapes.title.text_frame.text == "Most dots"
             for s in slide.shapes if s.has_chart for c in s.chart.plots[0].categories]
    assert voted and all(str(c).endswith(")") for c in voted if str(c).startswith(("Role", "Buying motive", "Objection")))
    assert any("(Segment " in str(c) for c in voted)
    doc = demo.synthetic_map(segments=2)
    doc["segments"][1]["name"] = doc["segments"][0]["name"]
    prs = Presentation(BytesIO(to_pptx_appendix(doc, "en")))
    voted = {str(c) for slide in prs.slides if slide.shapes.title.text_frame.text == "Most dots"
             for s in slide.shapes if s.has_chart for c in s.chart.plots[0].categories}
    assert any(c.endswith("(Segment 1 (2))") for c in voted), voted


@pytest.mark.parametrize("kind", KINDS)
def test_closing_slides_with_nothing_to_say_are_left_out(kind):
    doc = demo.example("fleet")
    doc["deals"], doc["actions"], doc["votes"], doc["usps"] = [], [], [], []
    prs = Presentation(BytesIO(KINDS[kind](doc, "en")))
    heads = titles(prs)
    assert not any(h.startswith(("Live deals", "Actions after", "Dot-vote", "Most dots", "Our USPs")) for h in heads), heads
    assert not any("Nothing recorded yet" in r.text for slide in list(prs.slides)[-3:] for s in slide.shapes
                   if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs)
