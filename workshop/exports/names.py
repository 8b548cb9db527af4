"""File names for downloads, made from the workshop's title (issue 19): a file called
``w-3f9a2c.pptx`` says nothing in a mailbox; ``kommun-bokning-2026-paket-mellanstora.pdf`` does.

:func:`slug` keeps letters and digits of every script (å, ä, ö, æ, ø stay as they are: every
system in use stores them in a file name) in lower case, and makes everything else a single
hyphen, so no slash, dot, quote or control character reaches a file name. A per-segment
document adds a word for the document (in the workshop's language) and the segment's name.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Mapping

from ..i18n import t
from . import FORMATS

MAX_SLUG = 60


def slug(text: Any, limit: int = MAX_SLUG) -> str:
    """``text`` as a lower-case, hyphen-separated file-name part (may be empty)."""
    out, hyphen = [], False
    for ch in unicodedata.normalize("NFC", str(text)).lower():
        if ch.isalnum():
            out.append(ch)
            hyphen = False
        elif not hyphen and out:
            out.append("-")
            hyphen = True
    return "".join(out)[:limit].strip("-")


def file_name(doc: Mapping[str, Any], fmt: str, lang: str, segment: str | None = None) -> str:
    """The download name of ``fmt``: ``<title>.<ext>``, with the format where two formats share
    an extension, and for a document the document's word and the segment's name."""
    ws = doc["workshop"]
    base = slug(ws.get("title") or "") or slug(ws["id"]) or "kopkarta"
    ext = FORMATS[fmt].extension
    if FORMATS[fmt].segment:
        parts = [base, slug(t(f"documents.file.{fmt}", lang))]
        names = {s["id"]: s["name"] for s in doc.get("segments") or []}
        if segment in names:
            parts.append(slug(names[segment], 40) or slug(segment))
        return "-".join(p for p in parts if p) + f".{ext}"
    return f"{base}.{ext}" if fmt in ("json", "md", ext) else f"{base}-{fmt}.{ext}"
