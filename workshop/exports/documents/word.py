"""Blocks to an editable Word file with python-docx: real headings, lists and paragraphs in
Word's own styles, so the customer's champion can change it and make it theirs.

python-docx writes every text as XML text (escaped), so a participant's words stay words. The
language is set on the document's default run properties (Word's spelling and hyphenation) and in
its core properties.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from .blocks import Block, Document

#: the workshop's language as Word names it
WORD_LANG = {"en": "en-GB", "sv": "sv-SE", "nb": "nb-NO"}
_LEVEL_COLOUR = {"low": RGBColor(0x15, 0x80, 0x3D), "medium": RGBColor(0xB4, 0x53, 0x09), "high": RGBColor(0xB9, 0x1C, 0x1C)}


def _language(docx, lang: str) -> None:
    code = WORD_LANG.get(lang, lang)
    docx.core_properties.language = code
    defaults = docx.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        rpr.append(tag)
    tag.set(qn("w:val"), code)


def _item(docx, item: dict, style: str, prefix: str = "") -> None:
    para = docx.add_paragraph(style=style)
    if prefix:
        para.add_run(prefix)
    if item.get("label"):
        para.add_run(item["label"]).bold = True
        para.add_run(": ")
    para.add_run(item["text"])
    if item.get("note"):
        para.add_run(f" ({item['note']})").italic = True
    for sub in item.get("sub", []):
        docx.add_paragraph(sub, style="List Bullet 2")


def _block(docx, block: Block) -> None:
    kind = block["k"]
    if kind == "title":
        docx.add_heading(block["text"], level=0)
    elif kind == "subtitle":
        docx.add_paragraph(block["text"], style="Subtitle")
    elif kind == "h":
        docx.add_heading(block["text"], level=block["level"])
    elif kind == "p":
        docx.add_paragraph(block["text"])
    elif kind == "empty":
        docx.add_paragraph().add_run(block["text"]).italic = True
    elif kind == "field":
        para = docx.add_paragraph()
        para.add_run(block["label"]).bold = True
        para.add_run(": " + block["text"])
    elif kind == "list":
        for item in block["items"]:
            _item(docx, item, "List Bullet")
    elif kind == "enum":  # numbers written out: Word's own numbering runs on across lists
        for number, item in enumerate(block["items"], start=1):
            _item(docx, item, "List Paragraph", f"{number}. ")
    elif kind == "risk":
        para = docx.add_paragraph()
        run = para.add_run(block["value"])
        run.bold, run.font.size = True, Pt(16)
        run.font.color.rgb = _LEVEL_COLOUR.get(block["level"])
        para.add_run("  " + block["label"]).bold = True


def render(document: Document) -> bytes:
    """The document as a .docx file's bytes."""
    docx = new_docx()
    _language(docx, document.lang)
    docx.core_properties.title = document.title
    docx.core_properties.author = "Köpkarta"
    for block in document.blocks:
        _block(docx, block)
    docx.sections[0].footer.paragraphs[0].text = document.footer
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
