"""Results of a round: dot-vote tallies, the spread of silent ratings, and what stays hidden.

Pure functions over plain values (votes as the map file's ``votes`` items, ratings as tuples),
so the facilitation page, the projector view and the exports read the same numbers. The
"perspective gap" of a silent rating is the point of the exercise: sales, product and marketing
rate the same role or motive on their own, and the spread per function shows where the group
sees the customer differently before anyone argues.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from .defaults import get
from .element_schema import map_schema

#: a participant's function, in the schema's order (an absent function counts as ``other``)
FUNCTIONS: tuple[str, ...] = tuple(
    map_schema()["properties"]["participants"]["items"]["properties"]["function"]["enum"]
)
OTHER = "other"


def functions_of(participants: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """participant id -> function (``other`` when the participant gave none)."""
    return {p["id"]: p.get("function") or OTHER for p in participants}


def _ordered(counts: Mapping[str, Any]) -> dict[str, Any]:
    """A per-function mapping in the schema's order of functions (unknown ones last)."""
    known = [f for f in FUNCTIONS if f in counts]
    return {f: counts[f] for f in [*known, *sorted(k for k in counts if k not in FUNCTIONS)]}


# -- dot votes -----------------------------------------------------------------------------------
def round_of(vote: Mapping[str, Any]) -> int:
    return int(get("vote", vote, "round"))


def dots_of(votes: Iterable[Mapping[str, Any]], participant: str) -> dict[str, int]:
    """element id -> dots ``participant`` put on it (several vote items on one element add up)."""
    out: dict[str, int] = {}
    for v in votes:
        if v["participant"] == participant:
            out[v["about"]] = out.get(v["about"], 0) + int(v["dots"])
    return out


@dataclass(frozen=True)
class VoteLine:
    """One element's result: dots in all, how many people gave it dots, dots per function."""

    about: str
    total: int
    voters: int
    by_function: dict[str, int]


def tally(
    votes: Iterable[Mapping[str, Any]], functions: Mapping[str, str], order: Sequence[str] = ()
) -> list[VoteLine]:
    """Elements ranked by dots (most first); ties in ``order`` (the map's order), then by id."""
    totals: dict[str, int] = {}
    voters: dict[str, set[str]] = {}
    per_function: dict[str, dict[str, int]] = {}
    for v in votes:
        about, dots, who = v["about"], int(v["dots"]), v["participant"]
        totals[about] = totals.get(about, 0) + dots
        voters.setdefault(about, set()).add(who)
        fn = functions.get(who, OTHER)
        row = per_function.setdefault(about, {})
        row[fn] = row.get(fn, 0) + dots
    place = {eid: i for i, eid in enumerate(order)}
    ranked = sorted(totals, key=lambda eid: (-totals[eid], place.get(eid, len(place)), eid))
    return [VoteLine(eid, totals[eid], len(voters[eid]), _ordered(per_function[eid])) for eid in ranked]


def function_totals(votes: Iterable[Mapping[str, Any]], functions: Mapping[str, str]) -> dict[str, int]:
    """Dots cast per function (how much each function took part)."""
    out: dict[str, int] = {}
    for v in votes:
        fn = functions.get(v["participant"], OTHER)
        out[fn] = out.get(fn, 0) + int(v["dots"])
    return _ordered(out)


def not_voted(participants: Sequence[str], votes: Iterable[Mapping[str, Any]]) -> list[str]:
    """The participants (in the given order) with no dot in the votes."""
    voted = {v["participant"] for v in votes if int(v["dots"]) > 0}
    return [p for p in participants if p not in voted]


# -- silent ratings ------------------------------------------------------------------------------
#: one rating: (participant, element id, field, value or ``None`` for "taken back")
Rating = tuple[str, str, str, "int | None"]


def latest(ratings: Iterable[Rating]) -> dict[tuple[str, str, str], int]:
    """The last rating of each participant, element and field (in the order given); a rating
    taken back (``None``) removes the earlier one."""
    out: dict[tuple[str, str, str], int] = {}
    for participant, about, field_name, value in ratings:
        key = (participant, about, field_name)
        if value is None:
            out.pop(key, None)
        else:
            out[key] = int(value)
    return out


@dataclass(frozen=True)
class Stat:
    n: int
    mean: float
    low: int
    high: int


def stat(values: Sequence[int]) -> Stat:
    return Stat(len(values), sum(values) / len(values), min(values), max(values))


@dataclass(frozen=True)
class Spread:
    """How the group rated one field of one element: overall and per function.

    ``gap`` is the distance between the highest and the lowest mean of the functions (0 when
    fewer than two functions rated): the perspective gap to talk about.
    """

    about: str
    field: str
    overall: Stat
    by_function: dict[str, Stat]

    @property
    def gap(self) -> float:
        means = [s.mean for s in self.by_function.values()]
        return max(means) - min(means) if len(means) >= 2 else 0.0


def spreads(
    ratings: Mapping[tuple[str, str, str], int], functions: Mapping[str, str], order: Sequence[str] = ()
) -> list[Spread]:
    """One :class:`Spread` per rated element and field, in ``order`` (the map's) then by id."""
    values: dict[tuple[str, str], list[int]] = {}
    per_function: dict[tuple[str, str], dict[str, list[int]]] = {}
    for (participant, about, field_name), value in ratings.items():
        key = (about, field_name)
        values.setdefault(key, []).append(value)
        fn = functions.get(participant, OTHER)
        per_function.setdefault(key, {}).setdefault(fn, []).append(value)
    place = {eid: i for i, eid in enumerate(order)}
    keys = sorted(values, key=lambda k: (place.get(k[0], len(place)), k[0], k[1]))
    return [
        Spread(about, field_name, stat(values[(about, field_name)]),
               _ordered({fn: stat(v) for fn, v in per_function[(about, field_name)].items()}))
        for about, field_name in keys
    ]


def not_rated(participants: Sequence[str], ratings: Mapping[tuple[str, str, str], int]) -> list[str]:
    rated = {p for p, _, _ in ratings}
    return [p for p in participants if p not in rated]


# -- what others may not see yet -----------------------------------------------------------------
def redact(
    doc: Mapping[str, Any], concealed_rounds: Iterable[int], hidden_notes: Iterable[str], viewer: str | None
) -> dict[str, Any]:
    """The map document without what ``viewer`` may not see yet: others' votes in rounds whose
    votes are still hidden, and the notes in ``hidden_notes`` (others' notes of a hidden
    brainstorm). The document is not changed; a copy is returned only when something goes."""
    concealed = set(concealed_rounds)
    hidden = set(hidden_notes)
    votes = doc.get("votes") or []
    notes = doc.get("notes") or []
    drop_votes = [v for v in votes if round_of(v) in concealed and v["participant"] != viewer]
    drop_notes = [n for n in notes if n["id"] in hidden]
    if not drop_votes and not drop_notes:
        return dict(doc)
    out = copy.copy(dict(doc))
    if "votes" in doc:
        out["votes"] = [v for v in votes if not (round_of(v) in concealed and v["participant"] != viewer)]
    if "notes" in doc:
        out["notes"] = [n for n in notes if n["id"] not in hidden]
    return out
