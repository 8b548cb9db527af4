"""Checks a job runs before it writes, and the list positions it needs.

* :func:`check_references`: every id an element names exists, is of the right kind and, where
  the map format asks it, lies in the element's own segment (rule 2 of ``map-format.md``).
* :func:`refuse_if_referenced`: nothing is removed (or moved to another segment) while other
  elements still name it.
* :func:`position`: order is meaning (stages, steps), so an element has a position among its
  siblings of the same kind; a move takes the midpoint of its new neighbours, and a list whose
  positions wore out by many moves is renumbered.
"""

from __future__ import annotations

import secrets

from ..errors import BadInput, Conflict, MapFormatError, Problem
from ..model import limits
from ..model.elements import Element
from ..model.kinds import KINDS
from ..model.limits import room_for
from ..model.placement import segment_of
from ..model.references import REFERRING_KINDS, SEGMENT, references
from ..ports import Transaction
from .index import Entry, MapIndex

ID_PREFIX = {
    "participant": "p",
    "usp": "usp",
    "segment": "seg",
    "stage": "s",
    "step": "st",
    "role": "r",
    "motive": "m",
    "objection": "o",
    "note": "n",
    "deal": "d",
    "action": "a",
    "plan_item": "plan",
}


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise MapFormatError(problems)


def fresh_id(idx: MapIndex, kind: str) -> str:
    while True:
        eid = f"{ID_PREFIX[kind]}-{secrets.token_hex(3)}"
        if eid not in idx:
            return eid


def check_parent(idx: MapIndex, kind: str, parent: str | None) -> None:
    want = KINDS[kind].parent
    if want is None:
        if parent is not None:
            raise BadInput(f"a {kind} belongs to the workshop itself, not inside '{parent}'")
        return
    found = idx.get(parent)
    if found is None or found.kind != want:
        raise BadInput(f"a {kind} must be placed in a {want}; '{parent}' is not one")


def check_room(idx: MapIndex, kind: str, parent: str | None) -> None:
    """Refuse a new element of ``kind`` under ``parent`` when its list is full
    (:mod:`workshop.model.limits`: a map a room can make must stay a map the app can import,
    draw and export). Call after :func:`check_parent`."""
    def count(scope: str) -> int:
        if kind == "step":  # counted over every stage of the step's segment
            stage = idx.get(parent)
            return sum(idx.count("step", s.eid) for s in idx.siblings("stage", stage.parent if stage else None))
        return idx.count(kind, parent)

    full = room_for(kind, count)
    if full is not None:
        raise limits.no_room(full)


def check_references(
    idx: MapIndex,
    el: Element,
    pending: dict[str, Element] | None = None,
    removed: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Every id the element names exists, is of the right kind, and lies in its segment.

    ``pending``: elements about to be restored (an undo), seen as if present; ``removed``:
    elements about to go, seen as absent."""
    refs = list(references(el.kind, el.data))
    if not refs:
        return
    pending = pending or {}

    def lookup(eid: str) -> Entry | None:
        if eid in pending:
            return Entry.of(pending[eid], 0, None)
        if eid in removed:
            return None
        return idx.get(eid)

    own = segment_of(el.kind, el.eid, el.parent, el.data.get("segment") if el.kind == "deal" else None, lookup)
    problems = []
    for ref in refs:
        target = lookup(ref.target)
        what = " or ".join(ref.kinds) if len(ref.kinds) <= 2 else "element"
        in_segment = f" in segment '{own}'" if ref.scope == SEGMENT and own else ""
        if target is None or target.kind not in ref.kinds:
            problems.append(Problem(ref.place, f"no {what} '{ref.target}'{in_segment}"))
        elif ref.scope == SEGMENT and segment_of(target.kind, target.eid, target.parent, target.segment, lookup) != own:
            problems.append(Problem(ref.place, f"no {what} '{ref.target}'{in_segment}"))
    raise_problems(problems)


def refuse_if_referenced(tx: Transaction, workshop_id: str, eids: set[str], scoped_only: bool = False) -> None:
    """Refuse to remove (or, with ``scoped_only``, move to another segment) what others name."""
    if not eids:
        return
    users = []
    for el in tx.of_kinds(workshop_id, REFERRING_KINDS):
        if el.eid in eids:
            continue
        for ref in references(el.kind, el.data):
            if ref.target in eids and (not scoped_only or ref.scope == SEGMENT):
                users.append(f"{el.kind} '{label(el)}' ({ref.place})")
                break
    if users:
        more = f" and {len(users) - 3} more" if len(users) > 3 else ""
        raise Conflict(f"still referred to by {', '.join(users[:3])}{more}: change those first")


def label(el: Element) -> str:
    for key in ("name", "text", "id"):
        if key in el.data:
            text = str(el.data[key])
            return text if len(text) <= 40 else text[:39] + "…"
    return el.eid


def position(
    tx: Transaction, idx: MapIndex, workshop_id: str, kind: str, parent: str | None, index: int | None, exclude: str | None
) -> float:
    """A position among the siblings of the same kind that puts the element at ``index``."""
    if index is None:
        last = idx.last_pos(kind, parent)
        return 0.0 if last is None else last + 1.0
    siblings = [e for e in idx.siblings(kind, parent) if e.eid != exclude]
    if index >= len(siblings):
        return (siblings[-1].pos + 1.0) if siblings else 0.0
    index = max(0, index)
    after = siblings[index].pos
    before = siblings[index - 1].pos if index > 0 else after - 2.0
    mid = (before + after) / 2.0
    if not (before < mid < after):  # positions worn out by many moves: renumber the list
        for i, sib in enumerate(siblings):
            tx.reposition(workshop_id, sib.eid, float(2 * i))
        return float(2 * index - 1)
    return mid
