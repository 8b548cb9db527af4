"""The decks as LibreOffice renders them (issue 19, item 3): a PDF page per slide, and no text
past a slide's edge, measured from the PDF's own text positions.

LibreOffice Impress, the Carlito font (Calibri's metrics, so lines break where PowerPoint's
would) and poppler-utils come from ``scripts/install_system.sh``; without LibreOffice these
tests are skipped, except in CI (``CI`` set), where they fail. One soffice run converts every
deck (starting LibreOffice costs more than a deck), with a private profile so parallel runs do
not clash: about 10 s for these five decks on a busy 2-core machine.

The PDF is read twice: ``pdftotext -bbox`` gives each word's box, so a word partly past an edge
shows; pypdf's text visitor gives the origin of every text run, including text wholly past the
slide, which pdftotext leaves out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from pptx import Presentation
from pypdf import PdfReader

from workshop import demo
from workshop.exports.pptx_deck import to_pptx, to_pptx_appendix

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
MAPS = {"fleet": lambda: demo.example("fleet"), "kommun": lambda: demo.example("kommun"),
        "hostile": demo.hostile_map, "synthetic": demo.synthetic_map}
KINDS = {"executive": to_pptx, "appendix": to_pptx_appendix}
#: a few decks (LibreOffice is slow): both kinds, three languages' worth of text, the hostile
#: map's long and odd texts, and the large map's executive deck
DECKS = [("fleet", "executive"), ("fleet", "appendix"), ("kommun", "executive"), ("hostile", "appendix"),
         ("synthetic", "executive")]
#: points a glyph may reach past an edge (anti-aliasing, rounding)
SLACK = 1.0

_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def _tools() -> None:
    missing = [name for name, path in (("soffice (LibreOffice)", SOFFICE), ("pdftotext (poppler-utils)", PDFTOTEXT)) if path is None]
    if not missing:
        return
    message = f"{' and '.join(missing)} not installed: bash scripts/install_system.sh installs them"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Each deck's slide count and its PDF, all converted by one LibreOffice run."""
    _tools()
    folder = tmp_path_factory.mktemp("decks")
    slides, files = {}, []
    for name, kind in DECKS:
        doc = MAPS[name]()
        data = KINDS[kind](doc, doc["workshop"].get("language", "en"))
        slides[(name, kind)] = len(Presentation(BytesIO(data)).slides)
        path = folder / f"{name}-{kind}.pptx"
        path.write_bytes(data)
        files.append(str(path))
    env = {"HOME": str(folder), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "pdf", "--outdir", str(folder / "pdf"), *files],
                   check=True, timeout=600, env=env, capture_output=True)
    return {key: (count, folder / "pdf" / f"{key[0]}-{key[1]}.pdf") for key, count in slides.items()}


@pytest.mark.parametrize("name,kind", DECKS, ids=[f"{n}-{k}" for n, k in DECKS])
def test_the_pdf_has_a_page_per_slide(rendered, name, kind):
    count, pdf = rendered[(name, kind)]
    assert pdf.exists(), "LibreOffice wrote no PDF"
    assert len(PdfReader(pdf).pages) == count


def _words_past_the_edge(pdf) -> list[tuple[int, str, tuple[float, ...]]]:
    """Words whose box (pdftotext -bbox) reaches past their page."""
    out = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=120).stdout
    bad = []
    for number, (w, h, body) in enumerate(_PAGE.findall(out), 1):
        width, height = float(w), float(h)
        for *box, word in _WORD.findall(body):
            x0, y0, x1, y1 = map(float, box)
            if x0 < -SLACK or y0 < -SLACK or x1 > width + SLACK or y1 > height + SLACK:
                bad.append((number, word, (x0, y0, x1, y1)))
    return bad


def _runs_past_the_edge(pdf) -> list[tuple[int, str, tuple[float, float]]]:
    """Text runs whose origin (pypdf's visitor: text matrix × current matrix) is off their page."""
    bad = []
    for number, page in enumerate(PdfReader(pdf).pages, 1):
        box = page.mediabox
        left, bottom, right, top = float(box.left), float(box.bottom), float(box.right), float(box.top)

        def visit(text, cm, tm, font, size, number=number, left=left, bottom=bottom, right=right, top=top):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not (left - SLACK <= x <= right + SLACK and bottom - SLACK <= y <= top + SLACK):
                bad.append((number, text, (x, y)))

        page.extract_text(visitor_text=visit)
    return bad


@pytest.mark.parametrize("name,kind", DECKS, ids=[f"{n}-{k}" for n, k in DECKS])
def test_no_text_runs_past_the_slide(rendered, name, kind):
    _, pdf = rendered[(name, kind)]
    assert _words_past_the_edge(pdf) == []
    assert _runs_past_the_edge(pdf) == []


def test_the_measure_sees_text_past_the_slide(tmp_path):
    """The two readings catch a text box that runs past the bottom and a line past the right edge."""
    _tools()
    from pptx.util import Inches

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    low = slide.shapes.add_textbox(Inches(1), Inches(6.5), Inches(3), Inches(0.5))
    low.text_frame.word_wrap = True
    low.text_frame.text = "words that run past the bottom " * 12
    wide = slide.shapes.add_textbox(Inches(8), Inches(1), Inches(3), Inches(0.5))
    wide.text_frame.text = "a line that runs past the right edge of the slide"
    prs.save(tmp_path / "over.pptx")
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "over.pptx")],
                   check=True, timeout=300, env={"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                   capture_output=True)
    pdf = tmp_path / "over.pdf"
    assert any(y < 0 for _, _, (_, y) in _runs_past_the_edge(pdf))  # below the page: pdftotext drops it
    assert any(x1 > 720 for _, _, (_, _, x1, _) in _words_past_the_edge(pdf))
