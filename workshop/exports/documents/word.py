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


class _Styles:
    """Paragraphs in a named style, by the style's id looked up once: python-docx looks a name
    up anew for every paragraph, and checks the default style each time (1.9 of 2.5 s for a
    large map's package); setting the id on the paragraph is what it does in the end."""

    def __init__(self, docx):
        self.docx = docx
        self.ids: dict[str, str] = {}

    def para(self, style: str | None = None, text: str = ""):
        para = self.docx.add_paragraph(text)
        if style:
            if style not in self.ids:
                self.ids[style] = self.docx.styles[style].style_id
            para._p.get_or_add_pPr().style = self.ids[style]  # noqa: SLF001 - see the class's docstring
        return para


def _item(styles: _Styles, item: dict, style: str, prefix: str = "") -> None:
    para = styles.para(style)
    if prefix:
        para.add_run(prefix)
    if item.get("label"):
        para.add_run(item["label"]).bold = True
        para.add_run(": ")
    para.add_run(item["text"])
    if item.get("note"):
        para.add_run(f" ({item['note']})").italic = True
    for sub in item.get("sub", []):
        styles.para("List Bullet 2", sub)


def _block(styles: _Styles, block: Block) -> None:
    kind = block["k"]
    if kind == "title":
        styles.para("Title", block["text"])
    elif kind == "subtitle":
        styles.para("Subtitle", block["text"])
    elif kind == "h":
        styles.para(f"Heading {block['level']}", block["text"])
    elif kind == "p":
        styles.para(None, block["text"])
    elif kind == "empty":
        styles.para().add_run(block["text"]).italic = True
    elif kind == "field":
        para = styles.para()
        para.add_run(block["label"]).bold = True
        para.add_run(": " + block["text"])
    elif kind == "list":
        for item in block["items"]:
            _item(styles, item, "List Bullet")
    elif kind == "enum":  # numbers written out: Word's own numbering runs on across lists
        for number, item in enumerate(block["items"], start=1):
            _item(styles, item, "List Paragraph", f"{number}. ")
    elif kind == "risk":
        para = styles.para()
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
    styles = _Styles(docx)
    for block in document.blocks:
        _block(styles, block)
    docx.sections[0].footer.paragraphs[0].text = document.footer
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
