"""The slide deck: opens in python-pptx (and LibreOffice where installed), is built from native
tables, shapes and charts, shows user text literally, and continues long tables on more slides."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from io import BytesIO

import pytest
from pptx import Presentation
from pptx.util import Pt

from workshop import demo
from workshop.exports import render
from workshop.exports.deck.layout import ROWS_PER_SLIDE, SMALL_PT, clip
from workshop.exports.pptx_deck import to_pptx

MAPS = {
    "fleet": lambda: demo.example("fleet"),
    "kommun": lambda: demo.example("kommun"),
    "hostile": demo.hostile_map,
    "synthetic": demo.synthetic_map,
}


@cache
def deck_bytes(name: str) -> bytes:
    doc = MAPS[name]()
    return to_pptx(doc, doc["workshop"].get("language", "en"))


def deck(name: str):
    return Presentation(BytesIO(deck_bytes(name)))


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


@pytest.mark.parametrize("name", MAPS)
def test_deck_opens_16_9_with_native_tables_and_charts(name):
    prs = deck(name)
    assert prs.slide_width * 9 == prs.slide_height * 16 or abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    shapes = [shape for slide in prs.slides for shape in slide.shapes]
    assert any(s.has_table for s in shapes)
    charts = [s.chart for s in shapes if s.has_chart]
    assert charts, "no native chart"
    assert not any(s.shape_type == 13 for s in shapes), "a picture: the deck must be native shapes"
    assert len(prs.slides) >= 10
    titles = [slide.shapes.title.text_frame.text for slide in prs.slides if slide.shapes.title is not None]
    assert len(titles) == len(prs.slides), "every slide has a real title"


def test_fleet_deck_has_each_section_in_its_language():
    doc = demo.example("fleet")
    prs = deck("fleet")
    text = "\n".join(r.text for r in runs(prs))
    seg = doc["segments"][0]
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
    sv = Presentation(BytesIO(to_pptx(doc, "sv")))
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


@pytest.mark.parametrize("name", MAPS)
def test_no_table_runs_past_its_page_limit(name):
    prs = deck(name)
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
    prs = Presentation(BytesIO(to_pptx(doc, "en")))
    texts = [r.text for r in runs(prs)]
    assert max(len(t) for t in texts) <= 400
    assert any(t.endswith("…") for t in texts)
    assert "bell and form feed" in texts
    assert clip("a\n b\tc", 10) == "a b c"


def test_no_vote_section_without_votes_and_render_registry():
    doc = demo.example("fleet")
    doc["votes"] = []
    prs = Presentation(BytesIO(render(doc, "pptx")))
    assert not any("Dot-vote" in slide.shapes.title.text_frame.text for slide in prs.slides)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("name", ["fleet", "hostile"])
def test_libreoffice_converts_the_deck_to_pdf(tmp_path, name):
    src = tmp_path / f"{name}.pptx"
    src.write_bytes(deck_bytes(name))
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "out"), str(src)], check=True, timeout=120, env=env,
                   capture_output=True)
    pdf = tmp_path / "out" / f"{name}.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
