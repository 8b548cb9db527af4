"""The deck's page furniture: 16:9 slides, titles, text and tables that never overflow a slide.

A participant's text can be 4,000 characters and a segment can have 50 objections, but a slide
is 13.3 × 7.5 inches. So every text is cleaned (characters XML 1.0 forbids are dropped: lxml
would refuse them) and clipped for the slide with "…" (the full text lives in the other
exports), and a table is split over as many slides as it needs: at most :data:`ROWS_PER_SLIDE`
rows, fewer when the rows' estimated heights would run past the slide's bottom edge. Text is
always set as a run's plain text, so it is literal by nature: nothing a user writes is markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from workshop.i18n import t

#: slide size, inches (16:9)
WIDTH, HEIGHT = 13.333, 7.5
MARGIN = 0.4
BODY_TOP = 1.3
BODY_BOTTOM = 7.1
#: body rows of one table on one slide (the header row comes on top)
ROWS_PER_SLIDE = 8

TITLE_PT = 24
TEXT_PT = 14
SMALL_PT = 12  # the smallest font anywhere in the deck

INK = RGBColor(0x1F, 0x29, 0x37)
MUTED = RGBColor(0x4B, 0x55, 0x63)
ACCENT = RGBColor(0x1D, 0x4E, 0x89)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)

# width of an average character and height of a line at 12 pt, inches (deliberately generous)
_CHAR_IN = 0.092
_LINE_IN = 0.215
_CELL_PAD_IN = 0.2  # left + right cell margins (PowerPoint's default 0.1 in each)
_ROW_PAD_IN = 0.14  # top + bottom cell margins (default 0.05 in each, plus slack)

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

Cell = str | Sequence[str] | None


def clean(text: object) -> str:
    """User text safe for XML 1.0 and on one line (tabs and line breaks become spaces)."""
    return " ".join(_XML_FORBIDDEN.sub("", str(text)).split())


def clip(text: object, limit: int) -> str:
    """:func:`clean` text cut to ``limit`` characters, "…" included, so it fits its box."""
    line = clean(text)
    if len(line) <= limit:
        return line
    return line[: limit - 1].rstrip() + "…"


def lines_needed(text: str, width_in: float, pt: int = SMALL_PT) -> int:
    """Estimated wrapped lines of ``text`` in a box ``width_in`` inches wide."""
    per_line = max(1, int((width_in - _CELL_PAD_IN) / (_CHAR_IN * pt / SMALL_PT)))
    return max(1, math.ceil(len(text) / per_line))


@dataclass(frozen=True)
class Column:
    """A table column: its header, its share of the table's width and how much of a text fits."""

    header: str
    weight: float = 1.0
    limit: int = 160  # characters of one text (one list item) in a cell
    max_lines: int = 12  # lines of the whole cell before the rest is summarised as "+N more"
    bullets: bool = False  # list cells: one paragraph per item with a bullet


def _style_run(run, pt: int, bold: bool = False, color: RGBColor | None = INK) -> None:
    """Size always (≥ 12 pt); bold and colour only where asked (tables take them from their style)."""
    font = run.font
    font.size = Pt(pt)
    if bold:
        font.bold = True
    if color is not None:
        font.color.rgb = color


def set_text(frame, paragraphs: Sequence[str], pt: int = TEXT_PT, bold: bool = False, color: RGBColor | None = INK,
             align=None, bullet: str | None = None) -> None:
    """Fill a text frame: one paragraph per text, each text one run (literal), styled."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, text in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        if bullet:
            _style_run(_add_run(para, bullet), pt, bold, color)
        _style_run(_add_run(para, text), pt, bold, color)


def _add_run(para, text: str):
    run = para.add_run()
    run.text = text
    return run


class Deck:
    """A 16:9 presentation under construction, in one language."""

    def __init__(self, lang: str):
        self.lang = lang
        self.prs = Presentation()
        self.prs.slide_width = Inches(WIDTH)
        self.prs.slide_height = Inches(HEIGHT)
        self._title_only = self.prs.slide_layouts[5]
        self._title_slide = self.prs.slide_layouts[0]

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    # --- slides -------------------------------------------------------------------------------
    def title_slide(self, title: str, subtitle: str, lines: Sequence[str]) -> None:
        slide = self.prs.slides.add_slide(self._title_slide)
        head, sub = slide.placeholders[0], slide.placeholders[1]
        _place(head, MARGIN, 1.6, WIDTH - 2 * MARGIN, 1.6)
        head.text_frame.text = ""
        set_text(head.text_frame, [clip(title, 140)], pt=36, bold=True, color=ACCENT, align=PP_ALIGN.LEFT)
        head.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        _place(sub, MARGIN, 3.3, WIDTH - 2 * MARGIN, 3.6)
        sub.text_frame.text = ""
        set_text(sub.text_frame, [subtitle, *lines], pt=16, color=MUTED, align=PP_ALIGN.LEFT)
        sub.text_frame.vertical_anchor = MSO_ANCHOR.TOP

    def slide(self, title: str):
        """A new slide with its title set (a real title placeholder, so outlines and readers see it)."""
        slide = self.prs.slides.add_slide(self._title_only)
        head = slide.shapes.title
        _place(head, MARGIN, 0.3, WIDTH - 2 * MARGIN, 0.85)
        head.text_frame.text = ""
        set_text(head.text_frame, [clip(title, 90)], pt=TITLE_PT, bold=True, color=ACCENT, align=PP_ALIGN.LEFT)
        head.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        return slide

    def text_box(self, slide, left: float, top: float, width: float, height: float, paragraphs: Sequence[str],
                 pt: int = TEXT_PT, **style) -> None:
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        set_text(box.text_frame, paragraphs, pt=pt, **style)

    def note_slide(self, title: str, text: str) -> None:
        """A slide that says there is nothing (yet) to show, so a section is never silently missing."""
        slide = self.slide(title)
        self.text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 1.0, [text], pt=18, color=MUTED)

    def titled(self, title: str, page: int, pages: int) -> str:
        return title if pages == 1 else self.t("deck.page", title=title, page=page, pages=pages)

    # --- tables -------------------------------------------------------------------------------
    def table_slides(self, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
                     top: float = BODY_TOP) -> int:
        """The rows as a native table, continued over as many slides as needed; returns the slide count."""
        if not rows:
            self.note_slide(title, self.t("deck.empty"))
            return 1
        width = WIDTH - 2 * MARGIN
        total = sum(c.weight for c in columns)
        widths = [width * c.weight / total for c in columns]
        header_h = max(lines_needed(c.header, w) for c, w in zip(columns, widths)) * _LINE_IN + _ROW_PAD_IN
        more = lambda n: self.t("deck.more", count=n)
        prepared = [[fit_lines(cell, col.limit, col.max_lines, w, more, col.bullets) for cell, col, w in zip(row, columns, widths)] for row in rows]
        heights = [max(1, *(sum(n for _, n in c) for c in row)) * _LINE_IN + _ROW_PAD_IN for row in prepared]
        pages = _paginate(heights, BODY_BOTTOM - top - header_h)
        for number, (start, end) in enumerate(pages, 1):
            slide = self.slide(self.titled(title, number, len(pages)))
            self._table(slide, columns, widths, header_h, prepared[start:end], heights[start:end], top)
        return len(pages)

    def _table(self, slide, columns, widths, header_h, rows, heights, top) -> None:
        shape = slide.shapes.add_table(len(rows) + 1, len(columns), Inches(MARGIN), Inches(top),
                                       Inches(sum(widths)), Inches(header_h + sum(heights)))
        table = shape.table
        table.first_row = True
        for j, (col, w) in enumerate(zip(columns, widths)):
            table.columns[j].width = Inches(w)
            set_text(table.cell(0, j).text_frame, [col.header], pt=SMALL_PT, bold=True, color=None)
        table.rows[0].height = Inches(header_h)
        for i, (row, h) in enumerate(zip(rows, heights), 1):
            table.rows[i].height = Inches(h)
            for j, (paras, col) in enumerate(zip(row, columns)):
                set_text(table.cell(i, j).text_frame, [p for p, _ in paras] or [""], pt=SMALL_PT, color=None,
                         bullet="• " if col.bullets and len(paras) > 1 else None)


def _place(shape, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top, shape.width, shape.height = Inches(left), Inches(top), Inches(width), Inches(height)


def fit_lines(cell: Cell, limit: int, max_lines: int, width_in: float, more: Callable[[int], str],
              bullets: bool = False) -> list[tuple[str, int]]:
    """A box's paragraphs (each clipped to ``limit``) with their estimated lines, at most ``max_lines``.

    Items that do not fit are summarised by ``more(count)``; a first item too long on its own is
    cut to the lines there are.
    """
    items = [] if cell is None else [cell] if isinstance(cell, str) else list(cell)
    texts = [clip(item, limit) for item in items if clean(item)]
    budget = max_lines
    out: list[tuple[str, int]] = []
    for i, text in enumerate(texts):
        n = lines_needed(("• " if bullets else "") + text, width_in)
        rest = len(texts) - i
        if n > budget or (rest > 1 and n >= budget):
            left_over = budget - (1 if out else 0)
            if not out and left_over > 0:  # a single long text: cut it to the lines left
                per_line = max(1, int((width_in - _CELL_PAD_IN) / _CHAR_IN))
                out.append((clip(text, max(2, per_line * left_over - 8)), left_over))
                rest -= 1
            if rest:
                out.append((more(rest), 1))
            break
        out.append((text, n))
        budget -= n
    return out


def _paginate(heights: Sequence[float], room: float) -> list[tuple[int, int]]:
    """Split rows into slides: at most ROWS_PER_SLIDE rows and (beyond the first row) ``room`` inches."""
    pages, start, used = [], 0, 0.0
    for i, h in enumerate(heights):
        if i > start and (i - start >= ROWS_PER_SLIDE or used + h > room):
            pages.append((start, i))
            start, used = i, 0.0
        used += h
    pages.append((start, len(heights)))
    return pages


def save(deck: Deck) -> bytes:
    out = BytesIO()
    deck.prs.save(out)
    return out.getvalue()


__all__ = ["Cell", "Column", "Deck", "Emu", "clean", "clip", "fit_lines", "save"]
