"""Facilitation as jobs: phases and lock, rounds, dot votes, silent ratings, brainstorm notes.

Why it looks like this:

* **Pure transitions, persisted here.** What a phase change or a round's pause does is a pure
  function of the state (:mod:`workshop.model.facilitation`, :mod:`workshop.model.rounds`);
  a job applies it and stores what it returns (:meth:`Transaction.save_facilitation`,
  :meth:`Transaction.save_round`). A transition that changes nothing writes nothing.
* **Every change is an event** (``phase``, ``agenda``, ``summon``, ``lock``, ``unlock``, ``end``,
  ``round_start``, ``round_pause``, ``round_resume``, ``round_extend``, ``round_end``,
  ``reveal``, ``vote``, ``rate``, ``triage``), so the change number moves and live pages redraw.
  None is in a participant's undo: votes and ratings are taken back by setting them again.
* **Budgets hold under concurrency** because a cast is one job: it reads the participant's
  dots in the round inside the transaction (which sees every earlier job), checks the budget
  and the most dots per element, and writes. A dot or a rating of a round that hides them is
  recorded :meth:`~Transaction.privately` (no other participant's page moves for it).
* **Votes are map elements** (``votes`` of the map file, with their ``round``), so exports
  carry them; **ratings** are not part of the map format (the last one wins; only the agreed
  value goes to the map). A brainstorm note is a map ``note``; which round it belongs to and
  who posted it (even when anonymous, so the poster still sees their own hidden note) is kept
  beside the map (:meth:`Transaction.add_round_note`), never in the map file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import BadInput, Conflict, NotFound
from ..model.kinds import TRIAGE_TEXT
from ..model import rounds as R
from ..model.element_schema import check_element
from ..model.elements import Element, new_internal_id
from ..model.facilitation import FacilitationState
from ..model.rounds import Round
from ..model.tallies import dots_of, round_of
from ..ports import Transaction
from . import editing
from .checks import check_room, position, raise_problems
from .index import MapIndex


def change_facilitation(
    tx: Transaction, workshop_id: str, change: Callable[[FacilitationState], FacilitationState], op: str, actor: str | None
) -> FacilitationState:
    """Apply a pure transition to the workshop's state as one change."""
    tx.index(workshop_id)  # an unknown workshop: NotFound
    old = tx.facilitation(workshop_id)
    new = change(old)
    if new.rounds != old.rounds:
        raise ValueError("rounds change through start_round and change_round")
    if new == old:
        return old
    seq = tx.record(workshop_id, actor, op, "facilitation", None, old.to_json(), new.to_json())
    tx.save_facilitation(workshop_id, seq, new)
    return new


def start_round(tx: Transaction, workshop_id: str, make: Callable[[int], Round], now: float, actor: str | None) -> Round:
    """Start the round ``make(number)`` returns, numbered after every round so far and every
    round the map's votes name; a round still open is ended first (at ``now``)."""
    tx.index(workshop_id)
    state = tx.facilitation(workshop_id)
    no = max(max((r.no for r in state.rounds), default=0), tx.top_vote_round(workshop_id)) + 1
    new = make(no)  # may refuse its settings: before anything is written
    still_open = state.open_round
    if still_open is not None:
        state = _write_round(tx, workshop_id, state, still_open, R.finished(still_open, now), "round_end", actor)
    _write_round(tx, workshop_id, state, None, new, "round_start", actor)
    return new


def change_round(
    tx: Transaction, workshop_id: str, round_no: int, change: Callable[[Round], Round], op: str, actor: str | None
) -> Round:
    """Apply a pure transition to one round as one change."""
    tx.index(workshop_id)
    state = tx.facilitation(workshop_id)
    old = state.round(round_no)
    new = change(old)
    if new == old:
        return old
    _write_round(tx, workshop_id, state, old, new, op, actor)
    return new


def set_dots(
    tx: Transaction, workshop_id: str, round_no: int, participant: str, about: str, dots: int, actor: str | None
) -> dict[str, int]:
    """Set how many dots ``participant`` puts on ``about`` in a vote (0 takes them back);
    returns the participant's dots per element in the round afterwards."""
    idx = tx.index(workshop_id)
    rnd = tx.facilitation(workshop_id).round(round_no)
    if rnd.kind != "vote":
        raise BadInput(f"round {round_no} is not a dot vote")
    _check_target(idx, rnd, about)
    _participant(idx, participant)
    votes = [v for v in tx.votes_of(workshop_id, participant) if round_of(v.data) == round_no]
    mine = dots_of([v.data for v in votes], participant)
    R.check_dots(rnd, mine, about, dots)
    if mine.get(about, 0) == dots:
        return mine
    old = [v for v in votes if v.data["about"] == about]
    new = None
    if dots:
        data = {"participant": participant, "about": about, "round": round_no, "dots": dots}
        raise_problems(check_element("vote", data))
        if not old:  # a new vote, not a change of dots
            check_room(idx, "vote", None)
        pos = position(tx, idx, workshop_id, "vote", None, None, exclude=None)
        new = Element(new_internal_id("vote"), "vote", None, pos, data)
    with tx.privately(rnd.concealed):
        seq = tx.record(
            workshop_id,
            actor,
            "vote",
            "vote",
            (new or old[0]).eid,
            [editing.snapshot(o) for o in old] or None,
            [editing.snapshot(new)] if new else None,
        )
    tx.delete(workshop_id, [o.eid for o in old])
    if new is not None:
        tx.insert(workshop_id, new, seq, actor)
        mine[about] = dots
    else:
        mine.pop(about, None)
    return mine


def rate(
    tx: Transaction, workshop_id: str, round_no: int, participant: str, about: str, field: str, value: int | None,
    actor: str | None,
) -> None:
    """Record one silent rating (``None`` takes it back); the last rating wins. The event names
    the element and field but not the value (the value stays hidden until the reveal)."""
    idx = tx.index(workshop_id)
    rnd = tx.facilitation(workshop_id).round(round_no)
    R.check_rating(rnd, field, value)
    target = _check_target(idx, rnd, about)
    _participant(idx, participant)
    with tx.privately(rnd.concealed):
        seq = tx.record(workshop_id, actor, "rate", target, about, None, {"round": round_no, "field": field})
    tx.add_rating(workshop_id, round_no, participant, about, field, value, seq)


def post_note(
    tx: Transaction, workshop_id: str, round_no: int, text: str, poster: str, about: str | None
) -> Element:
    """Add a brainstorm note to the map. In an anonymous round the note has no ``author`` and
    its event and element carry no actor, so the map, the change log and the element's "last
    changed by" do not name the poster; only the round's notes keep who posted it."""
    idx = tx.index(workshop_id)
    rnd = tx.facilitation(workshop_id).round(round_no)
    R.check_note(rnd)
    _participant(idx, poster)
    data: dict[str, Any] = {"text": text}
    if not rnd.anonymous:
        data["author"] = poster
    if about:
        data["about"] = about
    with tx.privately(rnd.concealed):
        note = editing.add(tx, workshop_id, "note", data, None, None if rnd.anonymous else poster, None, tag={"round": round_no})
    tx.add_round_note(workshop_id, round_no, note.eid, poster, note.version)
    return note


def triage_note(
    tx: Transaction, workshop_id: str, note_id: str, kind: str, data: dict[str, Any], parent: str | None, actor: str | None
) -> tuple[Element, Element]:
    """Make an element from a note: the element is added (event ``triage``, credited to the
    note's author, or to ``actor`` for an anonymous note), and the note is kept with ``about``
    pointing at the new element (an ``update`` by ``actor``). Returns (element, note)."""
    note = editing.existing(tx, workshop_id, note_id)
    if note is None or note.kind != "note":
        raise NotFound(f"no note '{note_id}'")
    already = editing.existing(tx, workshop_id, note.data.get("about")) if note.data.get("about") else None
    field = TRIAGE_TEXT.get(kind)
    if already is not None and already.kind == kind and field and already.data.get(field) == data.get(field):
        # the note points at an element made of it (a second click, a second facilitator's tab)
        raise Conflict(f"this note is already on the map as {kind} '{already.eid}'", key="error.triaged")
    made = editing.add(tx, workshop_id, kind, data, parent, note.data.get("author") or actor, None, op="triage")
    linked = editing.change(tx, workshop_id, note, {"about": made.eid}, actor)
    return made, linked


def set_field(tx: Transaction, workshop_id: str, eid: str, field: str, value: Any, actor: str | None) -> Element:
    """Set one field to an agreed value (an ``update`` by ``actor``), never refused as stale:
    the facilitator's call decides."""
    old = editing.existing(tx, workshop_id, eid)
    if old is None:
        raise NotFound(f"no element '{eid}'")
    return editing.change(tx, workshop_id, old, {field: value}, actor)


def _write_round(
    tx: Transaction, workshop_id: str, state: FacilitationState, old: Round | None, new: Round, op: str, actor: str | None
) -> FacilitationState:
    seq = tx.record(workshop_id, actor, op, "round", f"round:{new.no}", old.to_json() if old else None, new.to_json())
    state = state.with_round(new)
    tx.save_round(workshop_id, seq, new, state)
    return state


def _check_target(idx: MapIndex, rnd: Round, about: str) -> str:
    """The kind of the element a dot or a rating is about, if the round takes it."""
    target = idx.get(about)
    if target is None:
        raise NotFound(f"no element '{about}'")
    R.check_target(rnd, target.kind, idx.segment_of_entry(target))
    return target.kind


def _participant(idx: MapIndex, participant: str) -> None:
    entry = idx.get(participant)
    if entry is None or entry.kind != "participant":
        raise NotFound(f"no participant '{participant}' in this workshop")
