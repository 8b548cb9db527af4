"""Facilitating a live workshop: phases, "bring everyone here", timed rounds, dot votes, silent
ratings, brainstorms, the lock — and who may do what.

Why the permission check lives here and not only in the pages: a page that merely hides the
facilitator's buttons protects nothing (a crafted request, a second tab, a future page). Every
facilitator action takes a :class:`Facilitator` and refuses with :class:`Forbidden` unless its
key is the workshop's facilitator key; the check is one indexed read (the key's hash).

Participants' contributions (dots, ratings, notes) take their :class:`Identity` and are refused
with :class:`workshop.errors.Locked` while the workshop is locked or ended. What a round hides
(others' votes and ratings, others' notes of a hidden brainstorm) is served only after the
reveal, or to the facilitator's key; :func:`visible_doc` takes the same things out of a map
document before a page shows it.

Clock: every timer is computed from the server's clock (``time.time()``); each function that
depends on the time takes ``now`` so tests inject it.

Live clients: :func:`state` is read from memory (poll it with the change counter). A client
remembers the ``summon`` counter it saw when it opened; when the counter moves past it, it
switches to ``summon_page`` (:func:`summoned_page`; the rule is
:func:`workshop.model.facilitation.summon_target`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput, Forbidden, NotFound
from ..model import facilitation as F
from ..model import rounds as R
from ..model import tallies as T
from ..model.elements import Element
from ..model.facilitation import FacilitationState
from ..model.kinds import TRIAGE_PARENT, TRIAGE_TEXT
from ..model.reader import read_map, validate
from ..model.rounds import Countdown, Round
from ..ports import Storage
from .editing import ensure_writable
from .live import Identity, snapshot
from .maps import Imported, import_document


# -- who is the facilitator ----------------------------------------------------------------------
@dataclass(frozen=True)
class Facilitator:
    """The facilitator's credentials for one workshop: the key shown at creation, and the
    facilitator's own participant id (their changes to the map are attributed to it)."""

    workshop_id: str
    key: str
    participant_id: str | None = None


def as_facilitator(me: Identity, key: str) -> Facilitator:
    return Facilitator(me.workshop_id, key, me.participant_id)


def is_facilitator(store: Storage, workshop_id: str, key: str | None) -> bool:
    return bool(key) and store.check_facilitator_key(workshop_id, key or "")


def _authorise(store: Storage, fac: Facilitator) -> None:
    if not is_facilitator(store, fac.workshop_id, fac.key):
        raise Forbidden("only the facilitator can do this: the facilitator key is missing or wrong")


def _now(now: float | None) -> float:
    return time.time() if now is None else float(now)


# -- the state every screen reads ----------------------------------------------------------------
def state(store: Storage, workshop_id: str) -> FacilitationState:
    """Agenda, phase, summon counter, lock and rounds: from memory, cheap enough to poll."""
    return store.facilitation(workshop_id)


def summoned_page(store: Storage, workshop_id: str, seen: int | None, page: str | None = None) -> str | None:
    """The page to move to when the facilitator brought everyone somewhere after ``seen``
    (``page``: the page the client shows; the console and the summoned page stay put)."""
    return F.summon_target(store.facilitation(workshop_id), seen, page)


def countdown(store: Storage, workshop_id: str, round_no: int | None = None, *, now: float | None = None) -> Countdown | None:
    """The timer of a round (default: the current one) as of the server's clock; ``None``
    when no round has been started."""
    s = store.facilitation(workshop_id)
    r = s.round(round_no) if round_no is not None else s.current_round
    return R.countdown(r, _now(now)) if r is not None else None


# -- phases, summon, lock ------------------------------------------------------------------------
def _change(store: Storage, fac: Facilitator, change, op: str) -> FacilitationState:
    _authorise(store, fac)
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
    _authorise(store, fac)
    current = store.facilitation(fac.workshop_id).open_round
    if current is not None:
        at = _now(now)
        store.change_round(fac.workshop_id, current.no, lambda r: R.finished(r, at), op="round_end", actor=fac.participant_id)
    return store.change_facilitation(fac.workshop_id, F.ended, op="end", actor=fac.participant_id)


# -- the workshop as a whole ---------------------------------------------------------------------
def delete_workshop(store: Storage, fac: Facilitator) -> None:
    _authorise(store, fac)
    store.delete_workshop(fac.workshop_id, actor=fac.participant_id)


def import_over(store: Storage, fac: Facilitator, data: bytes | str | dict[str, Any]) -> Imported:
    """Replace the workshop's map with a map file (validated before anything is written, and
    swapped atomically); the workshop keeps its id, join code, key and facilitation state."""
    _authorise(store, fac)
    if isinstance(data, dict):
        validate(data)
        doc = data
    else:
        doc = read_map(data)
    doc = {**doc, "workshop": {**doc["workshop"], "id": fac.workshop_id}}
    return import_document(store, doc, mode="replace", actor=fac.participant_id)


# -- rounds --------------------------------------------------------------------------------------
def _start(store: Storage, fac: Facilitator, kind: str, now: float | None, segment: str | None = None, **settings) -> Round:
    _authorise(store, fac)
    if segment is not None:
        el = snapshot(store, fac.workshop_id).element(segment)
        if el is None or el.kind != "segment":
            raise NotFound(f"no segment '{segment}'")
    at = _now(now)
    by = fac.participant_id

    def make(no: int) -> Round:
        return R.new_round(no, kind, now=at, by=by, segment=segment, **settings)

    return store.start_round(fac.workshop_id, make, now=at, actor=by)


def start_timer(store: Storage, fac: Facilitator, prompt: str | None, minutes: float, *, now: float | None = None) -> Round:
    """A timed round of ``minutes`` with a prompt (an open round is ended first)."""
    return _start(store, fac, "timer", now, prompt=prompt, minutes=minutes)


def start_vote(
    store: Storage,
    fac: Facilitator,
    target: str,
    *,
    budget: int = 5,
    max_per_element: int | None = None,
    prompt: str | None = None,
    minutes: float | None = None,
    segment: str | None = None,
    now: float | None = None,
) -> Round:
    """A dot vote on elements of kind ``target`` (of one segment, if given): each participant
    has ``budget`` dots and may put at most ``max_per_element`` (default: the budget, at most 20)
    on one element. Votes stay hidden until :func:`reveal`."""
    return _start(
        store, fac, "vote", now, segment=segment, prompt=prompt, minutes=minutes, target=target,
        budget=budget, max_per_element=max_per_element,
    )


def start_rating(
    store: Storage,
    fac: Facilitator,
    target: str,
    *,
    fields: Iterable[str] = (),
    prompt: str | None = None,
    minutes: float | None = None,
    segment: str | None = None,
    now: float | None = None,
) -> Round:
    """A silent rating of ``target`` elements on ``fields`` (default: every ratable field of the
    kind, e.g. a role's influence and stance). Ratings stay hidden until :func:`reveal`."""
    return _start(store, fac, "rating", now, segment=segment, prompt=prompt, minutes=minutes, target=target, fields=tuple(fields))


def start_brainstorm(
    store: Storage,
    fac: Facilitator,
    *,
    prompt: str | None = None,
    minutes: float | None = None,
    anonymous: bool = False,
    hidden: bool = False,
    now: float | None = None,
) -> Round:
    """A brainstorm: participants post notes, ``anonymous`` (no author in the map) and/or
    ``hidden`` from the others until :func:`reveal`."""
    return _start(store, fac, "brainstorm", now, prompt=prompt, minutes=minutes, anonymous=anonymous, hidden=hidden)


def _round_change(store: Storage, fac: Facilitator, round_no: int | None, change, op: str) -> Round:
    _authorise(store, fac)
    if round_no is None:
        current = store.facilitation(fac.workshop_id).current_round
        if current is None:
            raise BadInput("no round has been started yet")
        round_no = current.no
    return store.change_round(fac.workshop_id, round_no, change, op=op, actor=fac.participant_id)


def pause(store: Storage, fac: Facilitator, round_no: int | None = None, *, now: float | None = None) -> Round:
    at = _now(now)
    return _round_change(store, fac, round_no, lambda r: R.paused(r, at), "round_pause")


def resume(store: Storage, fac: Facilitator, round_no: int | None = None, *, now: float | None = None) -> Round:
    at = _now(now)
    return _round_change(store, fac, round_no, lambda r: R.resumed(r, at), "round_resume")


def extend(store: Storage, fac: Facilitator, minutes: float, round_no: int | None = None, *, now: float | None = None) -> Round:
    at = _now(now)
    return _round_change(store, fac, round_no, lambda r: R.extended(r, minutes, at), "round_extend")


def end_round(store: Storage, fac: Facilitator, round_no: int | None = None, *, now: float | None = None) -> Round:
    """End a round early (or when its time is up: time alone does not close a round)."""
    at = _now(now)
    return _round_change(store, fac, round_no, lambda r: R.finished(r, at), "round_end")


def reveal(store: Storage, fac: Facilitator, round_no: int | None = None) -> Round:
    """Show everyone the round's votes, ratings or notes."""
    return _round_change(store, fac, round_no, R.revealed, "reveal")


# -- dot votes -----------------------------------------------------------------------------------
def set_dots(store: Storage, me: Identity, round_no: int, about: str, dots: int) -> dict[str, int]:
    """Put ``dots`` of my dots on ``about`` (0 takes them back); returns my dots per element.

    Refused (nothing changes) beyond my budget or the most dots per element, after the round
    ended, on an element the round is not about, or while the workshop is locked."""
    ensure_writable(store, me.workshop_id)
    return store.set_dots(
        me.workshop_id, round_no, me.participant_id, about, dots, actor=me.participant_id, respect_lock=True
    )


def cast_for(store: Storage, fac: Facilitator, participant_id: str, round_no: int, about: str, dots: int) -> dict[str, int]:
    """The facilitator sets someone's dots (a participant without a device), within the same
    budget; allowed while the workshop is locked."""
    _authorise(store, fac)
    return store.set_dots(fac.workshop_id, round_no, participant_id, about, dots, actor=fac.participant_id)


def _round_votes(store: Storage, workshop_id: str, round_no: int) -> list[dict[str, Any]]:
    """The votes of one round, from the shared snapshot of the current version: every page of
    every participant shows the panel on each rerun during a vote, so this reads no database."""
    return [v for v in snapshot(store, workshop_id).doc.get("votes", []) if v.get("round", 1) == round_no]


def my_dots(store: Storage, me: Identity, round_no: int) -> dict[str, int]:
    """My dots per element in a round (always visible to me)."""
    return T.dots_of(_round_votes(store, me.workshop_id, round_no), me.participant_id)


def dots_left(store: Storage, me: Identity, round_no: int) -> int:
    r = store.facilitation(me.workshop_id).round(round_no)
    return max(0, (r.budget or 0) - sum(my_dots(store, me, round_no).values()))


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    function: str


@dataclass(frozen=True)
class VoteResults:
    """A vote's result: elements ranked by dots (with dots per function), dots per function,
    dots cast in all, and how many people voted."""

    round: Round
    lines: list[T.VoteLine]
    by_function: dict[str, int]
    dots: int
    voters: int


def _people(store: Storage, workshop_id: str) -> list[Person]:
    doc = snapshot(store, workshop_id).doc
    return [Person(p["id"], p["name"], p.get("function") or T.OTHER) for p in doc.get("participants") or []]


def _functions(store: Storage, workshop_id: str) -> dict[str, str]:
    return {p.id: p.function for p in _people(store, workshop_id)}


def _map_order(doc: Any) -> list[str]:
    """Ids of the map's elements in document order (ties in a ranking keep the map's order)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                out.append(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in doc.items() if k not in ("workshop", "participants", "votes")})
    return out


def _shown(store: Storage, workshop_id: str, r: Round, key: str | None) -> None:
    if r.concealed and not is_facilitator(store, workshop_id, key):
        raise Forbidden(f"round {r.no} is hidden until the facilitator reveals it")


def vote_results(store: Storage, workshop_id: str, round_no: int, *, key: str | None = None) -> VoteResults:
    """The ranked result: for everyone after the reveal, before it only with the facilitator key."""
    r = store.facilitation(workshop_id).round(round_no)
    if r.kind != "vote":
        raise BadInput(f"round {round_no} is not a dot vote")
    _shown(store, workshop_id, r, key)
    votes = _round_votes(store, workshop_id, round_no)
    functions = _functions(store, workshop_id)
    lines = T.tally(votes, functions, _map_order(snapshot(store, workshop_id).doc))
    return VoteResults(
        r, lines, T.function_totals(votes, functions), sum(int(v["dots"]) for v in votes),
        len({v["participant"] for v in votes}),
    )


def not_voted(store: Storage, workshop_id: str, round_no: int, *, exclude: Iterable[str] = ()) -> list[Person]:
    """Participants with no dot in the round yet (who they are, never what others voted)."""
    votes = _round_votes(store, workshop_id, round_no)
    skip = set(exclude)
    people = [p for p in _people(store, workshop_id) if p.id not in skip]
    waiting = set(T.not_voted([p.id for p in people], votes))
    return [p for p in people if p.id in waiting]


# -- silent ratings ------------------------------------------------------------------------------
def rate(store: Storage, me: Identity, round_no: int, about: str, field: str, value: int | None) -> None:
    """My rating of one field of one element (``None`` takes it back); hidden until the reveal."""
    ensure_writable(store, me.workshop_id)
    store.rate(me.workshop_id, round_no, me.participant_id, about, field, value, actor=me.participant_id, respect_lock=True)


def my_ratings(store: Storage, me: Identity, round_no: int) -> dict[tuple[str, str], int]:
    """(element, field) -> my current rating."""
    mine = T.latest(r for r in store.ratings(me.workshop_id, round_no) if r[0] == me.participant_id)
    return {(about, f): v for (_, about, f), v in mine.items()}


def rating_results(store: Storage, workshop_id: str, round_no: int, *, key: str | None = None) -> list[T.Spread]:
    """The spread per element and field, overall and per function (mean, min, max, n): for
    everyone after the reveal, before it only with the facilitator key."""
    r = store.facilitation(workshop_id).round(round_no)
    if r.kind != "rating":
        raise BadInput(f"round {round_no} is not a rating")
    _shown(store, workshop_id, r, key)
    latest = T.latest(store.ratings(workshop_id, round_no))
    return T.spreads(latest, _functions(store, workshop_id), _map_order(snapshot(store, workshop_id).doc))


def not_rated(store: Storage, workshop_id: str, round_no: int, *, exclude: Iterable[str] = ()) -> list[Person]:
    latest = T.latest(store.ratings(workshop_id, round_no))
    skip = set(exclude)
    people = [p for p in _people(store, workshop_id) if p.id not in skip]
    waiting = set(T.not_rated([p.id for p in people], latest))
    return [p for p in people if p.id in waiting]


def set_agreed(store: Storage, fac: Facilitator, about: str, field: str, value: int) -> Element:
    """Write the value the group agreed on into the map (an ``update`` of the element's field,
    attributed to the facilitator); only fields that can be rated."""
    _authorise(store, fac)
    el = snapshot(store, fac.workshop_id).element(about)
    if el is None:
        raise NotFound(f"no element '{about}'")
    scales = R.rating_scales().get(el.kind, {})
    if field not in scales:
        raise BadInput(f"a {el.kind} has no rated field '{field}'")
    low, high = scales[field]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInput(f"{field} is from {low} to {high}")
    return store.set_field(fac.workshop_id, about, field, value, actor=fac.participant_id)


# -- brainstorm ----------------------------------------------------------------------------------
NOTE_LIMIT = 4000


def post_note(store: Storage, me: Identity, round_no: int, text: str, about: str | None = None) -> Element:
    """Post a sticky note in a brainstorm round (without author when the round is anonymous)."""
    ensure_writable(store, me.workshop_id)
    text = (text or "").strip()
    if not text:
        raise BadInput("the note is empty")
    if len(text) > NOTE_LIMIT:
        raise BadInput(f"a note is at most {NOTE_LIMIT} characters")
    return store.post_note(me.workshop_id, round_no, text, poster=me.participant_id, about=about or None, respect_lock=True)


@dataclass(frozen=True)
class RoundNote:
    """A brainstorm note as a viewer may see it: ``author`` is ``None`` for an anonymous note,
    ``mine`` tells the viewer their own notes (the poster of others' notes is never shown)."""

    id: str
    text: str
    author: str | None
    about: str | None
    mine: bool
    version: int


def round_notes(
    store: Storage, workshop_id: str, round_no: int, viewer: str | None = None, *, key: str | None = None
) -> list[RoundNote]:
    """The round's notes the viewer may see: all of them once revealed, in an open brainstorm
    or for the facilitator's key; otherwise only the viewer's own."""
    r = store.facilitation(workshop_id).round(round_no)
    if r.kind != "brainstorm":
        raise BadInput(f"round {round_no} is not a brainstorm")
    everything = not r.concealed or is_facilitator(store, workshop_id, key)
    out = []
    for _, note, poster in store.round_notes(workshop_id, round_no):
        mine = viewer is not None and poster == viewer
        if everything or mine:
            data = note.data
            out.append(RoundNote(note.eid, data["text"], data.get("author"), data.get("about"), mine, note.version))
    return out


_LINE = 200


def triage(
    store: Storage,
    fac: Facilitator,
    note_id: str,
    kind: str,
    parent: str | None = None,
    fields: dict[str, Any] | None = None,
) -> tuple[Element, Element]:
    """Turn a note into an element of the map in one change: the note's text becomes the
    element's text (or name, cut to a line), the element is credited to the note's author (the
    facilitator for an anonymous note), and the note is kept, with ``about`` pointing at the new
    element, so the map shows where each sticky note went. A stage, role, motive or objection
    goes into ``parent`` (a segment; default: the only segment), a step into ``parent`` (a
    stage). Returns (the new element, the note)."""
    _authorise(store, fac)
    if kind not in TRIAGE_TEXT:
        raise BadInput(f"a note can become a {', '.join(TRIAGE_TEXT)}")
    snap = snapshot(store, fac.workshop_id)
    note = snap.element(note_id)
    if note is None or note.kind != "note":
        raise NotFound(f"no note '{note_id}'")
    text_field = TRIAGE_TEXT[kind]
    text = note.data["text"]
    if text_field == "name":
        text = " ".join(text.split())
        if len(text) > _LINE:
            text = text[: _LINE - 1] + "…"
    data = {text_field: text, **(fields or {})}
    if parent is None and TRIAGE_PARENT[kind] == "segment":
        segments = snap.doc["segments"]
        if len(segments) != 1:
            raise BadInput("choose the segment the new element belongs to")
        parent = segments[0]["id"]
    return store.triage_note(fac.workshop_id, note_id, kind, data, parent, actor=fac.participant_id)


# -- what a viewer may see of the map ------------------------------------------------------------
@dataclass(frozen=True)
class Hidden:
    """What a viewer may not see yet: others' votes in these rounds, and these notes."""

    rounds: frozenset[int]
    notes: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.rounds or self.notes)


def hidden(store: Storage, workshop_id: str, viewer: str | None, *, key: str | None = None) -> Hidden:
    """What rounds still hide from ``viewer`` (nothing for the facilitator's key). Reads the
    state from memory and the database only while a hidden brainstorm is unrevealed."""
    s = store.facilitation(workshop_id)
    concealed = [r for r in s.rounds if r.concealed]
    if not concealed or is_facilitator(store, workshop_id, key):
        return Hidden(frozenset(), frozenset())
    rounds = frozenset(r.no for r in concealed if r.kind == "vote")
    notes: frozenset[str] = frozenset()
    brainstorms = {r.no for r in concealed if r.kind == "brainstorm"}
    if brainstorms:
        notes = frozenset(
            note.eid for no, note, poster in store.round_notes(workshop_id) if no in brainstorms and poster != viewer
        )
    return Hidden(rounds, notes)


def visible_doc(
    store: Storage, workshop_id: str, doc: dict[str, Any], viewer: str | None, *, key: str | None = None
) -> dict[str, Any]:
    """``doc`` (the workshop's map) without what ``viewer`` may not see yet."""
    h = hidden(store, workshop_id, viewer, key=key)
    return T.redact(doc, h.rounds, h.notes, viewer) if h else doc
