"""Move a DuckDB file's workshops into a PostgreSQL database, and prove nothing changed.

Why a service of its own: an organisation that outgrows one process (issue 16) already has its
workshops in ``sessions/kopkarta.duckdb``. The move copies every table as it is (an engine's
``dump_rows`` into the other's ``load_rows``, one transaction on the target), then checks what users
would notice: every workshop's map-file export must be byte for byte the same, and the list
of workshops must show the same counts. A check that fails is a failure (exit status 1) that
names the workshop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import BadInput, StoreError
from ..ports import Storage
from .maps import export_document


@dataclass(frozen=True)
class Moved:
    workshops: int
    rows: dict[str, int]


def _exports(store: Storage) -> dict[str, str]:
    return {w.id: json.dumps(export_document(store, w.id), ensure_ascii=False) for w in store.list_workshops()}


def _listing(store: Storage) -> dict[str, tuple]:
    return {w.id: (w.title, w.language, w.join_code, tuple(sorted(w.counts.items()))) for w in store.list_workshops()}


def migrate(source: Storage, target: Storage) -> Moved:
    """Copy everything of ``source`` (a DuckDB file) into ``target`` (a PostgreSQL database
    with no workshop of the same id), then check the exports and the listing."""
    dump = getattr(source, "dump_rows", None)
    load = getattr(target, "load_rows", None)
    if dump is None:
        raise BadInput("the source of a move is a DuckDB file (--from FILE.duckdb)")
    if load is None:
        raise BadInput("the target of a move is a PostgreSQL database (--to postgresql://...)")
    before, listed = _exports(source), _listing(source)
    rows = load(dump())
    after, listed_after = _exports(target), _listing(target)
    for wid, text in before.items():
        if after.get(wid) != text:
            raise StoreError(f"after the move, workshop '{wid}' does not export as before; the target needs a look")
        if listed_after.get(wid) != listed[wid]:
            raise StoreError(f"after the move, workshop '{wid}' is not listed as before; the target needs a look")
    return Moved(len(before), rows)
