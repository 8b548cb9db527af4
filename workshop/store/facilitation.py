"""Facilitation in the database: phases and lock, rounds, dot votes, silent ratings, brainstorm
notes. All of it through the single writer, as jobs that check before they write.

Why it looks like this:

* **Read twice a second by every screen**, the facilitation state (agenda, phase, summon
  counter, lock, rounds) is kept in memory as one immutable
  :class:`~workshop.model.facilitation.FacilitationState` per workshop, loaded on opening and
  swapped after each commit (:meth:`Tx.after_commit`, before the change counter moves, so a
  poller that sees the counter move finds the new state). Reading it costs a dictionary look-up.
* **Append-only tables** (migration 3): a new state or round state is a new row, and the row
  with the highest ``seq`` (the number of the event that wrote it) wins. Nothing is updated, so
  nothing needs a key, and the history stays.
* **Every change is an event** (``phase``, ``agenda``, ``summon``, ``lock``, ``unlock``,
  ``end``, ``round_start``, ``round_pause``, ``round_resume``, ``round_extend``, ``round_end``,
  ``reveal``, ``vote``, ``rate``, ``triage``), so the workshop's change counter moves and live
  pages refresh. These ops are not in a participant's undo: votes and ratings are taken back
  by setting them again, phases by moving again.
* **Budgets hold under concurrency** because a cast is one job: it reads the participant's
  current dots in the round inside the writer's transaction (which sees every earlier job of
  the same group), checks the budget and writes. Jobs of one group see each other's state
  changes through ``tx.scratch`` (a vote after "end round" in the same group is refused).
* **Votes are map elements** (``votes`` of the map file, with their ``round``), so exports
  carry them; **ratings** are not part of the map format and live in ``ratings`` (last rating
  wins; only the agreed value goes to the map). A brainstorm note is a map ``note``; which
  round it belongs to and who posted it (even when anonymous, so the poster still sees their
  own hidden note) is in ``round_notes``, never in the map file.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..errors import BadInput, Locked, NotFound
from ..model import rounds as R
from ..model.element_schema import check_element
from ..model.elements import Element, new_internal_id
from ..model.facilitation import FacilitationState
from ..model.rounds import Round
from ..model.tallies import dots_of, round_of
from .connection import translated
from .editing import _delete, _get, _insert, _position, _raise_problems, add_in, changed_in
from .rows import ELEMENT_COLUMNS, element, snapshot, utc_now

_DEFAULT = FacilitationState()
_DELETES = (
    "DELETE FROM facilitation_states WHERE workshop_id = ?",
    "DELETE FROM rounds WHERE workshop_id = ?",
    "DELETE FROM ratings WHERE workshop_id = ?",
    "DELETE FROM round_notes WHERE workshop_id = ?",
)


class Facilitation:
    def __init__(self, path=None):
        super().__init__(path)
        with translated("reading the facilitation state"):
            self._fac: dict[str, FacilitationState] = _load_all(self._con)

    # -- reading (cheap) ----------------------------------------------------------------------
    def facilitation(self, workshop_id: str) -> FacilitationState:
        """The workshop's current facilitation state, from memory (the database stays the truth)."""
        return self._fac.get(workshop_id) or _DEFAULT

    # -- reading (queries) --------------------------------------------------------------------
    def round_votes(self, workshop_id: str, round_no: int) -> list[Element]:
        """The vote elements of one round, in map order."""
        rows = self._query(
            "reading the votes",
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND kind = 'vote' "
            "AND COALESCE(CAST(json_extract_string(data, '$.round') AS INTEGER), 1) = ? ORDER BY pos",
            [workshop_id, round_no],
        )
        return [element(r) for r in rows]

    def ratings(self, workshop_id: str, round_no: int) -> list[tuple[str, str, str, int | None]]:
        """Every rating of one round, oldest first: (participant, element, field, value or None)."""
        return [
            (p, a, f, v)
            for p, a, f, v in self._query(
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
        rows = self._query("reading the brainstorm notes", sql + " ORDER BY n.seq", params)
        return [(r[0], element(r[1:9]), r[9]) for r in rows]

    # -- workshop-level state -----------------------------------------------------------------
    def change_facilitation(
        self,
        workshop_id: str,
        change: Callable[[FacilitationState], FacilitationState],
        *,
        op: str,
        actor: str | None = None,
    ) -> FacilitationState:
        """Apply a pure transition (:mod:`workshop.model.facilitation`) to the workshop's state
        as one change; a transition that changes nothing writes nothing."""

        def job(tx):
            tx.index(workshop_id)  # an unknown workshop: NotFound
            old = self._fac_in(tx, workshop_id)
            new = change(old)
            if new.rounds != old.rounds:
                raise ValueError("rounds change through start_round and change_round")
            if new == old:
                return old
            seq = tx.record(workshop_id, actor, op, "facilitation", None, old.to_json(), new.to_json())
            tx.write(
                "INSERT INTO facilitation_states (workshop_id, seq, state, changed_at) VALUES (?, ?, ?, ?)",
                [workshop_id, seq, json.dumps(new.to_json()), utc_now()],
            )
            self._publish(tx, workshop_id, new)
            return new

        return self._writer.submit(job)

    # -- rounds -------------------------------------------------------------------------------
    def start_round(
        self, workshop_id: str, make: Callable[[int], Round], *, now: float, actor: str | None = None
    ) -> Round:
        """Start the round ``make(number)`` returns, numbered after every round so far and every
        round the map's votes name; a round still open is ended first (at ``now``)."""

        def job(tx):
            tx.index(workshop_id)
            state = self._fac_in(tx, workshop_id)
            top = tx.execute(
                "SELECT max(COALESCE(CAST(json_extract_string(data, '$.round') AS INTEGER), 1)) "
                "FROM elements WHERE workshop_id = ? AND kind = 'vote'",
                [workshop_id],
            ).fetchone()[0]
            no = max(max((r.no for r in state.rounds), default=0), int(top or 0)) + 1
            new = make(no)  # may refuse its settings: before anything is written
            still_open = state.open_round
            if still_open is not None:
                state = self._write_round(tx, workshop_id, state, still_open, R.finished(still_open, now), "round_end", actor)
            self._write_round(tx, workshop_id, state, None, new, "round_start", actor)
            return new

        return self._writer.submit(job)

    def change_round(
        self,
        workshop_id: str,
        round_no: int,
        change: Callable[[Round], Round],
        *,
        op: str,
        actor: str | None = None,
    ) -> Round:
        """Apply a pure transition (:mod:`workshop.model.rounds`) to one round as one change."""

        def job(tx):
            tx.index(workshop_id)
            state = self._fac_in(tx, workshop_id)
            old = state.round(round_no)
            new = change(old)
            if new == old:
                return old
            self._write_round(tx, workshop_id, state, old, new, op, actor)
            return new

        return self._writer.submit(job)

    # -- contributions ------------------------------------------------------------------------
    def set_dots(
        self,
        workshop_id: str,
        round_no: int,
        participant: str,
        about: str,
        dots: int,
        *,
        actor: str | None = None,
        respect_lock: bool = False,
    ) -> dict[str, int]:
        """Set how many dots ``participant`` puts on ``about`` in a vote (0 takes them back).

        One job reads the participant's dots in the round, checks the budget and the most dots
        per element, and replaces the participant's vote on ``about`` with one vote element of
        ``dots`` (or none). Returns the participant's dots per element in the round afterwards.
        """

        def job(tx):
            if respect_lock:
                self._refuse_if_locked(tx, workshop_id)
            idx = tx.index(workshop_id)
            rnd = self._fac_in(tx, workshop_id).round(round_no)
            if rnd.kind != "vote":
                raise BadInput(f"round {round_no} is not a dot vote")
            target = idx.get(about)
            if target is None:
                raise NotFound(f"no element '{about}'")
            R.check_target(rnd, target.kind, idx.segment_of_entry(target))
            _participant(idx, participant)
            rows = tx.execute(
                f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND kind = 'vote' "
                "AND json_extract_string(data, '$.participant') = ?",
                [workshop_id, participant],
            ).fetchall()
            votes = [v for v in map(element, rows) if round_of(v.data) == round_no]
            mine = dots_of([v.data for v in votes], participant)
            R.check_dots(rnd, mine, about, dots)
            if mine.get(about, 0) == dots:
                return mine
            old = [v for v in votes if v.data["about"] == about]
            new = None
            if dots:
                data = {"participant": participant, "about": about, "round": round_no, "dots": dots}
                _raise_problems(check_element("vote", data))
                pos = _position(tx, idx, workshop_id, "vote", None, None, exclude=None)
                new = Element(new_internal_id("vote"), "vote", None, pos, data)
            with tx.privately(rnd.concealed):
                seq = tx.record(
                    workshop_id,
                    actor,
                    "vote",
                    "vote",
                    (new or old[0]).eid,
                    [snapshot(o) for o in old] or None,
                    [snapshot(new)] if new else None,
                )
            _delete(tx, idx, workshop_id, [o.eid for o in old])
            if new is not None:
                _insert(tx, idx, workshop_id, new, seq, actor)
                mine[about] = dots
            else:
                mine.pop(about, None)
            return mine

        return self._writer.submit(job)

    def rate(
        self,
        workshop_id: str,
        round_no: int,
        participant: str,
        about: str,
        field: str,
        value: int | None,
        *,
        actor: str | None = None,
        respect_lock: bool = False,
    ) -> None:
        """Record one silent rating (``None`` takes it back); the last rating wins. The event
        names the element and field but not the value (the value stays hidden until the reveal)."""

        def job(tx):
            if respect_lock:
                self._refuse_if_locked(tx, workshop_id)
            idx = tx.index(workshop_id)
            rnd = self._fac_in(tx, workshop_id).round(round_no)
            R.check_rating(rnd, field, value)
            target = idx.get(about)
            if target is None:
                raise NotFound(f"no element '{about}'")
            R.check_target(rnd, target.kind, idx.segment_of_entry(target))
            _participant(idx, participant)
            with tx.privately(rnd.concealed):
                seq = tx.record(workshop_id, actor, "rate", target.kind, about, None, {"round": round_no, "field": field})
            tx.write(
                "INSERT INTO ratings (workshop_id, round_no, participant_id, about, field, value, seq, rated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [workshop_id, round_no, participant, about, field, value, seq, utc_now()],
            )

        self._writer.submit(job)

    def post_note(
        self,
        workshop_id: str,
        round_no: int,
        text: str,
        *,
        poster: str,
        about: str | None = None,
        respect_lock: bool = False,
    ) -> Element:
        """Add a brainstorm note to the map. In an anonymous round the note has no ``author``
        and its event and element carry no actor, so the map, the change log and the element's
        "last changed by" do not name the poster; only ``round_notes`` keeps who posted it."""

        def job(tx):
            if respect_lock:
                self._refuse_if_locked(tx, workshop_id)
            idx = tx.index(workshop_id)
            rnd = self._fac_in(tx, workshop_id).round(round_no)
            R.check_note(rnd)
            _participant(idx, poster)
            data: dict[str, Any] = {"text": text}
            if not rnd.anonymous:
                data["author"] = poster
            if about:
                data["about"] = about
            with tx.privately(rnd.concealed):
                note = add_in(tx, workshop_id, "note", data, None, None if rnd.anonymous else poster, None)
            tx.write(
                "INSERT INTO round_notes (workshop_id, round_no, note_id, poster, seq) VALUES (?, ?, ?, ?, ?)",
                [workshop_id, round_no, note.eid, poster, note.version],
            )
            return note

        return self._writer.submit(job)

    def triage_note(
        self,
        workshop_id: str,
        note_id: str,
        kind: str,
        data: dict[str, Any],
        parent: str | None,
        *,
        actor: str | None = None,
    ) -> tuple[Element, Element]:
        """Make an element from a note in one transaction: the element is added (event
        ``triage``, credited to the note's author, or to ``actor`` for an anonymous note), and
        the note is kept with ``about`` pointing at the new element (an ``update`` by
        ``actor``). Returns (the new element, the note)."""
        data = dict(data)

        def job(tx):
            idx = tx.index(workshop_id)
            note = _get(tx, workshop_id, note_id) if note_id in idx else None
            if note is None or note.kind != "note":
                raise NotFound(f"no note '{note_id}'")
            made = add_in(tx, workshop_id, kind, data, parent, note.data.get("author") or actor, None, op="triage")
            linked = changed_in(tx, workshop_id, note, {"about": made.eid}, actor)
            return made, linked

        return self._writer.submit(job)

    def set_field(self, workshop_id: str, eid: str, field: str, value: Any, *, actor: str | None = None) -> Element:
        """Set one field of an element to an agreed value (an ``update`` event by ``actor``), in
        one job, so it cannot be refused as stale: the facilitator's call decides."""

        def job(tx):
            idx = tx.index(workshop_id)
            old = _get(tx, workshop_id, eid) if eid in idx else None
            if old is None:
                raise NotFound(f"no element '{eid}'")
            return changed_in(tx, workshop_id, old, {field: value}, actor)

        return self._writer.submit(job)

    # -- inside the writer's jobs ---------------------------------------------------------------
    def _fac_in(self, tx, workshop_id: str) -> FacilitationState:
        """The state as this transaction sees it (earlier jobs of the group included)."""
        state = tx.scratch.get(("facilitation", workshop_id))
        return state if state is not None else self.facilitation(workshop_id)

    def _refuse_if_locked(self, tx, workshop_id: str) -> None:
        state = self._fac_in(tx, workshop_id)
        if state.ended:
            raise Locked("the workshop has ended: it is read-only now")
        if state.locked:
            raise Locked("the workshop is locked: it is read-only until the facilitator unlocks it")

    def _publish(self, tx, workshop_id: str, state: FacilitationState) -> None:
        tx.scratch[("facilitation", workshop_id)] = state
        tx.after_commit(lambda: self._fac.__setitem__(workshop_id, state))

    def _write_round(
        self, tx, workshop_id: str, state: FacilitationState, old: Round | None, new: Round, op: str, actor: str | None
    ) -> FacilitationState:
        seq = tx.record(
            workshop_id, actor, op, "round", f"round:{new.no}", old.to_json() if old else None, new.to_json()
        )
        tx.write(
            "INSERT INTO rounds (workshop_id, round_no, seq, state, changed_at) VALUES (?, ?, ?, ?, ?)",
            [workshop_id, new.no, seq, json.dumps(new.to_json()), utc_now()],
        )
        state = state.with_round(new)
        self._publish(tx, workshop_id, state)
        return state

    def _deleting_in(self, tx, workshop_id: str) -> None:
        """A deleted workshop takes its facilitation with it (a later workshop of the same id
        starts unlocked, with no rounds)."""
        super()._deleting_in(tx, workshop_id)
        for statement in _DELETES:
            tx.write(statement, [workshop_id])
        tx.scratch[("facilitation", workshop_id)] = _DEFAULT
        tx.after_commit(lambda: self._fac.pop(workshop_id, None))


def _participant(idx, participant: str) -> None:
    entry = idx.get(participant)
    if entry is None or entry.kind != "participant":
        raise NotFound(f"no participant '{participant}' in this workshop")


def _load_all(con) -> dict[str, FacilitationState]:
    """Every workshop's last state and the last state of each of its rounds (last row wins)."""
    states: dict[str, dict[str, Any]] = {}
    for wid, state in con.execute("SELECT workshop_id, state FROM facilitation_states ORDER BY seq").fetchall():
        states[wid] = json.loads(state)
    rounds: dict[str, dict[int, Round]] = {}
    for wid, no, state in con.execute("SELECT workshop_id, round_no, state FROM rounds ORDER BY seq").fetchall():
        rounds.setdefault(wid, {})[int(no)] = Round.from_json(json.loads(state))
    return {
        wid: FacilitationState.from_json(states.get(wid, {}), rounds.get(wid, {}).values())
        for wid in set(states) | set(rounds)
    }
