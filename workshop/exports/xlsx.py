"""The analysts' workbook (``--format xlsx``): the whole map, its findings and its risk in one
Excel file, in the workshop's language.

Sheets: a read-me (the workshop and what every sheet holds), the columns sheet (every column of
every sheet, its kind and what it means), then the tables of :mod:`.xlsx_tables` (segments with
their risk, the risk's parts, the findings as sentences, stages, steps, …, actions). The CSV zip
stays for scripts; this file is for people who filter, sort and pivot.

Written with XlsxWriter (fast, and its files open cleanly in Excel, LibreOffice and Numbers),
with the choices an analyst needs:

* **Real cell types**: numbers as numbers, yes/no as Excel booleans, dates and times as Excel
  date cells (UTC, since Excel has no time zones); lists joined with ``"; "``.
* **User text is always text**: every text cell is written with ``write_string`` (never
  ``write``, which turns ``=…`` into a formula), the workbook refuses to turn strings into
  formulas, numbers or links, and a text that starts like a formula (``= + - @``) also carries
  Excel's quote prefix, so editing the cell later keeps it text. Characters no XML file can
  carry are removed (:func:`~.lookup.clean`).
* Bold, frozen header rows with an autofilter on every table, and column widths from the
  content (capped, wrapping longer text).
* Byte-stable: the document's dates (and so the zip's) are the workshop's creation time, not now.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

import xlsxwriter

from ..i18n import t
from .lookup import clean
from .xlsx_tables import BOOL, DATE, DATETIME, NUMBER, SHEETS, TEXT, Context, about, when

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH, MIN_WIDTH = 60, 8
EPOCH = datetime(2000, 1, 1)
#: the columns sheet's own columns
COLUMNS = ("sheet", "column", "kind", "meaning")


def sheet_name(key: str, lang: str) -> str:
    """A sheet's name in ``lang``, within Excel's rules (≤ 31 characters, none of ``[]:*?/\\``)."""
    return _SHEET_FORBIDDEN.sub(" ", t(f"xlsx.sheet.{key}", lang)).strip()[:31]


def _created(workshop: dict[str, Any]) -> datetime:
    """The file's creation time: the workshop's, so the same map gives the same bytes."""
    created = when(workshop.get("created_at"))
    return created if isinstance(created, datetime) else EPOCH


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    return max((len(line) for line in str(value).split("\n")), default=0)


class _Writer:
    """One workbook being written: its formats and the table-writing rules."""

    def __init__(self, buffer: io.BytesIO, doc: dict[str, Any], lang: str):
        self.lang = lang
        self.book = xlsxwriter.Workbook(buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        })
        workshop = doc["workshop"]
        self.book.set_properties({"title": clean(workshop["title"]), "created": _created(workshop)})
        add = self.book.add_format
        self.header = add({"bold": True, "bg_color": "#E8EEF4", "bottom": 1, "text_wrap": True, "valign": "top"})
        self.text = add({"valign": "top"})
        self.wrap = add({"valign": "top", "text_wrap": True})
        self.quoted = add({"valign": "top", "quote_prefix": True})
        self.quoted_wrap = add({"valign": "top", "quote_prefix": True, "text_wrap": True})
        self.date = add({"valign": "top", "num_format": "yyyy-mm-dd"})
        self.datetime = add({"valign": "top", "num_format": "yyyy-mm-dd hh:mm"})
        self.number = add({"valign": "top"})
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True, "valign": "top"})

    def string(self, ws, row: int, col: int, value: Any, wrap: bool = False) -> None:
        text = clean(value)
        if text.startswith(_FORMULA_START):
            ws.write_string(row, col, text, self.quoted_wrap if wrap else self.quoted)
        else:
            ws.write_string(row, col, text, self.wrap if wrap else self.text)

    def cell(self, ws, row: int, col: int, kind: str, value: Any, wrap: bool) -> None:
        if value is None or value == [] or value == "":
            return
        if kind == NUMBER and isinstance(value, (int, float)):
            ws.write_number(row, col, value, self.number)
        elif kind == BOOL:
            ws.write_boolean(row, col, bool(value), self.text)
        elif kind == DATETIME and isinstance(value, datetime):
            ws.write_datetime(row, col, value, self.datetime)
        elif kind == DATE and isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day), self.date)
        elif isinstance(value, (list, tuple)):
            self.string(ws, row, col, "; ".join(clean(v) for v in value), wrap)
        else:
            self.string(ws, row, col, value, wrap)

    def table(self, name: str, headers: list[str], kinds: list[str], rows: list[tuple[Any, ...]]) -> None:
        """A sheet holding one table: bold frozen header, autofilter, widths from the content."""
        ws = self.book.add_worksheet(name)
        widths = []
        for i, head in enumerate(headers):
            longest = max([_width(head)] + [_width("; ".join(map(str, r[i])) if isinstance(r[i], list) else r[i]) for r in rows])
            widths.append(longest)
        for i, head in enumerate(headers):
            ws.write_string(0, i, clean(head), self.header)
            ws.set_column(i, i, min(MAX_WIDTH, max(MIN_WIDTH, widths[i] + 2)))
        for r, row in enumerate(rows, start=1):
            for i, value in enumerate(row):
                self.cell(ws, r, i, kinds[i], value, wrap=widths[i] > MAX_WIDTH)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(rows)), len(headers) - 1)

    def close(self) -> None:
        self.book.close()


def _readme(w: _Writer, doc: dict[str, Any], names: dict[str, str]) -> None:
    lang = w.lang
    ws = w.book.add_worksheet(names["readme"])
    workshop = doc["workshop"]
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, clean(workshop["title"]), w.title)  # text, never a formula
    w.string(ws, 1, 0, t("xlsx.readme.intro", lang))
    row = 3
    facts = [
        ("xlsx.readme.question", workshop.get("question")),
        ("xlsx.readme.offering", workshop.get("offering")),
        ("xlsx.readme.created", when(workshop.get("created_at"))),
        ("xlsx.readme.segments", "; ".join(seg["name"] for seg in doc["segments"])),
    ]
    for key, value in facts:
        if value:
            ws.write_string(row, 0, t(key, lang), w.bold)
            w.cell(ws, row, 1, DATETIME if isinstance(value, datetime) else TEXT, value, wrap=True)
            row += 1
    row += 1
    ws.write_string(row, 0, t("xlsx.readme.sheet", lang), w.header)
    ws.write_string(row, 1, t("xlsx.readme.holds", lang), w.header)
    for key in ["columns", *[s.key for s in SHEETS]]:
        row += 1
        ws.write_string(row, 0, names[key], w.bold)
        w.string(ws, row, 1, t(f"xlsx.sheet.{key}.about", lang), wrap=True)


def to_xlsx(doc: dict[str, Any], lang: str) -> bytes:
    """The workbook's bytes, every word in ``lang``."""
    names = {key: sheet_name(key, lang) for key in ["readme", "columns", *[s.key for s in SHEETS]]}
    context = Context(doc, lang)
    buffer = io.BytesIO()
    w = _Writer(buffer, doc, lang)
    _readme(w, doc, names)
    own = [(names["columns"], t(f"xlsx.col.{k}", lang), t("xlsx.kind.text", lang), t(f"xlsx.about.columns.{k}", lang)) for k in COLUMNS]
    documented = own + [
        (names[s.key], t(f"xlsx.col.{c.key}", lang), t(f"xlsx.kind.{c.kind}", lang), about(s.key, c.key, lang))
        for s in SHEETS for c in s.columns
    ]
    w.table(names["columns"], [t(f"xlsx.col.{k}", lang) for k in COLUMNS], [TEXT] * len(COLUMNS), documented)
    for sheet in SHEETS:
        w.table(names[sheet.key], [t(f"xlsx.col.{c.key}", lang) for c in sheet.columns], [c.kind for c in sheet.columns],
                list(sheet.rows(context)))
    w.close()
    return buffer.getvalue()
