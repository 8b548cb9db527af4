"""Exports: a workshop's map turned into files people and other tools work with.

Each format is a function ``(document, lang) -> bytes`` registered in :data:`FORMATS`; the
command line and the export page both go through :func:`render`, so a format added here is
available everywhere at once.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import BadInput
from .json_export import to_json

Exporter = Callable[[dict[str, Any], str], bytes]

FORMATS: dict[str, Exporter] = {
    "json": to_json,
}


def render(doc: dict[str, Any], fmt: str, lang: str | None = None) -> bytes:
    """The document in format ``fmt``; an unknown format is bad input naming the known ones."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown export format '{fmt}'; known formats: {', '.join(FORMATS)}")
    return FORMATS[fmt](doc, lang or doc["workshop"].get("language", "en"))
