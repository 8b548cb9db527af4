"""Conversions between DuckDB rows and domain values (:class:`~workshop.model.elements.Element`,
timestamps)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from ...model.elements import Element

ELEMENT_COLUMNS = "eid, kind, parent, pos, data, lists, version, author"


def element(row: tuple) -> Element:
    eid, kind, parent, pos, data, lists, version, author = row
    return Element(eid, kind, parent, pos, json.loads(data), tuple(json.loads(lists)), version, author)


def element_row(workshop_id: str, el: Element, version: int, author: str | None) -> tuple:
    """(workshop_id, eid, kind, parent, pos, data, lists, version, author) of the elements table."""
    return (
        workshop_id,
        el.eid,
        el.kind,
        el.parent,
        float(el.pos),
        json.dumps(el.data, ensure_ascii=False),
        json.dumps(list(el.lists)),
        version,
        author,
    )


def utc_now() -> datetime:
    """Now, in UTC, as the naive timestamp the database keeps (TIMESTAMP columns hold UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def as_utc(value: datetime | None) -> datetime | None:
    """A timestamp read from the database, marked as UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None else None
