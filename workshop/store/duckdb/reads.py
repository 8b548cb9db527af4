"""The :class:`workshop.ports.ReadSide` of the DuckDB file: every page's reads (the questions
both engines ask alike are in :mod:`workshop.store.sql_reads`; here, DuckDB's own).

Reads run on a cursor per thread (cursors of one DuckDB connection cannot run queries at the
same time), outside the writer's transaction; a read that must be consistent across tables
(a whole map with the change number it reflects) runs in a read transaction of its own.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from ...errors import NotFound, StoreError
from ...model.elements import Element
from ...model.kinds import KINDS
from ...ports import WorkshopSummary
from ..sql_reads import SqlReads
from .connection import translated
from .feed import Feed
from .rows import ELEMENT_COLUMNS, as_utc, element


class DuckReads(SqlReads):
    def __init__(self, path: Path, con, feed: Feed):
        self.path = path
        self.where = str(path)
        self._con = con
        self._feed = feed
        self._local = threading.local()
        #: every thread's cursor, closed with the store (a DuckDB object still alive when the
        #: interpreter exits makes its bindings print "leaked" lines at every shutdown)
        self._cursors: list = []
        self._cursors_lock = threading.Lock()

    def _cursor(self):
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            if self._con is None:
                raise StoreError("the database is closed")
            cur = self._con.cursor()
            self._local.cursor = cur
            with self._cursors_lock:
                self._cursors.append(cur)
        return cur

    def _close_cursors(self) -> None:
        with self._cursors_lock:
            cursors, self._cursors = self._cursors, []
            # drop every thread's reference too: a closed cursor still held by a live thread
            # (Streamlit's script threads outlive the store) is an instance at exit all the same
            self._local = threading.local()
        for cur in cursors:
            try:
                cur.close()
            except Exception:  # noqa: BLE001 - closing anyway; the connection closes next
                pass

    def _query(self, what: str, sql: str, params: list | None = None) -> list[tuple]:
        with translated(what):
            return self._cursor().execute(sql, params or []).fetchall()

    _portable_query = _query  # DuckDB's parameter marker is the portable one (``?``)

    def _json(self, value: Any) -> Any:
        return json.loads(value)  # DuckDB hands a JSON column over as its text

    def _time(self, value: Any) -> Any:
        return as_utc(value)  # the file keeps naive UTC

    _element = staticmethod(element)

    def list_workshops(self) -> list[WorkshopSummary]:
        rows = self._query(
            "listing workshops",
            "SELECT w.id, w.join_code, w.data, w.created_at, "
            "  (SELECT max(e.happened_at) FROM events e WHERE e.workshop_id = w.id) "
            "FROM workshops w ORDER BY w.created_at, w.id",
        )
        counts: dict[str, dict[str, int]] = {}
        for wid, kind, n in self._query(
            "counting elements", "SELECT workshop_id, kind, count(*) FROM elements GROUP BY workshop_id, kind"
        ):
            counts.setdefault(wid, {})[kind] = int(n)
        out = []
        for wid, code, data, created, last in rows:
            meta = json.loads(data)
            out.append(
                WorkshopSummary(
                    id=wid,
                    title=meta.get("title", wid),
                    language=meta.get("language", "en"),
                    join_code=code,
                    counts={k: counts[wid][k] for k in KINDS if k in counts.get(wid, {})},
                    last_change=as_utc(last or created),
                    version=self._feed.version(wid),
                )
            )
        return out

    def load_versioned(self, workshop_id: str) -> tuple[int, dict[str, Any], tuple[str, ...], list[Element]]:
        """Like :meth:`load`, with the change number the read reflects (from the same transaction)."""
        cur = self._cursor()
        with translated("reading the map"):
            cur.execute("BEGIN TRANSACTION")
            try:
                rows = cur.execute("SELECT data, lists FROM workshops WHERE id = ?", [workshop_id]).fetchall()
                if not rows:
                    raise NotFound(f"no workshop '{workshop_id}'")
                els = cur.execute(
                    f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? ORDER BY parent NULLS FIRST, pos",
                    [workshop_id],
                ).fetchall()
                seq = cur.execute("SELECT max(seq) FROM events WHERE workshop_id = ?", [workshop_id]).fetchone()[0]
                return int(seq or 0), json.loads(rows[0][0]), tuple(json.loads(rows[0][1])), [element(r) for r in els]
            finally:
                cur.execute("COMMIT")
