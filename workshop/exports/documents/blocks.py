"""The neutral blocks a document is written in, before it becomes a PDF or a Word file.

A block is a small JSON-ready dict (``k`` names its kind) so the Typst template can read the
same list the Word writer walks:

* ``title`` / ``subtitle`` – the document's name and what it is about;
* ``h`` – a heading of ``level`` 1-4; ``p`` – a paragraph; ``empty`` – a placeholder in italics
  ("to agree together"); ``field`` – a bold ``label`` and its text;
* ``list`` / ``enum`` – bullets or numbers, each item a ``text`` with an optional bold ``label``,
  an italic ``note`` and ``sub`` lines beneath it;
* ``risk`` – a score badge (``value``, ``label``, ``level`` low/medium/high).

Every text goes through :func:`txt`: the characters no file format carries are removed
(:func:`workshop.exports.lookup.clean`), and a text can be shortened for a one-page document.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..lookup import clean

Block = dict[str, Any]


def txt(value: Any, limit: int | None = None) -> str:
    """User or catalogue text as one clean string, cut at ``limit`` characters with an ellipsis."""
    out = " ".join(clean(value).split())
    if limit is not None and len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out


def title(text: Any) -> Block:
    return {"k": "title", "text": txt(text)}


def subtitle(text: Any) -> Block:
    return {"k": "subtitle", "text": txt(text)}


def h(level: int, text: Any) -> Block:
    return {"k": "h", "level": level, "text": txt(text)}


def p(text: Any, limit: int | None = None) -> Block:
    return {"k": "p", "text": txt(text, limit)}


def empty(text: Any) -> Block:
    return {"k": "empty", "text": txt(text)}


def field(label: Any, text: Any, limit: int | None = None) -> Block:
    return {"k": "field", "label": txt(label), "text": txt(text, limit)}


def item(text: Any, *, label: Any = None, note: Any = None, sub: Iterable[Any] = (), limit: int | None = None) -> dict:
    out: dict[str, Any] = {"text": txt(text, limit)}
    if label is not None:
        out["label"] = txt(label, limit)
    if note is not None:
        out["note"] = txt(note, limit)
    subs = [txt(s, limit) for s in sub]
    if subs:
        out["sub"] = subs
    return out


def bullets(items: Iterable[dict], numbered: bool = False) -> Block:
    return {"k": "enum" if numbered else "list", "items": list(items)}


def risk(value: Any, label: Any, level: str) -> Block:
    return {"k": "risk", "value": txt(value), "label": txt(label), "level": level}


def plain(blocks: Iterable[Block]) -> str:
    """Every text of the blocks, one per line (what a reader of the file should find)."""
    lines: list[str] = []
    for b in blocks:
        for key in ("label", "text", "value"):
            if key in b:
                lines.append(b[key])
        for i in b.get("items", []):
            lines += [i.get("label", ""), i["text"], i.get("note", ""), *i.get("sub", [])]
    return "\n".join(line for line in lines if line)


class Document:
    """A document ready for a writer: its ``blocks``, its ``title`` (also the file's metadata),
    the workshop's ``lang``, a ``footer`` line, and the PDF's type ``size`` (pt) and ``margin``
    (cm)."""

    def __init__(self, title: Any, lang: str, footer: Any, blocks: list[Block], *, size: float = 10.5, margin: float = 2.0):
        self.title = txt(title)
        self.lang = lang
        self.footer = txt(footer)
        self.blocks = blocks
        self.size = size
        self.margin = margin

    def data(self) -> dict[str, Any]:
        """What the Typst template reads (``sys.inputs.data``)."""
        return {
            "title": self.title,
            "author": "Köpkarta",
            "lang": self.lang,
            "footer": self.footer,
            "size": self.size,
            "margin": self.margin,
            "blocks": self.blocks,
        }
