"""Blocks to PDF with Typst (the ``typst`` wheel: its compiler and fonts inside, no network).

Why Typst: one wheel with no system libraries (WeasyPrint needs Pango and system fonts; a
machine without them prints boxes), fonts embedded in the wheel with every Nordic letter, a
real typesetter (hyphenation and headings by language, tagged PDF with ``/Lang``), and a
template kept apart from the data. The words reach the template only as JSON in
``sys.inputs`` (``templates/document.typ`` reads it with ``json()``); a string from data is set
as text and never evaluated, so no participant's text can become Typst markup or code. The
template sets Libertinus Serif (embedded in the wheel) for all text, so letters look the same on
every machine; the system's fonts serve only as a fallback for characters it lacks (an emoji on
a sticky note, from Debian's fonts-noto-color-emoji that scripts/install_system.sh installs).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import typst

from .blocks import Document

TEMPLATES = Path(__file__).parent / "templates"
_PAGES = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")


@lru_cache(maxsize=1)
def _template() -> bytes:
    return (TEMPLATES / "document.typ").read_bytes()


@lru_cache(maxsize=1)
def _fonts() -> typst.Fonts:
    """The fonts Typst embeds (Libertinus Serif, New Computer Modern, DejaVu Sans Mono) and the
    system's, looked up once per process."""
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)


def render(document: Document) -> bytes:
    """The document as PDF bytes."""
    data = json.dumps(document.data(), ensure_ascii=False)
    return typst.compile(
        _template(), root=str(TEMPLATES), font_paths=_fonts(), sys_inputs={"data": data}
    )


def pages(pdf: bytes) -> int:
    """The number of pages Typst wrote (its page tree's ``/Count``), 0 when not found."""
    found = _PAGES.search(pdf)
    return int(found.group(1)) if found else 0
