"""The deck's page furniture: 16:9 slides, titles, text and tables that never overflow a slide.

A participant's text can be 4,000 characters and a segment can have 50 objections, but a slide
is 13.3 × 7.5 inches. So every text is cleaned (characters XML 1.0 forbids are dropped: lxml
would refuse them) and clipped for the slide with "…" (the full text lives in the other
exports), and a table is split over as many slides as it needs: at most :data:`ROWS_PER_SLIDE`
rows, fewer when the rows' estimated heights would run past the slide's bottom edge. Text is
always set as a run's plain text, so it is literal by nature: nothing a user writes is markup.
Every slide has speaker notes, and the saved file its title and language (see :func:`save`).
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
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
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


#: the language tag of the deck's text (for spelling and screen readers), by workshop language
LANGUAGE_TAGS = {"en": "en-GB", "sv": "sv-SE", "nb": "nb-NO"}
#: characters of a slide title (its page marker included): two lines at the title's size
TITLE_CHARS = 90

Notes = str | Sequence[str]


class Deck:
    """A 16:9 presentation under construction, in one language.

    Every slide gets speaker notes (what to tell the room): :meth:`slide` takes them, and
    :func:`save` refuses a deck with a slide left without.
    """

    def __init__(self, lang: str):
        self.lang = lang
        self.prs = Presentation()
        self.prs.slide_width = Inches(WIDTH)
        self.prs.slide_height = Inches(HEIGHT)
        self._title_only = self.prs.slide_layouts[5]
        self._title_slide = self.prs.slide_layouts[0]
        _count_partnames(self.prs.part.package)

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    # --- slides -------------------------------------------------------------------------------
    def title_slide(self, title: str, subtitle: str, lines: Sequence[str], notes: Notes) -> None:
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
        set_notes(slide, notes)

    def slide(self, title: str, notes: Notes, page: int = 1, pages: int = 1):
        """A new slide with its title set (a real title placeholder, so outlines and readers see it)
        and its speaker notes. ``page``/``pages`` add a marker such as "(2/3)" after the title;
        a long title is cut before the marker, so the marker is always there."""
        slide = self.prs.slides.add_slide(self._title_only)
        head = slide.shapes.title
        _place(head, MARGIN, 0.3, WIDTH - 2 * MARGIN, 0.85)
        head.text_frame.text = ""
        set_text(head.text_frame, [self.titled(title, page, pages)], pt=TITLE_PT, bold=True, color=ACCENT,
                 align=PP_ALIGN.LEFT)
        head.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        set_notes(slide, notes)
        return slide

    def text_box(self, slide, left: float, top: float, width: float, height: float, paragraphs: Sequence[str],
                 pt: int = TEXT_PT, **style) -> None:
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        set_text(box.text_frame, paragraphs, pt=pt, **style)

    def note_slide(self, title: str, text: str, notes: Notes) -> None:
        """A slide that says there is nothing (yet) to show, so a section is never silently missing."""
        slide = self.slide(title, notes)
        self.text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 1.0, [text], pt=18, color=MUTED)

    def titled(self, title: str, page: int = 1, pages: int = 1) -> str:
        """The title with its page marker, the title (not the marker) cut to fit :data:`TITLE_CHARS`."""
        if pages == 1:
            return clip(title, TITLE_CHARS)
        marker = self.t("deck.page", title="", page=page, pages=pages)
        return self.t("deck.page", title=clip(title, TITLE_CHARS - len(marker)), page=page, pages=pages)

    # --- tables -------------------------------------------------------------------------------
    def _prepare(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: float):
        total = sum(c.weight for c in columns)
        widths = [width * c.weight / total for c in columns]
        header_h = max(lines_needed(c.header, w) for c, w in zip(columns, widths)) * _LINE_IN + _ROW_PAD_IN
        more = lambda n: self.t("deck.more", count=n)
        prepared = [[fit_lines(cell, col.limit, col.max_lines, w, more, col.bullets) for cell, col, w in zip(row, columns, widths)] for row in rows]
        heights = [max(1, *(sum(n for _, n in c) for c in row)) * _LINE_IN + _ROW_PAD_IN for row in prepared]
        return widths, header_h, prepared, heights

    def table_slides(self, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
                     top: float = BODY_TOP, notes: Callable[[Sequence[Sequence[Cell]], int, int], Notes] | None = None) -> int:
        """The rows as a native table, continued over as many slides as needed; returns the slide count.

        ``notes(rows_on_the_slide, page, pages)`` gives each slide's speaker notes (by default:
        what the slide lists, from its first column)."""
        if not rows:
            self.note_slide(title, self.t("deck.empty"), self.t("deck.notes.empty", title=clean(title)))
            return 1
        notes = notes or self._table_notes(title, len(rows))
        widths, header_h, prepared, heights = self._prepare(columns, rows, WIDTH - 2 * MARGIN)
        pages = _paginate(heights, BODY_BOTTOM - top - header_h)
        for number, (start, end) in enumerate(pages, 1):
            slide = self.slide(title, notes(rows[start:end], number, len(pages)), number, len(pages))
            self._table(slide, columns, widths, header_h, prepared[start:end], heights[start:end], top)
        return len(pages)

    def table_slide(self, slide, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], *, left: float = MARGIN,
                    top: float = BODY_TOP, width: float = WIDTH - 2 * MARGIN, bottom: float = BODY_BOTTOM,
                    total: int | None = None, max_rows: int = ROWS_PER_SLIDE) -> int:
        """As many of ``rows`` as fit on one slide's table (at most ``max_rows``); when rows are
        left out (of ``total``, default ``len(rows)``), one line under the table says how many
        more the appendix has. Returns the rows shown."""
        total = len(rows) if total is None else total
        widths, header_h, prepared, heights = self._prepare(columns, rows[:max_rows], width)
        room = bottom - top - header_h
        shown, used = 0, 0.0
        for h in heights:
            reserve = _LINE_IN + 0.15 if total > shown + 1 else 0.0
            if shown and used + h + reserve > room:
                break
            used += h
            shown += 1
        self._table(slide, columns, widths, header_h, prepared[:shown], heights[:shown], top, left)
        if total > shown:
            self.text_box(slide, left, top + header_h + used + 0.08, width, _LINE_IN + 0.1,
                          [self.t("deck.more_in_appendix", count=total - shown)], pt=SMALL_PT, color=MUTED)
        return shown

    def _table_notes(self, title: str, total: int) -> Callable[[Sequence[Sequence[Cell]], int, int], str]:
        def notes(rows: Sequence[Sequence[Cell]], page: int, pages: int) -> str:
            first = [clip(r[0], 60) for r in rows[:3] if isinstance(r[0], str) and clean(r[0])]
            key = "deck.notes.table" if pages == 1 else "deck.notes.table_page"
            return self.t(key, title=clip(title, 90), count=len(rows), total=total, page=page, pages=pages,
                          first="; ".join(first) or "–")
        return notes

    def _table(self, slide, columns, widths, header_h, rows, heights, top, left: float = MARGIN) -> None:
        shape = slide.shapes.add_table(len(rows) + 1, len(columns), Inches(left), Inches(top),
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


def _count_partnames(package) -> None:
    """Name new parts by counting, not by walking the package.

    python-pptx names every new part (a slide, its notes, a chart, its workbook) by walking
    every part already in the package, so a deck's build time grows with the square of its
    parts: with a notes page per slide, the 200-slide appendix deck spent 3 of its 9 seconds
    there. In a deck built from scratch (parts are only ever added, so numbers have no gaps)
    the next name of a kind is the last one plus one: the package is walked once per kind.
    """
    walk = package.next_partname
    last: dict[str, int] = {}

    def next_partname(tmpl: str):
        if tmpl in last:
            last[tmpl] += 1
            return PackURI(tmpl % last[tmpl])
        name = walk(tmpl)
        prefix, suffix = tmpl.split("%d")
        last[tmpl] = int(name[len(prefix):len(name) - len(suffix)])
        return name

    package.next_partname = next_partname


def set_notes(slide, notes: Notes) -> None:
    """The slide's speaker notes: one paragraph per text (literal text, like everything else)."""
    paragraphs = [clean(notes)] if isinstance(notes, str) else [clean(n) for n in notes if clean(n)]
    frame = slide.notes_slide.notes_text_frame
    frame.text = "\n".join(p for p in paragraphs if p)


def _place(shape, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top, shape.width, shape.height = Inches(left), Inches(top), Inches(width), Inches(height)


def fit_lines(cell: Cell, limit: int, max_lines: int, width_in: float, more: Callable[[int], str],
              bullets: bool = False) -> list[tuple[str, int]]:
    """A box's paragraphs (each clipped to ``limit``) with their estimated lines, at most ``max_lines``.

    Items are shown while they fit with room kept for a "+N more" line after them; the items
    that do not fit are summarised by ``more(count)``, and only then: a last item that does not
    fit whole is cut to the lines left rather than replaced by "+1 more", and a first item too
    long on its own is cut to the lines left beside the "+N more" line. The lines returned never
    add up to more than ``max_lines``.
    """
    items = [] if cell is None else [cell] if isinstance(cell, str) else list(cell)
    texts = [clip(item, limit) for item in items if clean(item)]
    prefix = "• " if bullets else ""
    text_w = width_in - len(prefix) * _CHAR_IN
    budget = max_lines
    out: list[tuple[str, int]] = []
    for i, text in enumerate(texts):
        n = lines_needed(prefix + text, width_in)
        after = len(texts) - i - 1
        reserve = lines_needed(more(after), width_in) if after else 0
        if n + reserve <= budget:
            out.append((text, n))
            budget -= n
            continue
        if after == 0:  # the last item: cut to the lines left, never "+1 more"
            out.append((cut_to_lines(text, budget, text_w), budget))
            break
        summary = lines_needed(more(after + 1), width_in)
        room = budget - reserve
        if not out and room >= 1:  # a long first item: cut it, then summarise the rest
            out.append((cut_to_lines(text, room, text_w), room))
            out.append((more(after), reserve))
        elif summary <= budget:
            out.append((more(after + 1), summary))
        break
    return out


def cut_to_lines(text: str, lines: int, width_in: float, pt: int = SMALL_PT) -> str:
    """``text`` clipped so that it needs at most ``lines`` lines of a box ``width_in`` wide."""
    per_line = max(1, int((width_in - _CELL_PAD_IN) / (_CHAR_IN * pt / SMALL_PT)))
    limit = max(2, per_line * max(1, lines))
    while limit > 2 and lines_needed(clip(text, limit), width_in, pt) > lines:
        limit -= 1
    return clip(text, limit)


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


def save(deck: Deck, title: str, subject: str = "") -> bytes:
    """The deck as .pptx bytes, with its document title, subject and language set, and every run
    tagged with the workshop's language. Refuses a slide without speaker notes."""
    for number, slide in enumerate(deck.prs.slides, 1):
        if not (slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()):
            raise ValueError(f"slide {number} has no speaker notes")
    props = deck.prs.core_properties
    props.title = clip(title, 250)
    props.subject = clip(subject, 250)
    tag = LANGUAGE_TAGS.get(deck.lang, deck.lang)
    props.language = tag
    for slide in deck.prs.slides:
        for part in (slide, slide.notes_slide):
            for run in part.element.iter(_RUN):
                run.get_or_add_rPr().set("lang", tag)
            for end in part.element.iter(_END_RPR):
                end.set("lang", tag)
    out = BytesIO()
    deck.prs.save(out)
    return out.getvalue()


_RUN = qn("a:r")
_END_RPR = qn("a:endParaRPr")


__all__ = ["Cell", "Column", "Deck", "Emu", "Notes", "clean", "clip", "cut_to_lines", "fit_lines", "save", "set_notes"]
