"""Whole maps in and out: import a map file, export the map document."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput, Conflict
from ..model.elements import assemble, flatten
from ..model.reader import read_map
from ..ports import Created, Storage

#: how an import treats a workshop id that already exists
MODES = ("new", "replace", "as_new")


@dataclass(frozen=True)
class Imported:
    workshop_id: str
    replaced: bool
    created: Created | None  # join code and facilitator key of a new workshop


def import_document(store: Storage, doc: dict[str, Any], *, mode: str = "new", actor: str | None = None) -> Imported:
    """Store a validated map document; ``mode`` is one of :data:`MODES`."""
    if mode not in MODES:
        raise BadInput(f"unknown import mode '{mode}'; known: {', '.join(MODES)}")
    if mode == "as_new":
        doc = {**doc, "workshop": {**doc["workshop"], "id": _fresh_workshop_id(store, doc["workshop"]["id"])}}
    elif mode == "new" and store.exists(doc["workshop"]["id"]):
        raise Conflict(
            f"a workshop with id '{doc['workshop']['id']}' already exists: replace it, or import it as a new workshop"
        )
    created = store.import_map(flatten(doc), replace=(mode == "replace"), actor=actor)
    return Imported(doc["workshop"]["id"], created is None, created)


def import_bytes(store: Storage, data: bytes | str, *, mode: str = "new", actor: str | None = None) -> Imported:
    """Validate untrusted bytes as a map file, then store it (nothing is written if invalid)."""
    return import_document(store, read_map(data), mode=mode, actor=actor)


def export_document(store: Storage, workshop_id: str) -> dict[str, Any]:
    """The workshop's whole map as a map-file document (``map.schema.json``)."""
    workshop, lists, elements = store.load(workshop_id)
    return assemble(workshop, lists, elements)


def _fresh_workshop_id(store: Storage, base: str) -> str:
    stem = base[:50]
    for _ in range(100):
        candidate = f"{stem}-{secrets.token_hex(3)}"
        if not store.exists(candidate):
            return candidate
    raise Conflict("could not find a free workshop id")
