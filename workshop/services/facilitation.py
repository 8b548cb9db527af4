"""Facilitating a live workshop: phases, "bring everyone here", the lock, the end — and, re-exported
here so that every page reaches the facilitation as one module (``fs.start_vote(...)``), the
rounds and what participants put into them.

The parts, each a module of its own:

* :mod:`.facilitator` – who is the facilitator (every facilitator action checks the key) and
  the server's clock;
* this module – the state every screen reads (from memory, cheap to poll), the agenda and its
  phases, summon, lock and end, deleting the workshop or importing a map over it;
* :mod:`.rounds` – timed rounds: start, pause, resume, extend, end, reveal;
* :mod:`.votes` – dot votes and silent ratings, and their results;
* :mod:`.brainstorm` – sticky notes and their triage into the map;
* :mod:`.visibility` – what a viewer may see of the map while a round hides things.

Participants' contributions (dots, ratings, notes) take their :class:`Identity` and are refused
with :class:`workshop.errors.Locked` while the workshop is locked or ended. What a round hides
(others' votes and ratings, others' notes of a hidden brainstorm) is served only after the
reveal, or to the facilitator's key.

Live clients: :func:`state` is read from memory (poll it with the change counter). A client
remembers the ``summon`` counter it saw when it opened; when the counter moves past it, it
switches to ``summon_page`` (:func:`summoned_page`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import facilitation as F
from ..model import rounds as R
from ..model.facilitation import FacilitationState
from ..model.reader import read_map, validate
from ..model.rounds import Countdown
from ..ports import Storage
from .brainstorm import NOTE_LIMIT, TRIAGE_TEXT, RoundNote, post_note, round_notes, triage
from .facilitator import Facilitator, as_facilitator, authorise, is_facilitator, server_time
from .maps import Imported, import_document
from .rounds import end_round, extend, pause, resume, reveal, start_brainstorm, start_rating, start_timer, start_vote
from .visibility import Hidden, hidden, visible_doc
from .votes import (
    Person,
    VoteResults,
    cast_for,
    dots_left,
    my_dots,
    my_ratings,
    not_rated,
    not_voted,
    rate,
    rating_results,
    set_agreed,
    set_dots,
    vote_results,
)

__all__ = [
    # who is the facilitator
    "Facilitator",
    "as_facilitator",
    "is_facilitator",
    # the state, phases, summon, lock, the workshop as a whole (this module)
    "countdown",
    "delete_workshop",
    "end_workshop",
    "import_over",
    "lock",
    "next_phase",
    "previous_phase",
    "set_agenda",
    "set_phase",
    "state",
    "summon",
    "summoned_page",
    "unlock",
    # rounds
    "end_round",
    "extend",
    "pause",
    "resume",
    "reveal",
    "start_brainstorm",
    "start_rating",
    "start_timer",
    "start_vote",
    # dot votes and silent ratings
    "Person",
    "VoteResults",
    "cast_for",
    "dots_left",
    "my_dots",
    "my_ratings",
    "not_rated",
    "not_voted",
    "rate",
    "rating_results",
    "set_agreed",
    "set_dots",
    "vote_results",
    # brainstorm
    "NOTE_LIMIT",
    "TRIAGE_TEXT",
    "RoundNote",
    "post_note",
    "round_notes",
    "triage",
    # what a viewer may see
    "Hidden",
    "hidden",
    "visible_doc",
]


# -- the state every screen reads ----------------------------------------------------------------
def state(store: Storage, workshop_id: str) -> FacilitationState:
    """Agenda, phase, summon counter, lock and rounds: from memory, cheap enough to poll."""
    return store.facilitation(workshop_id)


def summoned_page(store: Storage, workshop_id: str, seen: int | None, page: str | None = None) -> str | None:
    """The page to move to when the facilitator brought everyone somewhere after ``seen``
    (``page``: the page the client shows; the console and the summoned page stay put; the
    rule is :func:`workshop.model.facilitation.summon_target`)."""
    return F.summon_target(store.facilitation(workshop_id), seen, page)


def countdown(store: Storage, workshop_id: str, round_no: int | None = None, *, now: float | None = None) -> Countdown | None:
    """The timer of a round (default: the current one) as of the server's clock; ``None``
    when no round has been started."""
    s = store.facilitation(workshop_id)
    r = s.round(round_no) if round_no is not None else s.current_round
    return R.countdown(r, server_time(now, store)) if r is not None else None


# -- phases, summon, lock ------------------------------------------------------------------------
def _change(store: Storage, fac: Facilitator, change, op: str) -> FacilitationState:
    authorise(store, fac)
    return store.change_facilitation(fac.workshop_id, change, op=op, actor=fac.participant_id)


def set_agenda(store: Storage, fac: Facilitator, pages: Iterable[str]) -> FacilitationState:
    pages = list(pages)
    return _change(store, fac, lambda s: F.with_agenda(s, pages), "agenda")


def set_phase(store: Storage, fac: Facilitator, phase: int | str, *, summon: bool = False) -> FacilitationState:
    """Go to a phase (its position in the agenda, or its page); with ``summon`` bring everyone
    there in the same change."""

    def change(s):
        s = F.with_phase(s, phase)
        return F.summoned(s) if summon else s

    return _change(store, fac, change, "phase")


def next_phase(store: Storage, fac: Facilitator) -> FacilitationState:
    return _change(store, fac, lambda s: F.stepped(s, 1), "phase")


def previous_phase(store: Storage, fac: Facilitator) -> FacilitationState:
    return _change(store, fac, lambda s: F.stepped(s, -1), "phase")


def summon(store: Storage, fac: Facilitator, page: str | None = None) -> FacilitationState:
    """Bring everyone to ``page`` (default: the current phase's page)."""
    return _change(store, fac, lambda s: F.summoned(s, page), "summon")


def lock(store: Storage, fac: Facilitator) -> FacilitationState:
    return _change(store, fac, lambda s: F.with_lock(s, True), "lock")


def unlock(store: Storage, fac: Facilitator) -> FacilitationState:
    """Unlock (an ended workshop is reopened)."""
    return _change(store, fac, lambda s: F.with_lock(s, False), "unlock")


def end_workshop(store: Storage, fac: Facilitator, *, now: float | None = None) -> FacilitationState:
    """End the workshop: an open round is ended, then the workshop is locked and marked ended."""
    authorise(store, fac)
    current = store.facilitation(fac.workshop_id).open_round
    if current is not None:
        at = server_time(now, store)
        store.change_round(fac.workshop_id, current.no, lambda r: R.finished(r, at), op="round_end", actor=fac.participant_id)
    return store.change_facilitation(fac.workshop_id, F.ended, op="end", actor=fac.participant_id)


# -- the workshop as a whole ---------------------------------------------------------------------
def delete_workshop(store: Storage, fac: Facilitator) -> None:
    authorise(store, fac)
    store.delete_workshop(fac.workshop_id, actor=fac.participant_id)


def import_over(store: Storage, fac: Facilitator, data: bytes | str | dict[str, Any]) -> Imported:
    """Replace the workshop's map with a map file (validated before anything is written, and
    swapped atomically); the workshop keeps its id, join code, key and facilitation state."""
    authorise(store, fac)
    if isinstance(data, dict):
        validate(data)
        doc = data
    else:
        doc = read_map(data)
    doc = {**doc, "workshop": {**doc["workshop"], "id": fac.workshop_id}}
    return import_document(store, doc, mode="replace", actor=fac.participant_id)
