"""How many elements of each kind a map may hold: counted before the schema is checked.

Why: a 3.6 MB map of 100,000 steps was under the 10 MB limit, so it was accepted; the schema
check alone took most of a minute and its process page never drew (issue 18, item 5). A
workshop map is drawn, analysed and exported whole, so its size must be bounded by what a room
of people can make and read, not only by bytes. Counting the lists of a parsed document is
cheap (milliseconds for a 10 MB file), so a file over a limit is refused at once with the
place named (``segments[0].steps: holds 100,000 customer steps; the limit is 2,000``), before
the schema's much slower walk, and nothing is written. The same limits hold for live changes:
adding an element to a list that is full is refused (:func:`room_for`), and so is an edit that
makes one of an element's own lists (exit criteria, roles named, ...) too long
(:func:`element_problems`).

The limits are generous for a real workshop (the bundled examples use a few percent of them)
and documented in ``docs/limits.md`` and the README. Pure: no I/O, no libraries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from ..errors import BadInput, Problem


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` elements of ``kind`` in one ``scope`` (``map`` or ``segment``)."""

    kind: str
    scope: str
    limit: int

    @property
    def what(self) -> str:
        """The i18n key that names the elements counted (``limit.what.step``)."""
        return f"limit.what.{self.kind}"


#: the map's own lists (the document's top level)
SEGMENTS = Limit("segment", "map", 10)
PARTICIPANTS = Limit("participant", "map", 300)
USPS = Limit("usp", "map", 200)
NOTES = Limit("note", "map", 5_000)
VOTES = Limit("vote", "map", 20_000)
DEALS = Limit("deal", "map", 1_000)
ACTIONS = Limit("action", "map", 1_000)
#: each segment's lists (steps counted over all the segment's stages)
STAGES = Limit("stage", "segment", 30)
STEPS = Limit("step", "segment", 2_000)
FLOWS = Limit("flow", "segment", 4_000)
ROLES = Limit("role", "segment", 200)
RELATIONS = Limit("relation", "segment", 1_000)
MOTIVES = Limit("motive", "segment", 200)
OBJECTIONS = Limit("objection", "segment", 300)
#: a deal's plan (docs/spec/deal-plan.md): its lines, and each line's comments
PLAN_LINES = Limit("plan_item", "deal", 500)
COMMENTS = Limit("comment", "list", 50)
#: an element's own lists: texts (exit criteria, questions, responses, ...) and ids it names
TEXTS = Limit("text", "list", 50)
IDS = Limit("id", "list", 200)
#: a role's involvement names stages: never more than a segment may have
INVOLVEMENT = Limit("involvement", "list", STAGES.limit)

#: every limit on a kind of element, by kind (what a live add is checked against)
BY_KIND: dict[str, Limit] = {
    lim.kind: lim
    for lim in (SEGMENTS, PARTICIPANTS, USPS, NOTES, VOTES, DEALS, ACTIONS, STAGES, STEPS, FLOWS, ROLES, RELATIONS, MOTIVES, OBJECTIONS,
                PLAN_LINES)
}
#: the document's top-level lists and the segment's lists, by key
_TOP = {"segments": SEGMENTS, "participants": PARTICIPANTS, "usps": USPS, "notes": NOTES, "votes": VOTES, "deals": DEALS, "actions": ACTIONS}
_SEGMENT = {"stages": STAGES, "flows": FLOWS, "roles": ROLES, "relations": RELATIONS, "motives": MOTIVES, "objections": OBJECTIONS}
#: an element's own lists, by kind and key
OWN_LISTS: dict[str, dict[str, Limit]] = {
    "stage": {k: TEXTS for k in ("exit_criteria", "must_be_true", "seller_activities", "buyer_enablement", "questions")},
    "objection": {"responses": TEXTS, "roles": IDS},
    "motive": {"roles": IDS},
    "usp": {"motives": IDS},
    "deal": {"roles_engaged": IDS, "plan": PLAN_LINES},
    "plan_item": {"comments": COMMENTS},
    "role": {"involvement": INVOLVEMENT},
}
#: the kind each top-level or segment list holds
_KIND_OF = {**{k: v.kind for k, v in _TOP.items()}, **{k: v.kind for k, v in _SEGMENT.items()}}


def problem(where: str, count: int, lim: Limit) -> Problem:
    """One list over its limit, in words (English, and an i18n key for the screens)."""
    noun = _ENGLISH[lim.kind]
    return Problem(
        where, f"holds {count:,} {noun}; the limit is {lim.limit:,}", "problem.limit",
        {"count": count, "limit": lim.limit, "what": lim.what},
    )


def document_problems(doc: dict[str, Any]) -> list[Problem]:
    """Every list of ``doc`` longer than its limit, in the order of the file.

    Robust to any shape (the schema has not been checked yet): what is not a list or an object
    where one is expected is left to the schema's check.
    """
    return list(_document(doc))


def _document(doc: dict[str, Any]) -> Iterator[Problem]:
    for key, lim in _TOP.items():
        items = doc.get(key)
        if not isinstance(items, list):
            continue
        if len(items) > lim.limit:
            yield problem(key, len(items), lim)
        if key == "segments":
            for i, seg in enumerate(items[: SEGMENTS.limit]):
                if isinstance(seg, dict):
                    yield from _segment(f"segments[{i}]", seg)
        else:
            yield from _own_lists(key, _KIND_OF[key], items)
        if key == "deals":  # each deal's plan lines and their comments
            for i, deal in enumerate(items[: DEALS.limit]):
                plan = deal.get("plan") if isinstance(deal, dict) else None
                if isinstance(plan, list):
                    yield from _own_lists(f"deals[{i}].plan", "plan_item", plan[: PLAN_LINES.limit])


def _segment(where: str, seg: dict[str, Any]) -> Iterator[Problem]:
    stages = seg.get("stages")
    if isinstance(stages, list):
        steps = sum(len(s["steps"]) for s in stages if isinstance(s, dict) and isinstance(s.get("steps"), list))
        if len(stages) > STAGES.limit:
            yield problem(f"{where}.stages", len(stages), STAGES)
        if steps > STEPS.limit:
            yield problem(f"{where}.steps", steps, STEPS)
    for key, lim in _SEGMENT.items():
        items = seg.get(key)
        if not isinstance(items, list):
            continue
        if key != "stages" and len(items) > lim.limit:
            yield problem(f"{where}.{key}", len(items), lim)
        yield from _own_lists(f"{where}.{key}", lim.kind, items)


def _own_lists(where: str, kind: str, items: list[Any]) -> Iterator[Problem]:
    lists = OWN_LISTS.get(kind)
    if not lists:
        return
    for i, item in enumerate(items):
        if isinstance(item, dict):
            for p in element_problems(kind, item):
                yield Problem(f"{where}[{i}].{p.place}", p.message, p.key, p.params)


def element_problems(kind: str, data: dict[str, Any]) -> list[Problem]:
    """An element's own lists (a stage's exit criteria, a motive's roles, a role's
    involvement, ...) that are longer than their limit; places are the fields' names."""
    out = []
    for key, lim in OWN_LISTS.get(kind, {}).items():
        value = data.get(key)
        if isinstance(value, (list, dict)) and len(value) > lim.limit:
            out.append(problem(key, len(value), lim))
    return out


def room_for(kind: str, count: Callable[[str], int]) -> Limit | None:
    """The limit a live add of one ``kind`` would go over, or ``None`` when there is room.

    ``count(scope)`` says how many elements of ``kind`` the new one's map or segment holds now
    (the caller knows where it goes: a step counts the steps of all its segment's stages).
    """
    lim = BY_KIND.get(kind)
    if lim is None:
        return None
    return lim if count(lim.scope) >= lim.limit else None


#: the English names of what is counted (the command line's messages)
_ENGLISH = {
    "segment": "customer segments",
    "participant": "participants",
    "usp": "USPs",
    "note": "notes",
    "vote": "votes",
    "deal": "deals",
    "action": "actions",
    "stage": "buying stages",
    "step": "customer steps",
    "flow": "flows",
    "role": "roles",
    "relation": "relations",
    "motive": "buying motives",
    "objection": "objections",
    "text": "texts",
    "id": "ids",
    "involvement": "stages",
    "plan_item": "plan lines",
    "comment": "comments",
}


def no_room(lim: Limit) -> BadInput:
    """The refusal of one more element of a full list (English, and an i18n key for screens)."""
    return BadInput(
        f"there is no room for more {_ENGLISH[lim.kind]}: the limit is {lim.limit:,} per {lim.scope}",
        key="error.limit", what=lim.what, limit=lim.limit, scope=f"limit.scope.{lim.scope}",
    )


def english(kind: str) -> str:
    """What is counted, in English (the command line's and the log's words)."""
    return _ENGLISH[kind]


def table() -> list[tuple[str, str, int]]:
    """(what, per, limit) for the documentation: every limit in the order of the map file."""
    out = [(_ENGLISH[lim.kind], "map", lim.limit) for lim in _TOP.values()]
    out += [(_ENGLISH[lim.kind], "segment", lim.limit) for lim in (STAGES, STEPS, FLOWS, ROLES, RELATIONS, MOTIVES, OBJECTIONS)]
    out += [("texts in one list of an element (exit criteria, questions, responses, ...)", "list", TEXTS.limit)]
    out += [("ids in one list of an element (a motive's roles, a USP's motives, ...)", "list", IDS.limit)]
    out += [("stages in a role's involvement", "role", INVOLVEMENT.limit)]
    out += [(_ENGLISH["plan_item"], "deal", PLAN_LINES.limit), ("comments on one plan line", "plan line", COMMENTS.limit)]
    return out
