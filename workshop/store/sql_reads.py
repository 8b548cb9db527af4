"""The read side's questions that both engines ask in the same SQL.

Why here: the DuckDB file and PostgreSQL answer a page's plain reads (a workshop, its elements,
its change log, a round's votes, ratings and notes, a join code, a token) with the same
statements; only the parameter marker and how a JSON value arrives differ. An engine's read
side inherits :class:`SqlReads` and gives it three things: ``_portable_query(what, sql,
params)`` (``?`` marks a parameter), ``_json(value)`` (a JSON column's value as Python) and
``_time(value)`` (a timestamp as an aware UTC datetime). What differs between the engines (a
whole map with its change number in one snapshot, the list of workshops with their numbers)
stays in each adapter.
"""

from __future__ import annotations

import hmac
from typing import Any

from ..errors import NotFound
from ..model.elements import Element
from ..ports import WorkshopInfo
from ..rules.workshops import hash_key, normalise_code
from .explore import ExploreQueries

ELEMENT_COLUMNS = "eid, kind, parent, pos, data, lists, version, author"


class SqlReads(ExploreQueries):
    def _portable_query(self, what: str, sql: str, params: list | None = None) -> list[tuple]:  # pragma: no cover
        raise NotImplementedError

    def _json(self, value: Any) -> Any:  # pragma: no cover - each engine has its own
        raise NotImplementedError

    def _time(self, value: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _element(self, row: tuple) -> Element:
        eid, kind, parent, pos, data, lists, version, author = row
        return Element(eid, kind, parent, pos, self._json(data), tuple(self._json(lists)), version, author)

    def ping(self) -> None:
        """Ask the database something: a :class:`StoreError` when it does not answer (the
        server's health check, ``web.health``)."""
        self._portable_query("checking the database", "SELECT count(*) FROM schema_migrations")

    # -- workshops --------------------------------------------------------------------------
    def workshop(self, workshop_id: str) -> WorkshopInfo:
        rows = self._portable_query(
            "reading a workshop", "SELECT id, join_code, data, lists, created_at FROM workshops WHERE id = ?", [workshop_id]
        )
        if not rows:
            raise NotFound(f"no workshop '{workshop_id}'")
        wid, code, data, lists, created = rows[0]
        return WorkshopInfo(wid, code, self._json(data), tuple(self._json(lists)), self._time(created))

    def exists(self, workshop_id: str) -> bool:
        return bool(self._portable_query("reading a workshop", "SELECT 1 FROM workshops WHERE id = ?", [workshop_id]))

    def find_by_join_code(self, code: str) -> str:
        """The id of the workshop with this join code; a wrong code reveals nothing else."""
        rows = self._portable_query(
            "looking up a join code", "SELECT id FROM workshops WHERE join_code = ?", [normalise_code(code)]
        )
        if not rows:
            raise NotFound("no workshop has that join code")
        return rows[0][0]

    def check_facilitator_key(self, workshop_id: str, key: str) -> bool:
        rows = self._portable_query("checking a key", "SELECT key_hash FROM workshops WHERE id = ?", [workshop_id])
        return bool(rows) and hmac.compare_digest(rows[0][0], hash_key(key or ""))

    def participant_for_token(self, token: str) -> tuple[str, str]:
        """(workshop id, participant id) of a token; an unknown token reveals nothing."""
        rows = self._portable_query(
            "looking up a participant",
            "SELECT t.workshop_id, t.participant_id FROM participant_tokens t "
            "JOIN workshops w ON w.id = t.workshop_id WHERE t.token_hash = ?",
            [hash_key(token or "")],
        )
        if not rows:
            raise NotFound("this link is no longer valid: join the workshop again")
        return rows[0][0], rows[0][1]

    def plan_for_token(self, token: str) -> tuple[str, str, Any]:
        """(workshop id, deal id, when shared) of a deal plan's link; a wrong or ended link
        reveals nothing."""
        rows = self._portable_query(
            "looking up a shared plan",
            "SELECT s.workshop_id, s.deal_id, s.created_at FROM plan_shares s "
            "JOIN workshops w ON w.id = s.workshop_id WHERE s.token_hash = ?",
            [hash_key(token or "")],
        )
        if not rows:
            raise NotFound("this link does not open a plan: it may have been ended", key="error.plan_link")
        return rows[0][0], rows[0][1], self._aware(rows[0][2])

    def plan_shares(self, workshop_id: str) -> dict[str, Any]:
        """Deal id -> when its plan was shared, for the workshop's shared plans."""
        rows = self._portable_query(
            "reading the shared plans", "SELECT deal_id, created_at FROM plan_shares WHERE workshop_id = ?", [workshop_id]
        )
        return {deal: self._aware(at) for deal, at in rows}

    def _aware(self, value: Any) -> Any:
        """A stored instant as an aware datetime (each engine's ``_time`` marks it UTC)."""
        return self._time(value)

    # -- the map ------------------------------------------------------------------------------
    def elements(self, workshop_id: str, kind: str | None = None) -> list[Element]:
        """The workshop's elements (of one kind, if given), in map order within each parent."""
        sql = f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ?"
        params: list[Any] = [workshop_id]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        sql += " ORDER BY parent NULLS FIRST, pos"
        return [self._element(r) for r in self._portable_query("reading the map", sql, params)]

    def element(self, workshop_id: str, eid: str) -> Element:
        rows = self._portable_query(
            "reading an element", f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND eid = ?", [workshop_id, eid]
        )
        if not rows:
            raise NotFound(f"no element '{eid}' in workshop '{workshop_id}'")
        return self._element(rows[0])

    def load(self, workshop_id: str) -> tuple[dict[str, Any], tuple[str, ...], list[Element]]:
        """Workshop object, present top-level lists and elements, read in one snapshot."""
        return self.load_versioned(workshop_id)[1:]

    def events(self, workshop_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The workshop's change log, newest first."""
        sql = (
            "SELECT seq, happened_at, actor, op, kind, eid, before, after, undoes FROM events "
            "WHERE workshop_id = ? ORDER BY seq DESC"
        )
        params: list[Any] = [workshop_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [
            {
                "seq": seq,
                "at": self._time(at),
                "actor": actor,
                "op": op,
                "kind": kind,
                "eid": eid,
                "before": self._json(before) if before is not None else None,
                "after": self._json(after) if after is not None else None,
                "undoes": undoes,
            }
            for seq, at, actor, op, kind, eid, before, after, undoes in self._portable_query("reading the change log", sql, params)
        ]

    # -- facilitation -----------------------------------------------------------------------------
    def round_votes(self, workshop_id: str, round_no: int) -> list[Element]:
        """The vote elements of one round, in map order."""
        rows = self._portable_query(
            "reading the votes",
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND kind = 'vote' "
            "AND COALESCE(CAST(data->>'round' AS INTEGER), 1) = ? ORDER BY pos",
            [workshop_id, round_no],
        )
        return [self._element(r) for r in rows]

    def ratings(self, workshop_id: str, round_no: int) -> list[tuple[str, str, str, int | None]]:
        """Every rating of one round, oldest first: (participant, element, field, value or None)."""
        return [
            (p, a, f, v)
            for p, a, f, v in self._portable_query(
                "reading the ratings",
                "SELECT participant_id, about, field, value FROM ratings WHERE workshop_id = ? AND round_no = ? ORDER BY seq",
                [workshop_id, round_no],
            )
        ]

    def round_notes(self, workshop_id: str, round_no: int | None = None) -> list[tuple[int, Element, str]]:
        """Brainstorm notes still in the map, as (round, note, who posted it), oldest first; all
        rounds when ``round_no`` is None. The poster is private: services show it to nobody else."""
        sql = (
            "SELECT n.round_no, e.eid, e.kind, e.parent, e.pos, e.data, e.lists, e.version, e.author, n.poster "
            "FROM round_notes n JOIN elements e ON e.workshop_id = n.workshop_id AND e.eid = n.note_id AND e.kind = 'note' "
            "WHERE n.workshop_id = ?"
        )
        params: list[Any] = [workshop_id]
        if round_no is not None:
            sql += " AND n.round_no = ?"
            params.append(round_no)
        rows = self._portable_query("reading the brainstorm notes", sql + " ORDER BY n.seq", params)
        return [(r[0], self._element(r[1:9]), r[9]) for r in rows]
