"""Conversions between database rows and :class:`workshop.model.elements.Element`."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from ..model.elements import Element

ELEMENT_COLUMNS = "eid, kind, parent, pos, data, lists, version, author"


def element(row: tuple) -> Element:
    eid, kind, parent, pos, data, lists, version, author = row
    return Element(eid, kind, parent, pos, json.loads(data), tuple(json.loads(lists)), version, author)


def snapshot(el: Element) -> dict[str, Any]:
    """An element as the event log keeps it (before/after of a change)."""
    return {"eid": el.eid, "kind": el.kind, "parent": el.parent, "pos": el.pos, "data": el.data, "lists": list(el.lists)}


def from_snapshot(snap: dict[str, Any]) -> Element:
    return Element(snap["eid"], snap["kind"], snap["parent"], snap["pos"], snap["data"], tuple(snap["lists"]))


def utc_now() -> datetime:
    """Now, in UTC, as the naive timestamp the database keeps (TIMESTAMP columns hold UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def as_utc(value: datetime | None) -> datetime | None:
    """A timestamp read from the database, marked as UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None else None
