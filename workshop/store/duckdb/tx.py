"""The :class:`workshop.ports.Transaction` of the DuckDB file: the rules' calls as SQL.

Runs on the writer thread only (:mod:`.writer`), inside the group's transaction. Two things
make it fast enough for a full room voting at once:

* **Rows appended in bulk.** Events and new elements are queued and written with one
  statement per table for the whole group of jobs (30 simultaneous votes cost about one commit
  and two statements, not thirty of each); any other statement flushes the queue first, so
  every query sees every earlier change of the transaction.
* **The map's index kept between transactions.** Only the writer thread changes the file, so
  it keeps each workshop's :class:`~workshop.rules.index.MapIndex` exact: loaded on the first
  write to a workshop, changed with every write here, dropped after a rollback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from typing import Any, Iterator

from ...errors import NotFound
from ...model.elements import Element
from ...model.facilitation import FacilitationState
from ...model.rounds import Round
from ...ports import LoggedChange
from ...rules.index import Entry, MapIndex
from .feed import Feed
from .shares import PlanShares
from .rows import ELEMENT_COLUMNS, element, element_row, utc_now

#: a workshop's rows beside its elements (deleted with it)
_WORKSHOP_TABLES_DELETES = (
    "DELETE FROM elements WHERE workshop_id = ?",
    "DELETE FROM workshops WHERE id = ?",
    "DELETE FROM participant_tokens WHERE workshop_id = ?",
    "DELETE FROM facilitation_states WHERE workshop_id = ?",
    "DELETE FROM rounds WHERE workshop_id = ?",
    "DELETE FROM ratings WHERE workshop_id = ?",
    "DELETE FROM round_notes WHERE workshop_id = ?",
    "DELETE FROM plan_shares WHERE workshop_id = ?",
)


class DuckTx(PlanShares):
    def __init__(self, cursor, feed: Feed, indexes: dict[str, MapIndex]):
        self._cur = cursor
        self._feed = feed
        self._indexes = indexes
        #: the change number per workshop after this transaction, and the public one
        self.pending: dict[str, int] = {}
        self.public: dict[str, int] = {}
        #: the changes everyone may see, per workshop, in order (what the change feed tells)
        self.public_changes: dict[str, list[LoggedChange]] = {}
        self._private = False
        #: workshops whose index this transaction used (dropped again after a rollback)
        self.touched: set[str] = set()
        #: whether the current job wrote anything (the writer re-runs a group that failed after)
        self.wrote = False
        self.scratch: dict[Any, Any] = {}
        self.committed_callbacks: list[Callable[[], None]] = []
        self._events: list[tuple] = []
        self._elements: list[tuple] = []

    # -- plumbing ---------------------------------------------------------------------------
    def _read(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        self.flush()
        return self._cur.execute(sql, params or []).fetchall()

    def _write(self, sql: str, params: list[Any] | None = None) -> None:
        self.flush()
        self.wrote = True
        self._cur.execute(sql, params or [])

    def after_commit(self, fn: Callable[[], None]) -> None:
        self.committed_callbacks.append(fn)

    # -- the map's elements -------------------------------------------------------------------
    def workshop_exists(self, workshop_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM workshops WHERE id = ?", [workshop_id]))

    def index(self, workshop_id: str) -> MapIndex:
        self.touched.add(workshop_id)
        idx = self._indexes.get(workshop_id)
        if idx is None:
            if not self.workshop_exists(workshop_id):
                raise NotFound(f"no workshop '{workshop_id}'")
            rows = self._read(
                "SELECT eid, kind, parent, pos, version, author, "
                "CASE WHEN kind = 'deal' THEN json_extract_string(data, '$.segment') END "
                "FROM elements WHERE workshop_id = ?",
                [workshop_id],
            )
            idx = self._indexes[workshop_id] = MapIndex([Entry(*row) for row in rows])
        return idx

    def _loaded(self, workshop_id: str) -> MapIndex | None:
        """The workshop's index if it is loaded (an import writes before any is)."""
        self.touched.add(workshop_id)
        return self._indexes.get(workshop_id)

    def get(self, workshop_id: str, eid: str) -> Element | None:
        rows = self._read(f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND eid = ?", [workshop_id, eid])
        return element(rows[0]) if rows else None

    def get_many(self, workshop_id: str, eids: Iterable[str]) -> dict[str, Element]:
        eids = list(dict.fromkeys(eids))
        if not eids:
            return {}
        rows = self._read(
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND eid IN (SELECT unnest(?::VARCHAR[]))",
            [workshop_id, eids],
        )
        return {r[0]: element(r) for r in rows}

    def of_kinds(self, workshop_id: str, kinds: Sequence[str]) -> list[Element]:
        rows = self._read(
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND kind IN (SELECT unnest(?::VARCHAR[]))",
            [workshop_id, list(kinds)],
        )
        return [element(r) for r in rows]

    def votes_of(self, workshop_id: str, participant: str) -> list[Element]:
        rows = self._read(
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND kind = 'vote' "
            "AND json_extract_string(data, '$.participant') = ?",
            [workshop_id, participant],
        )
        return [element(r) for r in rows]

    def top_vote_round(self, workshop_id: str) -> int:
        rows = self._read(
            "SELECT max(COALESCE(CAST(json_extract_string(data, '$.round') AS INTEGER), 1)) "
            "FROM elements WHERE workshop_id = ? AND kind = 'vote'",
            [workshop_id],
        )
        return int(rows[0][0] or 0)

    def insert(self, workshop_id: str, el: Element, version: int, author: str | None) -> None:
        self.wrote = True
        self._elements.append(element_row(workshop_id, el, version, author))
        idx = self._loaded(workshop_id)
        if idx is not None:
            idx.put(Entry.of(el, version, author))

    def update(self, workshop_id: str, el: Element, version: int, author: str | None) -> None:
        self._write(
            "UPDATE elements SET data = ?, pos = ?, version = ?, author = ? WHERE workshop_id = ? AND eid = ?",
            [json.dumps(el.data, ensure_ascii=False), float(el.pos), version, author, workshop_id, el.eid],
        )
        idx = self._loaded(workshop_id)
        if idx is not None:
            idx.put(Entry.of(el, version, author))

    def reposition(self, workshop_id: str, eid: str, pos: float) -> None:
        self._write("UPDATE elements SET pos = ? WHERE workshop_id = ? AND eid = ?", [float(pos), workshop_id, eid])
        idx = self._loaded(workshop_id)
        entry = idx.get(eid) if idx is not None else None
        if entry is not None:
            entry.pos = float(pos)
            idx.put(entry)

    def delete(self, workshop_id: str, eids: Sequence[str]) -> None:
        if not eids:
            return
        self._write("DELETE FROM elements WHERE workshop_id = ? AND eid IN (SELECT unnest(?::VARCHAR[]))", [workshop_id, list(eids)])
        idx = self._loaded(workshop_id)
        if idx is not None:
            for eid in eids:
                idx.remove(eid)

    # -- the change log ---------------------------------------------------------------------
    def version(self, workshop_id: str) -> int:
        return self.pending.get(workshop_id, self._feed.version(workshop_id))

    @contextmanager
    def privately(self, private: bool = True) -> Iterator[None]:
        before, self._private = self._private, private
        try:
            yield
        finally:
            self._private = before

    def record(self, workshop_id, actor, op, kind, eid, before, after, undoes=None) -> int:
        seq = self.version(workshop_id) + 1
        self.wrote = True
        self._events.append(
            (
                workshop_id,
                seq,
                utc_now(),
                actor,
                op,
                kind,
                eid,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
                undoes,
            )
        )
        self.pending[workshop_id] = seq
        if not self._private:
            self.public[workshop_id] = seq
            self.public_changes.setdefault(workshop_id, []).append(LoggedChange(seq, op, kind, eid, before, after))
        return seq

    def last_undoable(self, workshop_id: str, actor: str, ops: Sequence[str]) -> LoggedChange | None:
        rows = self._read(
            "SELECT seq, op, kind, eid, before, after FROM events e "
            "WHERE workshop_id = ? AND actor = ? AND op IN (SELECT unnest(?::VARCHAR[])) "
            "AND NOT EXISTS (SELECT 1 FROM events u WHERE u.workshop_id = e.workshop_id AND u.undoes = e.seq) "
            "ORDER BY seq DESC LIMIT 1",
            [workshop_id, actor, list(ops)],
        )
        if not rows:
            return None
        seq, op, kind, eid, before, after = rows[0]
        return LoggedChange(seq, op, kind, eid, json.loads(before) if before else None, json.loads(after) if after else None)

    # -- workshops as wholes --------------------------------------------------------------------
    def join_code_of(self, workshop_id: str) -> str | None:
        rows = self._read("SELECT join_code FROM workshops WHERE id = ?", [workshop_id])
        return rows[0][0] if rows else None

    def join_codes(self) -> set[str]:
        return {r[0] for r in self._read("SELECT join_code FROM workshops")}

    def workshop_doc(self, workshop_id: str) -> tuple[dict[str, Any], tuple[str, ...], int]:
        rows = self._read(
            "SELECT data, lists, (SELECT count(*) FROM elements WHERE workshop_id = ?) FROM workshops WHERE id = ?",
            [workshop_id, workshop_id],
        )
        if not rows:
            raise NotFound(f"no workshop '{workshop_id}'")
        return json.loads(rows[0][0]), tuple(json.loads(rows[0][1])), int(rows[0][2])

    def insert_workshop(self, workshop_id, join_code, key_hash, data, lists) -> None:
        self._write(
            "INSERT INTO workshops (id, join_code, key_hash, data, lists, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [workshop_id, join_code, key_hash, json.dumps(data, ensure_ascii=False), json.dumps(list(lists)), utc_now()],
        )
        self._indexes.pop(workshop_id, None)

    def replace_workshop(self, workshop_id, data, lists) -> None:
        self._write("DELETE FROM elements WHERE workshop_id = ?", [workshop_id])
        self._write(
            "UPDATE workshops SET data = ?, lists = ? WHERE id = ?",
            [json.dumps(data, ensure_ascii=False), json.dumps(list(lists)), workshop_id],
        )
        self.touched.add(workshop_id)
        self._indexes.pop(workshop_id, None)  # loaded again, from the new rows, when next asked

    def delete_workshop(self, workshop_id: str) -> None:
        for statement in _WORKSHOP_TABLES_DELETES:
            self._write(statement, [workshop_id])
        self.touched.add(workshop_id)
        self._indexes.pop(workshop_id, None)
        self.scratch[("facilitation", workshop_id)] = FacilitationState()
        self.after_commit(lambda: self._feed.forget(workshop_id))

    def add_token(self, token_hash: str, workshop_id: str, participant_id: str) -> None:
        self._write(
            "INSERT INTO participant_tokens (token_hash, workshop_id, participant_id, created_at) VALUES (?, ?, ?, ?)",
            [token_hash, workshop_id, participant_id, utc_now()],
        )

    # -- facilitation (append-only tables: the row of the highest seq wins) -------------------
    def facilitation(self, workshop_id: str) -> FacilitationState:
        state = self.scratch.get(("facilitation", workshop_id))
        return state if state is not None else self._feed.facilitation(workshop_id)

    def _publish(self, workshop_id: str, state: FacilitationState) -> None:
        self.scratch[("facilitation", workshop_id)] = state
        self.after_commit(lambda: self._feed.set_facilitation(workshop_id, state))

    def save_facilitation(self, workshop_id: str, seq: int, state: FacilitationState) -> None:
        self._write(
            "INSERT INTO facilitation_states (workshop_id, seq, state, changed_at) VALUES (?, ?, ?, ?)",
            [workshop_id, seq, json.dumps(state.to_json()), utc_now()],
        )
        self._publish(workshop_id, state)

    def save_round(self, workshop_id: str, seq: int, rnd: Round, state: FacilitationState) -> None:
        self._write(
            "INSERT INTO rounds (workshop_id, round_no, seq, state, changed_at) VALUES (?, ?, ?, ?, ?)",
            [workshop_id, rnd.no, seq, json.dumps(rnd.to_json()), utc_now()],
        )
        self._publish(workshop_id, state)

    def add_rating(self, workshop_id, round_no, participant, about, field, value, seq) -> None:
        self._write(
            "INSERT INTO ratings (workshop_id, round_no, participant_id, about, field, value, seq, rated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [workshop_id, round_no, participant, about, field, value, seq, utc_now()],
        )

    def add_round_note(self, workshop_id, round_no, note_id, poster, seq) -> None:
        self._write(
            "INSERT INTO round_notes (workshop_id, round_no, note_id, poster, seq) VALUES (?, ?, ?, ?, ?)",
            [workshop_id, round_no, note_id, poster, seq],
        )

    # -- bulk rows ------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write queued rows, one statement per table for the whole group of jobs."""
        if len(self._events) == 1 and len(self._elements) <= 1:  # a lone change: plain rows are cheaper
            self._cur.execute(
                "INSERT INTO events (workshop_id, seq, happened_at, actor, op, kind, eid, before, after, undoes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(self._events.pop()),
            )
            if self._elements:
                self._cur.execute(
                    "INSERT INTO elements (workshop_id, eid, kind, parent, pos, data, lists, version, author) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    list(self._elements.pop()),
                )
            return
        if self._events:
            cols = list(zip(*self._events))
            self._events = []
            self._cur.execute(
                "INSERT INTO events (workshop_id, seq, happened_at, actor, op, kind, eid, before, after, undoes) "
                "SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]), unnest(?::TIMESTAMP[]), unnest(?::VARCHAR[]), "
                "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), CAST(unnest(?::VARCHAR[]) AS JSON), "
                "CAST(unnest(?::VARCHAR[]) AS JSON), unnest(?::BIGINT[])",
                [list(c) for c in cols],
            )
        if self._elements:
            cols = list(zip(*self._elements))
            self._elements = []
            self._cur.execute(
                "INSERT INTO elements (workshop_id, eid, kind, parent, pos, data, lists, version, author) "
                "SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                "unnest(?::DOUBLE[]), CAST(unnest(?::VARCHAR[]) AS JSON), CAST(unnest(?::VARCHAR[]) AS JSON), "
                "unnest(?::BIGINT[]), unnest(?::VARCHAR[])",
                [list(c) for c in cols],
            )
