"""The :class:`workshop.ports.ReadSide` on PostgreSQL: every page's reads, on pooled connections.

A read is one statement in autocommit; a read that must be consistent across tables (a whole
map with the change number it reflects) runs in a REPEATABLE READ, READ ONLY transaction, so
its statements share one snapshot. The questions both engines ask alike are in
:mod:`workshop.store.sql_reads` (their ``?`` becomes psycopg's ``%s``, and ``json`` columns
arrive already parsed); here, what PostgreSQL does its own way.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ...errors import NotFound
from ...model.elements import Element
from ...model.kinds import KINDS
from ...ports import WorkshopSummary
from ..sql_reads import SqlReads
from .connection import translated
from .feed import Feed
from .tx import ELEMENT_COLUMNS, element


@lru_cache(maxsize=256)
def _marked(sql: str) -> str:
    """A portable statement with psycopg's parameter marker (the statements are constants)."""
    return sql.replace("?", "%s")


class PgReads(SqlReads):
    def __init__(self, pool, feed: Feed):
        self.path = None
        self._pool = pool
        self._feed = feed

    def _query(self, what: str, sql: str, params: list | None = None) -> list[tuple]:
        with translated(what), self._pool.connection() as conn:
            return conn.execute(sql, params or []).fetchall()

    def _portable_query(self, what: str, sql: str, params: list | None = None) -> list[tuple]:
        """A statement written for every engine (``?`` marks a parameter)."""
        return self._query(what, _marked(sql), params)

    def _json(self, value: Any) -> Any:
        return value  # psycopg parses json and jsonb columns

    def _time(self, value: Any) -> Any:
        return value  # timestamptz, read in a UTC session

    _element = staticmethod(element)

    def list_workshops(self) -> list[WorkshopSummary]:
        rows = self._query(
            "listing workshops",
            "SELECT w.id, w.join_code, w.data, w.created_at, "
            "  (SELECT max(e.happened_at) FROM events e WHERE e.workshop_id = w.id), "
            "  (SELECT v.version FROM workshop_versions v WHERE v.workshop_id = w.id) "
            "FROM workshops w ORDER BY w.created_at, w.id",
        )
        counts: dict[str, dict[str, int]] = {}
        for wid, kind, n in self._query(
            "counting elements", "SELECT workshop_id, kind, count(*) FROM elements GROUP BY workshop_id, kind"
        ):
            counts.setdefault(wid, {})[kind] = int(n)
        return [
            WorkshopSummary(
                id=wid,
                title=meta.get("title", wid),
                language=meta.get("language", "en"),
                join_code=code,
                counts={k: counts[wid][k] for k in KINDS if k in counts.get(wid, {})},
                last_change=last or created,
                version=max(int(version or 0), self._feed.version(wid)),
            )
            for wid, code, meta, created, last, version in rows
        ]

    def load_versioned(self, workshop_id: str) -> tuple[int, dict[str, Any], tuple[str, ...], list[Element]]:
        """Like :meth:`load`, with the change number the read reflects (the same snapshot)."""
        with translated("reading the map"), self._pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            rows = conn.execute("SELECT data, lists FROM workshops WHERE id = %s", [workshop_id]).fetchall()
            if not rows:
                raise NotFound(f"no workshop '{workshop_id}'")
            els = conn.execute(
                f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = %s ORDER BY parent NULLS FIRST, pos", [workshop_id]
            ).fetchall()
            seq = conn.execute("SELECT version FROM workshop_versions WHERE workshop_id = %s", [workshop_id]).fetchone()
        return int(seq[0]) if seq else 0, rows[0][0], tuple(rows[0][1]), [element(r) for r in els]
