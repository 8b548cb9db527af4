"""The :class:`workshop.ports.Transaction` on PostgreSQL: the rules' calls as SQL, safe when
the writers are in different processes.

**One workshop, one writer at a time.** The first time a transaction touches a workshop it
takes that workshop's transaction-scoped advisory lock (``pg_advisory_xact_lock``), and only
then reads the workshop's change number, in a statement of its own (at READ COMMITTED each
statement sees everything committed before it began). Everything the rules check (the dot
budget and the most dots per element, a stale edit, what undo takes back, whether an id is
free) is read after the lock, so a writer in another process cannot slip in between the check
and the write. The lock is released by the commit or the rollback. Different workshops never
wait for each other.

**Numbers from the database.** An event's number is the workshop's change number read under
the lock, plus one; the events table's primary key (workshop, number) would refuse a second
writer of the same number even if the lock were bypassed. ``workshop_versions`` is moved in the
same transaction, and so is the NOTIFY that tells every process: only committed changes are
told.

**The map's index, kept per process.** Loading a workshop's index costs a query over all its
elements; it is kept between transactions with the change number it is exact at, and used
again only when the number read under the lock is that number (another process's change
makes it stale and it is loaded again).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from typing import Any, Iterator

from psycopg.types.json import Json, Jsonb

from ...errors import NotFound
from ...model.elements import Element
from ...model.facilitation import FacilitationState
from ...model.rounds import Round
from ...ports import LoggedChange
from ...rules.index import Entry, MapIndex
from .feed import CHANNEL, Feed, read_facilitation
from .shares import PlanShares

ELEMENT_COLUMNS = "eid, kind, parent, pos, data, lists, version, author"

#: a workshop's rows beside its elements (deleted with it)
_WORKSHOP_TABLES_DELETES = (
    "DELETE FROM elements WHERE workshop_id = %s",
    "DELETE FROM participant_tokens WHERE workshop_id = %s",
    "DELETE FROM plan_shares WHERE workshop_id = %s",
    "DELETE FROM facilitation_states WHERE workshop_id = %s",
    "DELETE FROM rounds WHERE workshop_id = %s",
    "DELETE FROM ratings WHERE workshop_id = %s",
    "DELETE FROM round_notes WHERE workshop_id = %s",
    "DELETE FROM workshops WHERE id = %s",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def as_json(value: Any) -> Json | None:
    """A map object for a ``json`` column (its keys kept in order)."""
    return None if value is None else Json(value, dumps=_dumps)


def as_jsonb(value: Any) -> Jsonb:
    return Jsonb(value, dumps=_dumps)


def element(row: Sequence[Any]) -> Element:
    eid, kind, parent, pos, data, lists, version, author = row
    return Element(eid, kind, parent, pos, data, tuple(lists), version, author)


class IndexCache:
    """Each workshop's :class:`MapIndex` with the change number it is exact at. A transaction
    *takes* an entry (no other thread can see it half-changed) and gives it back after its commit."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[int, MapIndex]] = {}

    def take(self, workshop_id: str, version: int) -> MapIndex | None:
        kept = self._kept.pop(workshop_id, None)
        return kept[1] if kept is not None and kept[0] == version else None

    def give_back(self, workshop_id: str, version: int, idx: MapIndex) -> None:
        self._kept[workshop_id] = (version, idx)


class PgTx(PlanShares):
    def __init__(self, conn, feed: Feed, indexes: IndexCache):
        self._cur = conn.cursor()
        self._feed = feed
        self._indexes = indexes
        #: per workshop touched: the change number when the lock was taken
        self._base: dict[str, int] = {}
        self._base_public: dict[str, int] = {}
        #: the change number per workshop after this transaction, and the public one
        self.pending: dict[str, int] = {}
        self.public: dict[str, int] = {}
        self.public_changes: dict[str, list[LoggedChange]] = {}
        #: facilitation states written (told to this process's feed after the commit)
        self.states: dict[str, FacilitationState] = {}
        self._loaded: dict[str, MapIndex] = {}
        self._private = False
        self.scratch: dict[Any, Any] = {}
        self.committed_callbacks: list[Callable[[], None]] = []
        self._events: list[tuple] = []
        self._elements: list[tuple] = []

    # -- plumbing ---------------------------------------------------------------------------
    def _touch(self, workshop_id: str) -> None:
        """Take the workshop's lock (once per transaction) and read its numbers after it."""
        if workshop_id in self._base:
            return
        self._cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [workshop_id])
        row = self._cur.execute(
            "SELECT version, public_version FROM workshop_versions WHERE workshop_id = %s", [workshop_id]
        ).fetchone()
        self._base[workshop_id], self._base_public[workshop_id] = (int(row[0]), int(row[1])) if row else (0, 0)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        self.flush()
        return self._cur.execute(sql, params).fetchall()

    def _write(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.flush()
        self._cur.execute(sql, params)

    def after_commit(self, fn: Callable[[], None]) -> None:
        self.committed_callbacks.append(fn)

    # -- the map's elements -------------------------------------------------------------------
    def workshop_exists(self, workshop_id: str) -> bool:
        self._touch(workshop_id)
        return bool(self._read("SELECT 1 FROM workshops WHERE id = %s", [workshop_id]))

    def index(self, workshop_id: str) -> MapIndex:
        self._touch(workshop_id)
        idx = self._loaded.get(workshop_id)
        if idx is not None:
            return idx
        idx = self._indexes.take(workshop_id, self._base[workshop_id])
        if idx is None:
            if not self.workshop_exists(workshop_id):
                raise NotFound(f"no workshop '{workshop_id}'")
            rows = self._read(
                "SELECT eid, kind, parent, pos, version, author, CASE WHEN kind = 'deal' THEN data->>'segment' END "
                "FROM elements WHERE workshop_id = %s",
                [workshop_id],
            )
            idx = MapIndex([Entry(*row) for row in rows])
        self._loaded[workshop_id] = idx
        return idx

    def get(self, workshop_id: str, eid: str) -> Element | None:
        self._touch(workshop_id)
        rows = self._read(f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = %s AND eid = %s", [workshop_id, eid])
        return element(rows[0]) if rows else None

    def get_many(self, workshop_id: str, eids: Iterable[str]) -> dict[str, Element]:
        self._touch(workshop_id)
        eids = list(dict.fromkeys(eids))
        if not eids:
            return {}
        sql = f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = %s AND eid = ANY(%s)"
        return {r[0]: element(r) for r in self._read(sql, [workshop_id, eids])}

    def of_kinds(self, workshop_id: str, kinds: Sequence[str]) -> list[Element]:
        self._touch(workshop_id)
        rows = self._read(
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = %s AND kind = ANY(%s)", [workshop_id, list(kinds)]
        )
        return [element(r) for r in rows]

    def votes_of(self, workshop_id: str, participant: str) -> list[Element]:
        self._touch(workshop_id)
        rows = self._read(
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = %s AND kind = 'vote' AND data->>'participant' = %s",
            [workshop_id, participant],
        )
        return [element(r) for r in rows]

    def top_vote_round(self, workshop_id: str) -> int:
        self._touch(workshop_id)
        rows = self._read(
            "SELECT max(COALESCE(CAST(data->>'round' AS INTEGER), 1)) FROM elements WHERE workshop_id = %s AND kind = 'vote'",
            [workshop_id],
        )
        return int(rows[0][0] or 0)

    def insert(self, workshop_id: str, el: Element, version: int, author: str | None) -> None:
        self._touch(workshop_id)
        self._elements.append(
            (workshop_id, el.eid, el.kind, el.parent, float(el.pos), as_json(el.data), as_jsonb(list(el.lists)), version, author)
        )
        idx = self._loaded.get(workshop_id)
        if idx is not None:
            idx.put(Entry.of(el, version, author))

    def update(self, workshop_id: str, el: Element, version: int, author: str | None) -> None:
        self._touch(workshop_id)
        self._write(
            "UPDATE elements SET data = %s, pos = %s, version = %s, author = %s WHERE workshop_id = %s AND eid = %s",
            [as_json(el.data), float(el.pos), version, author, workshop_id, el.eid],
        )
        idx = self._loaded.get(workshop_id)
        if idx is not None:
            idx.put(Entry.of(el, version, author))

    def reposition(self, workshop_id: str, eid: str, pos: float) -> None:
        self._touch(workshop_id)
        self._write("UPDATE elements SET pos = %s WHERE workshop_id = %s AND eid = %s", [float(pos), workshop_id, eid])
        idx = self._loaded.get(workshop_id)
        entry = idx.get(eid) if idx is not None else None
        if entry is not None:
            entry.pos = float(pos)
            idx.put(entry)

    def delete(self, workshop_id: str, eids: Sequence[str]) -> None:
        if not eids:
            return
        self._touch(workshop_id)
        self._write("DELETE FROM elements WHERE workshop_id = %s AND eid = ANY(%s)", [workshop_id, list(eids)])
        idx = self._loaded.get(workshop_id)
        if idx is not None:
            for eid in eids:
                idx.remove(eid)

    # -- the change log ---------------------------------------------------------------------
    def version(self, workshop_id: str) -> int:
        self._touch(workshop_id)
        return self.pending.get(workshop_id, self._base[workshop_id])

    @contextmanager
    def privately(self, private: bool = True) -> Iterator[None]:
        before, self._private = self._private, private
        try:
            yield
        finally:
            self._private = before

    def record(self, workshop_id, actor, op, kind, eid, before, after, undoes=None) -> int:
        seq = self.version(workshop_id) + 1
        self._events.append((workshop_id, seq, actor, op, kind, eid, as_json(before), as_json(after), undoes, self._private))
        self.pending[workshop_id] = seq
        if not self._private:
            self.public[workshop_id] = seq
            self.public_changes.setdefault(workshop_id, []).append(LoggedChange(seq, op, kind, eid, before, after))
        return seq

    def last_undoable(self, workshop_id: str, actor: str, ops: Sequence[str]) -> LoggedChange | None:
        self._touch(workshop_id)
        rows = self._read(
            "SELECT seq, op, kind, eid, before, after FROM events e "
            "WHERE workshop_id = %s AND actor = %s AND op = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM events u WHERE u.workshop_id = e.workshop_id AND u.undoes = e.seq) "
            "ORDER BY seq DESC LIMIT 1",
            [workshop_id, actor, list(ops)],
        )
        return LoggedChange(*rows[0]) if rows else None

    # -- workshops as wholes --------------------------------------------------------------------
    def join_code_of(self, workshop_id: str) -> str | None:
        self._touch(workshop_id)
        rows = self._read("SELECT join_code FROM workshops WHERE id = %s", [workshop_id])
        return rows[0][0] if rows else None

    def join_codes(self) -> set[str]:
        return {r[0] for r in self._read("SELECT join_code FROM workshops")}

    def workshop_doc(self, workshop_id: str) -> tuple[dict[str, Any], tuple[str, ...], int]:
        self._touch(workshop_id)
        rows = self._read(
            "SELECT data, lists, (SELECT count(*) FROM elements WHERE workshop_id = %s) FROM workshops WHERE id = %s",
            [workshop_id, workshop_id],
        )
        if not rows:
            raise NotFound(f"no workshop '{workshop_id}'")
        return rows[0][0], tuple(rows[0][1]), int(rows[0][2])

    def insert_workshop(self, workshop_id, join_code, key_hash, data, lists) -> None:
        self._touch(workshop_id)
        self._write(
            "INSERT INTO workshops (id, join_code, key_hash, data, lists, created_at) VALUES (%s, %s, %s, %s, %s, now())",
            [workshop_id, join_code, key_hash, as_json(data), as_jsonb(list(lists))],
        )
        self._loaded[workshop_id] = MapIndex([])

    def replace_workshop(self, workshop_id, data, lists) -> None:
        self._touch(workshop_id)
        self._write("DELETE FROM elements WHERE workshop_id = %s", [workshop_id])
        self._write(
            "UPDATE workshops SET data = %s, lists = %s WHERE id = %s", [as_json(data), as_jsonb(list(lists)), workshop_id]
        )
        self._loaded[workshop_id] = MapIndex([])

    def delete_workshop(self, workshop_id: str) -> None:
        self._touch(workshop_id)
        for statement in _WORKSHOP_TABLES_DELETES:
            self._write(statement, [workshop_id])
        self._loaded.pop(workshop_id, None)
        self.scratch[("facilitation", workshop_id)] = FacilitationState()
        self.states[workshop_id] = FacilitationState()

    def add_token(self, token_hash: str, workshop_id: str, participant_id: str) -> None:
        self._touch(workshop_id)
        self._write(
            "INSERT INTO participant_tokens (token_hash, workshop_id, participant_id, created_at) VALUES (%s, %s, %s, now())",
            [token_hash, workshop_id, participant_id],
        )

    # -- facilitation (append-only tables: the row of the highest seq wins) -------------------
    def facilitation(self, workshop_id: str) -> FacilitationState:
        state = self.scratch.get(("facilitation", workshop_id))
        if state is None:
            self._touch(workshop_id)
            state = self._feed.facilitation_at(workshop_id, self._base[workshop_id])
            if state is None:
                self.flush()
                state = read_facilitation(self._cur, workshop_id)
            self.scratch[("facilitation", workshop_id)] = state
        return state

    def _publish(self, workshop_id: str, state: FacilitationState) -> None:
        self.scratch[("facilitation", workshop_id)] = state
        self.states[workshop_id] = state

    def save_facilitation(self, workshop_id: str, seq: int, state: FacilitationState) -> None:
        self._touch(workshop_id)
        self._write(
            "INSERT INTO facilitation_states (workshop_id, seq, state, changed_at) VALUES (%s, %s, %s, now())",
            [workshop_id, seq, as_jsonb(state.to_json())],
        )
        self._publish(workshop_id, state)

    def save_round(self, workshop_id: str, seq: int, rnd: Round, state: FacilitationState) -> None:
        self._touch(workshop_id)
        self._write(
            "INSERT INTO rounds (workshop_id, round_no, seq, state, changed_at) VALUES (%s, %s, %s, %s, now())",
            [workshop_id, rnd.no, seq, as_jsonb(rnd.to_json())],
        )
        self._publish(workshop_id, state)

    def add_rating(self, workshop_id, round_no, participant, about, field, value, seq) -> None:
        self._touch(workshop_id)
        self._write(
            "INSERT INTO ratings (workshop_id, round_no, participant_id, about, field, value, seq, rated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, now())",
            [workshop_id, round_no, participant, about, field, value, seq],
        )

    def add_round_note(self, workshop_id, round_no, note_id, poster, seq) -> None:
        self._touch(workshop_id)
        self._write(
            "INSERT INTO round_notes (workshop_id, round_no, note_id, poster, seq) VALUES (%s, %s, %s, %s, %s)",
            [workshop_id, round_no, note_id, poster, seq],
        )

    # -- the end of the transaction -----------------------------------------------------------
    def flush(self) -> None:
        """Write queued rows: events first (an element's row never exists without its event)."""
        if self._events:
            rows, self._events = self._events, []
            self._cur.executemany(
                "INSERT INTO events (workshop_id, seq, happened_at, actor, op, kind, eid, before, after, undoes, private) "
                "VALUES (%s, %s, clock_timestamp(), %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
        if self._elements:
            rows, self._elements = self._elements, []
            self._cur.executemany(
                "INSERT INTO elements (workshop_id, eid, kind, parent, pos, data, lists, version, author) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

    def finish(self, origin: str) -> None:
        """Before the commit: the queued rows, the new change numbers, and one NOTIFY per
        workshop that changed (sent by PostgreSQL only if the commit succeeds)."""
        self.flush()
        for wid, last in self.pending.items():
            public = self.public.get(wid, self._base_public[wid])
            self._cur.execute(
                "INSERT INTO workshop_versions (workshop_id, version, public_version) VALUES (%s, %s, %s) "
                "ON CONFLICT (workshop_id) DO UPDATE SET version = EXCLUDED.version, public_version = EXCLUDED.public_version",
                [wid, last, public],
            )
            note = {"w": wid, "a": self._base[wid] + 1, "v": last, "p": public, "f": int(wid in self.states), "o": origin}
            self._cur.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps(note)])

    def committed(self) -> None:
        """After the commit: indexes kept for the next transaction, this process's feed moved."""
        for wid, idx in self._loaded.items():
            self._indexes.give_back(wid, self.pending.get(wid, self._base[wid]), idx)
        first = {wid: self._base[wid] + 1 for wid in self.pending}
        public = {wid: self.public.get(wid, self._base_public[wid]) for wid in self.pending}
        self._feed.committed_here(first, self.pending, public, self.states, self.public_changes)
