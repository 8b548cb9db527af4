"""The facilitator's timed rounds: a timer, a dot vote, a silent rating or a brainstorm is
started, paused, resumed, extended, ended and revealed.

One round runs at a time (a round still open is ended when the next starts). What a round is
and how its clock runs is :mod:`workshop.model.rounds`; this module checks the facilitator's
key, stamps each change with the server's time and hands it to the store. What participants
put into a round is :mod:`.votes` (dots and ratings) and :mod:`.brainstorm` (notes).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import BadInput, NotFound
from ..model import rounds as R
from ..model.rounds import Round
from ..ports import Storage
from .facilitator import Facilitator, authorise, server_time
from .live import snapshot


def _start(store: Storage, fac: Facilitator, kind: str, now: float | None, segment: str | None = None, **settings) -> Round:
    authorise(store, fac)
    if segment is not None:
        el = snapshot(store, fac.workshop_id).element(segment)
        if el is None or el.kind != "segment":
            raise NotFound(f"no segment '{segment}'")
    at = server_time(now, store)
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
    authorise(store, fac)
    if round_no is None:
        current = store.facilitation(fac.workshop_id).current_round
        if current is None:
            raise BadInput("no round has been started yet")
        round_no = current.no
    return store.change_round(fac.workshop_id, round_no, change, op=op, actor=fac.participant_id)


def pause(store: Storage, fac: Facilitator, round_no: int | None = None, *, now: float | None = None) -> Round:
    at = server_time(now, store)
    return _round_change(store, fac, round_no, lambda r: R.paused(r, at), "round_pause")


def resume(store: Storage, fac: Facilitator, round_no: int | None = None, *, now: float | None = None) -> Round:
    at = server_time(now, store)
    return _round_change(store, fac, round_no, lambda r: R.resumed(r, at), "round_resume")


def extend(store: Storage, fac: Facilitator, minutes: float, round_no: int | None = None, *, now: float | None = None) -> Round:
    at = server_time(now, store)
    return _round_change(store, fac, round_no, lambda r: R.extended(r, minutes, at), "round_extend")


def end_round(store: Storage, fac: Facilitator, round_no: int | None = None, *, now: float | None = None) -> Round:
    """End a round early (or when its time is up: time alone does not close a round)."""
    at = server_time(now, store)
    return _round_change(store, fac, round_no, lambda r: R.finished(r, at), "round_end")


def reveal(store: Storage, fac: Facilitator, round_no: int | None = None) -> Round:
    """Show everyone the round's votes, ratings or notes."""
    return _round_change(store, fac, round_no, R.revealed, "reveal")
