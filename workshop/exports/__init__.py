"""Exports: a workshop's map turned into files people and other tools work with.

Each format is a function ``(document, lang) -> bytes`` in its own module, registered in
:data:`FORMATS` (loaded on first use, so a slow library like python-pptx is imported only when
a deck is asked for). The command line and the export page both go through :func:`render`, so a
format added here is available everywhere at once.

A document for people is about one segment (issue 19: one package for every segment is not
something you send a customer): such a format has ``segment`` "one" and is called
``(document, lang, segment_id)``; a map with one segment needs no choice, a map with several
must name one. A format with ``segment`` "any" (the battle card) takes ``None`` for all.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import BadInput


@dataclass(frozen=True)
class Format:
    module: str  # module in this package
    function: str  # (document, lang) -> bytes
    extension: str
    mime: str
    segment: str = ""  # "" per map; "one": one segment, chosen; "any": one segment or all (None)


_PDF = "application/pdf"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS: dict[str, Format] = {
    "json": Format("json_export", "to_json", "json", "application/json"),
    "md": Format("markdown", "to_markdown", "md", "text/markdown"),
    "package": Format("package", "to_package", "md", "text/markdown"),
    "pptx": Format("pptx_deck", "to_pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "pptx-appendix": Format("pptx_deck", "to_pptx_appendix", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "html": Format("html_map", "to_html", "html", "text/html"),
    "kumu": Format("kumu", "to_kumu", "json", "application/json"),
    "graphml": Format("graphml", "to_graphml", "graphml", "application/xml"),
    "csv": Format("csv_zip", "to_csv_zip", "zip", "application/zip"),
    "xlsx": Format("xlsx", "to_xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": Format("documents.formats", "to_pdf", "pdf", _PDF, "one"),
    "docx": Format("documents.formats", "to_docx", "docx", _DOCX, "one"),
    "onepager": Format("documents.formats", "to_onepager", "pdf", _PDF, "one"),
    "battlecard": Format("documents.formats", "to_battlecard", "pdf", _PDF, "any"),
}


def available() -> list[str]:
    """The formats whose module is present (all of them, once the exports are complete)."""
    out = []
    for name, fmt in FORMATS.items():
        try:
            exporter(name)
        except (ImportError, AttributeError):
            continue
        out.append(name)
    return out


def exporter(name: str) -> Callable[..., bytes]:
    fmt = FORMATS[name]
    return getattr(importlib.import_module(f".{fmt.module}", __package__), fmt.function)


def segment_for(doc: dict[str, Any], fmt: str, segment: str | None) -> str | None:
    """The segment a format is made for: ``segment`` when the map has it, the only one of a map
    with one, ``None`` for "all" where the format allows it; bad input otherwise (one line)."""
    kind = FORMATS[fmt].segment
    ids = [s["id"] for s in doc.get("segments") or []]
    if not kind:
        return None
    if segment is not None:
        if segment not in ids:
            raise BadInput(f"no segment '{segment}' in this map; its segments: {', '.join(ids) or 'none'}")
        return segment
    if kind == "any":
        return None
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise BadInput(f"format '{fmt}' is made per segment and this map has none")
    raise BadInput(f"format '{fmt}' is made per segment and this map has {len(ids)}: choose one with --segment ({', '.join(ids)})")


def render(doc: dict[str, Any], fmt: str, lang: str | None = None, segment: str | None = None) -> bytes:
    """The document in format ``fmt`` (of ``segment`` for a per-segment format); an unknown format
    is bad input naming the known ones."""
    known = available()
    if fmt not in known:
        raise BadInput(f"unknown export format '{fmt}'; known formats: {', '.join(known)}")
    lang = lang or doc["workshop"].get("language", "en")
    if FORMATS[fmt].segment:
        return exporter(fmt)(doc, lang, segment_for(doc, fmt, segment))
    if segment is not None:
        per_segment = ", ".join(name for name, f in FORMATS.items() if f.segment)
        raise BadInput(f"format '{fmt}' covers the whole map; --segment is for {per_segment}")
    return exporter(fmt)(doc, lang)
