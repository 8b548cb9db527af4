"""Dot votes and silent ratings: what a participant puts in, and the results.

A participant's dots and ratings take their :class:`Identity` and are refused with
:class:`workshop.errors.Locked` while the workshop is locked or ended (the facilitator may still
cast for someone without a device). Results hide others' votes and ratings until the
facilitator reveals the round, except to the facilitator's key; a participant always sees
their own. The counting itself is :mod:`workshop.model.tallies` (pure).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput, Forbidden, NotFound
from ..model import rounds as R
from ..model import tallies as T
from ..model.elements import Element
from ..model.rounds import Round
from ..ports import Storage
from .editing import ensure_writable
from .facilitator import Facilitator, authorise, is_facilitator
from .live import Identity, snapshot


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
    authorise(store, fac)
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
    authorise(store, fac)
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
