"""Rounds of a live workshop: a timed round with a prompt, a dot vote, a silent rating or a
brainstorm, and the countdown every screen shows.

Why the timer is stored as times and not as "seconds left": every participant's screen must
show the same countdown, and a countdown ticking in a browser drifts, sleeps with a phone and
restarts on a reload. So a round stores when it started (the server's clock), its duration,
when it was paused and how long it has been paused in total; anyone computes the time left
from the server's *now* (:func:`countdown`). Pausing, resuming, extending and ending are pure
transitions of that record (each returns a new :class:`Round`), so they are tested with an
injected clock and the store only persists the result.

The checks of a single vote or rating against the round's rules (:func:`check_dots`,
:func:`check_rating`) live here too; the store runs them inside the writer's job, where the
participant's current total is read, so a budget holds even when casts arrive together.
What a round may be cast on is one rule, :func:`check_target`: the writer refuses by it, and
the screens offer :func:`offered` (:func:`targets`), built on it, so what is offered is
what is accepted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any, Mapping, Protocol

from ..errors import BadInput, Conflict
from .element_schema import map_schema
from .elements import Element
from .kinds import ADDRESSABLE, KINDS
from .placement import Placed, element_segment

#: kinds of round: a plain timed round, a dot vote, a silent rating, a brainstorm of notes
ROUND_KINDS: tuple[str, ...] = ("timer", "vote", "rating", "brainstorm")
#: what a dot vote can be about (any element with an id, except people)
VOTE_TARGETS: tuple[str, ...] = tuple(k for k in ADDRESSABLE if k not in ("participant", "plan_item"))
#: kinds whose elements can be rated silently
RATABLE: tuple[str, ...] = ("role", "motive", "objection")

MAX_MINUTES = 240
MAX_BUDGET = 100
MAX_PROMPT = 200
#: the map file allows 1 to 20 dots in one vote
MAX_DOTS = 20


@lru_cache(maxsize=1)
def rating_scales() -> dict[str, dict[str, tuple[int, int]]]:
    """kind -> field -> (lowest, highest): every integer field with a range in the map schema
    (a role's influence 1..5 and stance -2..2, a motive's importance, an objection's severity),
    read from the schema so the two cannot disagree."""
    root = map_schema()
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for kind in RATABLE:
        spec = KINDS[kind]
        node = root["$defs"].get(kind) or root["$defs"][spec.parent]["properties"][spec.list_key]["items"]
        out[kind] = {
            name: (int(prop["minimum"]), int(prop["maximum"]))
            for name, prop in node["properties"].items()
            if prop.get("type") == "integer" and "minimum" in prop and "maximum" in prop
        }
    return out


@dataclass(frozen=True)
class Round:
    """One round. Times are the server's clock in seconds since the epoch.

    ``duration`` is ``None`` for a round without a countdown. ``paused_at`` is set while the
    round is paused; ``paused_total`` sums the pauses that are over. ``by`` is the facilitator's
    participant id (who started it).

    A vote has a ``target`` kind (and optionally a ``segment``), a dot ``budget`` per
    participant and a ``max_per_element``; a rating has a ``target`` kind and the ``fields`` to
    rate; a brainstorm may be ``anonymous`` (notes carry no author) and ``hidden`` (others'
    notes are shown only after the reveal). Votes and ratings are always hidden until the
    facilitator reveals them.
    """

    no: int
    kind: str
    started_at: float
    prompt: str | None = None
    duration: float | None = None
    paused_at: float | None = None
    paused_total: float = 0.0
    ended_at: float | None = None
    revealed: bool = False
    by: str | None = None
    target: str | None = None
    segment: str | None = None
    budget: int | None = None
    max_per_element: int | None = None
    fields: tuple[str, ...] = field(default=())
    anonymous: bool = False
    hidden: bool = False

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def hides(self) -> bool:
        """Whether this round keeps contributions from others until the reveal."""
        return self.kind in ("vote", "rating") or (self.kind == "brainstorm" and self.hidden)

    @property
    def concealed(self) -> bool:
        """Hidden right now: a hiding round not revealed yet."""
        return self.hides and not self.revealed

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["fields"] = list(self.fields)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Round":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["fields"] = tuple(known.get("fields") or ())
        return cls(**known)


# -- making a round ------------------------------------------------------------------------------
def new_round(
    no: int,
    kind: str,
    *,
    now: float,
    prompt: str | None = None,
    minutes: float | None = None,
    by: str | None = None,
    target: str | None = None,
    segment: str | None = None,
    budget: int | None = None,
    max_per_element: int | None = None,
    fields: tuple[str, ...] | list[str] = (),
    anonymous: bool = False,
    hidden: bool = False,
) -> Round:
    """A new round, its settings checked (a bad setting raises :class:`BadInput`)."""
    if kind not in ROUND_KINDS:
        raise BadInput(f"unknown kind of round '{kind}'")
    prompt = " ".join((prompt or "").split()) or None
    if prompt is not None and len(prompt) > MAX_PROMPT:
        raise BadInput(f"the prompt is longer than {MAX_PROMPT} characters")
    if kind == "timer" and minutes is None:
        raise BadInput("a timed round needs its minutes")
    duration = _seconds(minutes) if minutes is not None else None
    r = Round(no=no, kind=kind, started_at=float(now), prompt=prompt, duration=duration, by=by)
    if kind == "vote":
        if target not in VOTE_TARGETS:
            raise BadInput(f"a vote is on one kind of element: {', '.join(VOTE_TARGETS)}")
        budget = _whole(budget if budget is not None else 5, "the dot budget", 1, MAX_BUDGET)
        limit = max_per_element if max_per_element is not None else min(budget, MAX_DOTS)
        limit = _whole(limit, "the most dots on one element", 1, min(budget, MAX_DOTS))
        r = replace(r, target=target, segment=segment, budget=budget, max_per_element=limit)
    elif kind == "rating":
        scales = rating_scales()
        if target not in scales:
            raise BadInput(f"ratings are on {', '.join(RATABLE)}")
        fields = tuple(dict.fromkeys(fields or scales[target]))
        bad = [f for f in fields if f not in scales[target]]
        if bad:
            raise BadInput(f"a {target} is rated on {', '.join(scales[target])}, not '{bad[0]}'")
        r = replace(r, target=target, segment=segment, fields=fields)
    elif kind == "brainstorm":
        r = replace(r, anonymous=bool(anonymous), hidden=bool(hidden))
    return r


def _seconds(minutes: float) -> float:
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not math.isfinite(minutes):
        raise BadInput("the minutes must be a number")
    if not 0 < minutes <= MAX_MINUTES:
        raise BadInput(f"a round lasts more than 0 and at most {MAX_MINUTES} minutes")
    return float(minutes) * 60.0


def _whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"{what} must be a whole number")
    if not low <= value <= high:
        raise BadInput(f"{what} must be between {low} and {high}")
    return value


# -- the countdown ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Countdown:
    """What a screen shows of a round's timer at one moment of the server's clock.

    ``remaining`` is ``None`` for a round without a timer. ``ends_at`` (server clock) is set
    while the timer runs, so a browser can tick between polls without drifting for long.
    ``time_up`` is true once a timer reached zero (the round stays open until the facilitator
    ends it: time is a prompt, not a guillotine).
    """

    no: int
    duration: float | None
    elapsed: float
    remaining: float | None
    running: bool
    paused: bool
    ended: bool
    time_up: bool
    ends_at: float | None


def elapsed(r: Round, now: float) -> float:
    """Seconds the round has been running (pauses not counted), as of ``now``."""
    end = r.ended_at if r.ended_at is not None else now
    paused = r.paused_total + (max(0.0, end - r.paused_at) if r.paused_at is not None else 0.0)
    return max(0.0, end - r.started_at - paused)


def remaining(r: Round, now: float) -> float | None:
    if r.duration is None:
        return None
    return max(0.0, r.duration - elapsed(r, now))


def countdown(r: Round, now: float) -> Countdown:
    left = remaining(r, now)
    running = r.is_open and not r.is_paused
    return Countdown(
        no=r.no,
        duration=r.duration,
        elapsed=elapsed(r, now),
        remaining=left,
        running=running,
        paused=r.is_open and r.is_paused,
        ended=not r.is_open,
        time_up=left is not None and left <= 0.0,
        ends_at=now + left if running and left is not None and left > 0 else None,
    )


def clock_text(seconds: float | None) -> str:
    """``m:ss`` of a countdown, rounded up (it shows 0:00 only when time is up)."""
    if seconds is None:
        return ""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


# -- timer transitions --------------------------------------------------------------------------
def _open(r: Round) -> None:
    if not r.is_open:
        raise Conflict(f"round {r.no} has ended")


def paused(r: Round, now: float) -> Round:
    _open(r)
    return r if r.is_paused else replace(r, paused_at=float(now))


def resumed(r: Round, now: float) -> Round:
    _open(r)
    if not r.is_paused:
        return r
    return replace(r, paused_total=r.paused_total + max(0.0, now - r.paused_at), paused_at=None)


def extended(r: Round, minutes: float, now: float) -> Round:
    """More time: counted from now when the time was already up (3 minutes after zero, "two
    more minutes" means two minutes left), else added to what is left. A round without a timer
    gets one."""
    _open(r)
    base = max(r.duration or 0.0, elapsed(r, now))
    return replace(r, duration=base + _seconds(minutes))


def finished(r: Round, now: float) -> Round:
    """End the round now (ending an ended round changes nothing)."""
    if not r.is_open:
        return r
    r = resumed(r, now)
    return replace(r, ended_at=float(now))


def revealed(r: Round) -> Round:
    if not r.hides:
        raise BadInput(f"round {r.no} hides nothing")
    return replace(r, revealed=True)


# -- contributions ------------------------------------------------------------------------------
def check_target(r: Round, kind: str, segment: str | None) -> None:
    """The element (its kind, its segment) is one the round is about."""
    if kind != r.target:
        raise BadInput(f"round {r.no} is about {r.target}s, not {kind}s")
    if r.segment is not None and segment != r.segment:
        raise BadInput(f"round {r.no} is about the {r.target}s of segment '{r.segment}'")


def accepts(r: Round, kind: str, segment: str | None) -> bool:
    """Whether :func:`check_target` lets an element of ``kind`` in ``segment`` be cast on."""
    try:
        check_target(r, kind, segment)
    except BadInput:
        return False
    return True


def targets(r: Round, elements: Iterable[Element], lookup: Callable[[str], Placed | None]) -> list[Element]:
    """The elements a vote or rating can be cast on, in the order given: what the screens offer
    (the console's "cast for", the participants' dots and sliders). ``lookup`` finds an element
    by id (a step's stage, for its segment: see :func:`~.placement.segment_of`)."""
    return [el for el in elements if accepts(r, el.kind, element_segment(el, lookup))]


class MapView(Protocol):
    """What :func:`offered` needs of a map (a services ``Snapshot`` is one)."""

    def of_kind(self, kind: str) -> list[Element]: ...

    def element(self, eid: str) -> Element | None: ...


def offered(r: Round, snap: MapView) -> list[Element]:
    """The elements of a map that the round can be cast on, in map order: the one list the
    console and the participants' round panel offer (:func:`targets` of the round's kind)."""
    return targets(r, snap.of_kind(r.target), snap.element) if r.target else []


def check_dots(r: Round, mine: Mapping[str, int], about: str, dots: int) -> None:
    """``dots`` on ``about`` keeps the participant within the round's rules, given the dots the
    participant has now (``mine``: element id -> dots in this round)."""
    if r.kind != "vote":
        raise BadInput(f"round {r.no} is not a dot vote")
    _open(r)
    if isinstance(dots, bool) or not isinstance(dots, int) or dots < 0:
        raise BadInput("dots must be a whole number, 0 or more")
    if dots > (r.max_per_element or 0):
        raise Conflict(f"at most {r.max_per_element} dots on one element")
    used = sum(n for eid, n in mine.items() if eid != about)
    if used + dots > (r.budget or 0):
        left = max(0, (r.budget or 0) - used)
        raise Conflict(f"that is more dots than you have: {left} left of {r.budget}")


def check_rating(r: Round, field_name: str, value: int | None) -> None:
    """A rating (``None`` takes it back) fits the round and the field's scale."""
    if r.kind != "rating":
        raise BadInput(f"round {r.no} is not a rating")
    _open(r)
    if field_name not in r.fields:
        raise BadInput(f"round {r.no} rates {', '.join(r.fields)}, not '{field_name}'")
    if value is None:
        return
    low, high = rating_scales()[r.target][field_name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInput(f"{field_name} is rated from {low} to {high}")


def check_note(r: Round) -> None:
    if r.kind != "brainstorm":
        raise BadInput(f"round {r.no} is not a brainstorm")
    _open(r)
