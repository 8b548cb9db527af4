"""The :class:`workshop.ports.ReadSide` on PostgreSQL: every page's reads, on pooled connections.

A read is one statement in autocommit; a read that must be consistent across tables (a whole
map with the change number it reflects) runs in a REPEATABLE READ, READ ONLY transaction, so
its statements share one snapshot. The same questions as the DuckDB file's read side
(:mod:`workshop.store.duckdb.reads`), in PostgreSQL's dialect: ``%s`` marks a parameter, and
``json`` columns arrive already parsed.
"""

from __future__ import annotations

import hmac
from typing import Any

from ...errors import NotFound
from ...model.elements import Element
from ...model.kinds import KINDS
from ...ports import WorkshopInfo, WorkshopSummary
from ...rules.workshops import hash_key, normalise_code
from ..explore import ExploreQueries
from .connection import translated
from .feed import Feed
from .tx import ELEMENT_COLUMNS, element


class PgReads(ExploreQueries):
    def __init__(self, pool, feed: Feed):
        self.path = None
        self._pool = pool
        self._feed = feed

    def _query(self, what: str, sql: str, params: list | None = None) -> list[tuple]:
        with translated(what), self._pool.connection() as conn:
            return conn.execute(sql, params or []).fetchall()

    def _portable_query(self, what: str, sql: str, params: list | None = None) -> list[tuple]:
        """A statement written for every engine (``?`` marks a parameter; :mod:`..explore`)."""
        return self._query(what, sql.replace("?", "%s"), params)

    # -- workshops --------------------------------------------------------------------------
    def workshop(self, workshop_id: str) -> WorkshopInfo:
        rows = self._query(
            "reading a workshop", "SELECT id, join_code, data, lists, created_at FROM workshops WHERE id = %s", [workshop_id]
        )
        if not rows:
            raise NotFound(f"no workshop '{workshop_id}'")
        wid, code, data, lists, created = rows[0]
        return WorkshopInfo(wid, code, data, tuple(lists), created)

    def exists(self, workshop_id: str) -> bool:
        return bool(self._query("reading a workshop", "SELECT 1 FROM workshops WHERE id = %s", [workshop_id]))

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

    def find_by_join_code(self, code: str) -> str:
        """The id of the workshop with this join code; a wrong code reveals nothing else."""
        rows = self._query("looking up a join code", "SELECT id FROM workshops WHERE join_code = %s", [normalise_code(code)])
        if not rows:
            raise NotFound("no workshop has that join code")
        return rows[0][0]

    def check_facilitator_key(self, workshop_id: str, key: str) -> bool:
        rows = self._query("checking a key", "SELECT key_hash FROM workshops WHERE id = %s", [workshop_id])
        return bool(rows) and hmac.compare_digest(rows[0][0], hash_key(key or ""))

    def participant_for_token(self, token: str) -> tuple[str, str]:
        """(workshop id, participant id) of a token; an unknown token reveals nothing."""
        rows = self._query(
            "looking up a participant",
            "SELECT t.workshop_id, t.participant_id FROM participant_tokens t "
            "JOIN workshops w ON w.id = t.workshop_id WHERE t.token_hash = %s",
            [hash_key(token or "")],
        )
        if not rows:
            raise NotFound("this link is no longer valid: join the workshop again")
        return rows[0][0], rows[0][1]

    # -- the map ------------------------------------------------------------------------------
    def elements(self, workshop_id: str, kind: str | None = None) -> list[Element]:
        """The workshop's elements (of one kind, if given), in map order within each parent."""
        sql = f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = %s"
        params: list[Any] = [workshop_id]
        if kind is not None:
            sql += " AND kind = %s"
            params.append(kind)
        sql += " ORDER BY parent NULLS FIRST, pos"
        return [element(r) for r in self._query("reading the map", sql, params)]

    def element(self, workshop_id: str, eid: str) -> Element:
        rows = self._query(
            "reading an element", f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = %s AND eid = %s", [workshop_id, eid]
        )
        if not rows:
            raise NotFound(f"no element '{eid}' in workshop '{workshop_id}'")
        return element(rows[0])

    def load(self, workshop_id: str) -> tuple[dict[str, Any], tuple[str, ...], list[Element]]:
        """Workshop object, present top-level lists and elements, read in one snapshot."""
        return self.load_versioned(workshop_id)[1:]

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

    def events(self, workshop_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The workshop's change log, newest first."""
        sql = (
            "SELECT seq, happened_at, actor, op, kind, eid, before, after, undoes FROM events "
            "WHERE workshop_id = %s ORDER BY seq DESC"
        )
        params: list[Any] = [workshop_id]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        keys = ("seq", "at", "actor", "op", "kind", "eid", "before", "after", "undoes")
        return [dict(zip(keys, row)) for row in self._query("reading the change log", sql, params)]

    # -- facilitation -----------------------------------------------------------------------------
    def round_votes(self, workshop_id: str, round_no: int) -> list[Element]:
        """The vote elements of one round, in map order."""
        rows = self._query(
            "reading the votes",
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = %s AND kind = 'vote' "
            "AND COALESCE(CAST(data->>'round' AS INTEGER), 1) = %s ORDER BY pos",
            [workshop_id, round_no],
        )
        return [element(r) for r in rows]

    def ratings(self, workshop_id: str, round_no: int) -> list[tuple[str, str, str, int | None]]:
        """Every rating of one round, oldest first: (participant, element, field, value or None)."""
        return [
            tuple(row)
            for row in self._query(
                "reading the ratings",
                "SELECT participant_id, about, field, value FROM ratings WHERE workshop_id = %s AND round_no = %s ORDER BY seq",
                [workshop_id, round_no],
            )
        ]

    def round_notes(self, workshop_id: str, round_no: int | None = None) -> list[tuple[int, Element, str]]:
        """Brainstorm notes still in the map, as (round, note, who posted it), oldest first; all
        rounds when ``round_no`` is None. The poster is private: services show it to nobody else."""
        sql = (
            "SELECT n.round_no, e.eid, e.kind, e.parent, e.pos, e.data, e.lists, e.version, e.author, n.poster "
            "FROM round_notes n JOIN elements e ON e.workshop_id = n.workshop_id AND e.eid = n.note_id AND e.kind = 'note' "
            "WHERE n.workshop_id = %s"
        )
        params: list[Any] = [workshop_id]
        if round_no is not None:
            sql += " AND n.round_no = %s"
            params.append(round_no)
        rows = self._query("reading the brainstorm notes", sql + " ORDER BY n.seq", params)
        return [(r[0], element(r[1:9]), r[9]) for r in rows]
