"""Exports: a workshop's map turned into files people and other tools work with.

Each format is a function ``(document, lang) -> bytes`` in its own module, registered in
:data:`FORMATS` (loaded on first use, so a slow library like python-pptx is imported only when
a deck is asked for). The command line and the export page both go through :func:`render`, so a
format added here is available everywhere at once.
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


def exporter(name: str) -> Callable[[dict[str, Any], str], bytes]:
    fmt = FORMATS[name]
    return getattr(importlib.import_module(f".{fmt.module}", __package__), fmt.function)


def render(doc: dict[str, Any], fmt: str, lang: str | None = None) -> bytes:
    """The document in format ``fmt``; an unknown format is bad input naming the known ones."""
    known = available()
    if fmt not in known:
        raise BadInput(f"unknown export format '{fmt}'; known formats: {', '.join(known)}")
    return exporter(fmt)(doc, lang or doc["workshop"].get("language", "en"))
