"""Any list of flat records as one CSV table, for the explorer's downloads.

The same choices as the CSV package (:mod:`.csv_zip`), reusing its cell rule: UTF-8 with a BOM
so spreadsheets show å, ä, ö, æ and ø; CRLF line ends; lists joined with ``"; "``; text that
starts like a formula (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe so a spreadsheet
shows it instead of running it. Field names are the records' keys, stable across languages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .csv_zip import cell


def records_csv(records: Iterable[Mapping[str, Any]], header: Sequence[str] | None = None) -> bytes:
    """CSV bytes of ``records``; the header is ``header`` or the first record's keys."""
    rows = list(records)
    fields = list(header) if header is not None else (list(rows[0]) if rows else [])
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([cell(row.get(f)) for f in fields])
    return text.getvalue().encode("utf-8-sig")
