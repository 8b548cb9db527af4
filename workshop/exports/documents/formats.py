"""The document formats as the export registry calls them: ``(document, lang, segment) -> bytes``.

``segment`` is one segment's id; the registry (:func:`workshop.exports.render`) has already
checked it, and chosen the only segment of a map that has one. The battle card also takes
``None``: every segment of the map on one card.
"""

from __future__ import annotations

from typing import Any

from . import pdf, word
from .battlecard import battlecard
from .package import package
from .summary import SIZES, onepager

Json = dict[str, Any]


def to_pdf(doc: Json, lang: str, segment: str) -> bytes:
    """The decision package of one segment, as PDF."""
    return pdf.render(package(doc, segment, lang))


def to_docx(doc: Json, lang: str, segment: str) -> bytes:
    """The decision package of one segment, as an editable Word file."""
    return word.render(package(doc, segment, lang))


def to_onepager(doc: Json, lang: str, segment: str) -> bytes:
    """The one-page summary of one segment: the roomiest version that fits on one page."""
    out = b""
    for size in range(len(SIZES)):
        out = pdf.render(onepager(doc, segment, lang, size))
        if pdf.pages(out) == 1:
            break
    return out


def to_battlecard(doc: Json, lang: str, segment: str | None) -> bytes:
    """The battle card of one segment, or of every segment."""
    return pdf.render(battlecard(doc, segment, lang))
