"""Live edits of single elements: add, change, delete, move, and undo one's last change.

Each function is a job (or a piece of one) against :class:`workshop.ports.Transaction`: it
checks first and writes after, so the map always reads back as a valid map file, a stale edit
is refused with the current value instead of overwriting it (:class:`~workshop.errors.StaleEdit`),
and every change is an event that can be traced and undone.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadInput, Conflict, NotFound, StaleEdit
from ..model.element_schema import check_element
from ..model.elements import Element, criterion_id, new_internal_id
from ..model.facilitation import refuse_if_read_only
from ..model.kinds import KINDS
from ..ports import Transaction
from .checks import check_parent, check_references, check_room, fresh_id, position, raise_problems, refuse_if_referenced
from .index import MapIndex

#: what a participant's undo takes back (facilitation, votes and imports are not in it)
UNDOABLE = ("add", "update", "delete", "move")


def snapshot(el: Element) -> dict[str, Any]:
    """An element as the event log keeps it (before/after of a change)."""
    return {"eid": el.eid, "kind": el.kind, "parent": el.parent, "pos": el.pos, "data": el.data, "lists": list(el.lists)}


def from_snapshot(snap: dict[str, Any]) -> Element:
    return Element(snap["eid"], snap["kind"], snap["parent"], snap["pos"], snap["data"], tuple(snap["lists"]))


def refuse_if_locked(tx: Transaction, workshop_id: str) -> None:
    """A participant's change while the workshop is locked or ended: refused (inside the job,
    so no edit slips in just after the lock)."""
    refuse_if_read_only(tx.facilitation(workshop_id))


def add(
    tx: Transaction,
    workshop_id: str,
    kind: str,
    data: dict[str, Any],
    parent: str | None,
    actor: str | None,
    index: int | None,
    op: str = "add",
    tag: dict[str, Any] | None = None,
) -> Element:
    """Add an element (at the end of its list, or at ``index``); returns it as stored.

    ``op`` names the event; only ``add`` is undone by its actor's undo (a note triaged into a
    step is credited to the note's author, who did not make that change and cannot undo it).
    ``tag``: what the event tells beside the element (a brainstorm note's round, which the map
    does not hold: the screens that list the round's notes learn it from the change).
    """
    if kind not in KINDS:
        raise BadInput(f"unknown kind of element '{kind}'")
    idx = tx.index(workshop_id)
    spec = KINDS[kind]
    if spec.has_id:
        data.setdefault("id", fresh_id(idx, kind))
    raise_problems(check_element(kind, data))
    if spec.has_id:
        eid = data["id"]
    elif kind == "criterion":
        eid = criterion_id(parent or "", data["criterion"])
    else:
        eid = new_internal_id(kind)
    if eid in idx:
        raise Conflict(f"the id '{eid}' is already used in this workshop")
    check_parent(idx, kind, parent)
    check_room(idx, kind, parent)
    check_references(idx, Element(eid, kind, parent, 0.0, data))
    pos = position(tx, idx, workshop_id, kind, parent, index, exclude=None)
    el = Element(eid, kind, parent, pos, data)
    seq = tx.record(workshop_id, actor, op, kind, eid, None, [{**snapshot(el), **(tag or {})}])
    tx.insert(workshop_id, el, seq, actor)
    el.version, el.by = seq, actor
    return el


def change(tx: Transaction, workshop_id: str, old: Element, changes: dict[str, Any], actor: str | None) -> Element:
    """Change some fields of ``old`` (as read in this transaction; ``None`` removes a field):
    checked against the schema and the map, then written with its ``update`` event."""
    for fixed in ("id", "criterion"):
        if fixed in changes and changes[fixed] != old.data.get(fixed):
            raise BadInput(f"the field '{fixed}' of an element cannot be changed")
    data = dict(old.data)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    if data == old.data:
        return old
    idx = tx.index(workshop_id)
    raise_problems(check_element(old.kind, data))
    new = Element(old.eid, old.kind, old.parent, old.pos, data, old.lists)
    check_references(idx, new)
    if old.kind == "deal" and data.get("segment") != old.data.get("segment"):
        refuse_if_referenced(tx, workshop_id, {old.eid}, scoped_only=True)
    seq = tx.record(workshop_id, actor, "update", old.kind, old.eid, [snapshot(old)], [snapshot(new)])
    tx.update(workshop_id, new, seq, actor)
    new.version, new.by = seq, actor
    return new


def update(tx: Transaction, workshop_id: str, eid: str, changes: dict[str, Any], based_on: int, actor: str | None) -> Element:
    """Change some fields, if the element is still at version ``based_on`` (else StaleEdit with
    the current value and who made it; a deleted element is stale too)."""
    old = existing(tx, workshop_id, eid)
    if old is None:
        raise StaleEdit(None, None, None) if based_on else NotFound(f"no element '{eid}'")
    if old.version != based_on:
        raise StaleEdit(old.data, old.version, old.by)
    return change(tx, workshop_id, old, changes, actor)


def existing(tx: Transaction, workshop_id: str, eid: str) -> Element | None:
    """The element as this transaction sees it, or None (an unknown workshop: NotFound)."""
    return tx.get(workshop_id, eid) if eid in tx.index(workshop_id) else None


def delete(tx: Transaction, workshop_id: str, eid: str, based_on: int | None, actor: str | None) -> int:
    """Delete an element and everything inside it; refused while others refer to it, and for
    a map's last segment."""
    idx = tx.index(workshop_id)
    entry = idx.get(eid)
    if entry is None:
        raise NotFound(f"no element '{eid}'")
    if based_on is not None and entry.version != based_on:
        el = tx.get(workshop_id, eid)
        raise StaleEdit(el.data, el.version, el.by)
    if entry.kind == "segment" and len(idx.siblings("segment", None)) == 1:
        raise Conflict("a map needs at least one customer segment; add another before deleting this one")
    ids = [eid, *(d.eid for d in idx.descendants(eid))]
    refuse_if_referenced(tx, workshop_id, set(ids))
    found = tx.get_many(workshop_id, ids)
    seq = tx.record(workshop_id, actor, "delete", entry.kind, eid, [snapshot(found[i]) for i in ids], None)
    tx.delete(workshop_id, ids)
    return seq


def move(tx: Transaction, workshop_id: str, eid: str, index: int, actor: str | None) -> Element:
    """Move an element to ``index`` among its siblings of the same kind (order is meaning)."""
    el = existing(tx, workshop_id, eid)
    if el is None:
        raise NotFound(f"no element '{eid}'")
    idx = tx.index(workshop_id)
    pos = position(tx, idx, workshop_id, el.kind, el.parent, index, exclude=eid)
    if pos == el.pos:
        return el
    new = Element(el.eid, el.kind, el.parent, pos, el.data, el.lists)
    seq = tx.record(workshop_id, actor, "move", el.kind, eid, [snapshot(el)], [snapshot(new)])
    tx.update(workshop_id, new, seq, actor)
    new.version, new.by = seq, actor
    return new


def undo_last(tx: Transaction, workshop_id: str, actor: str) -> dict[str, Any]:
    """Undo ``actor``'s last change that is not undone yet; returns that change's event.

    Refused (nothing changes) when someone else has changed the same element since, or when
    undoing would break the map (a restored step whose owner was deleted meanwhile).
    """
    idx = tx.index(workshop_id)
    last = tx.last_undoable(workshop_id, actor, UNDOABLE)
    if last is None:
        raise NotFound("you have no change left to undo")
    before = [from_snapshot(s) for s in (last.before or [])]
    after = [from_snapshot(s) for s in (last.after or [])]
    _check_undo(tx, idx, workshop_id, last.seq, before, after)
    gone = {a.eid for a in after}
    for b in before:  # what an undo puts back (a deleted element) must fit, as an add must
        if b.eid not in gone and b.eid not in idx:
            check_room(idx, b.kind, b.parent)
    new_seq = tx.record(
        workshop_id, actor, "undo", last.kind, last.eid, [snapshot(a) for a in after], [snapshot(b) for b in before],
        undoes=last.seq,
    )
    tx.delete(workshop_id, [a.eid for a in after])
    for b in before:
        tx.insert(workshop_id, b, new_seq, actor)
    return {"seq": last.seq, "op": last.op, "kind": last.kind, "eid": last.eid}


def _check_undo(tx: Transaction, idx: MapIndex, workshop_id: str, seq: int, before: list[Element], after: list[Element]) -> None:
    """The conflicts that stop an undo (see :func:`undo_last`)."""
    for a in after:
        now = idx.get(a.eid)
        if now is None or now.version != seq:
            who = f" by {now.author}" if now is not None and now.author else ""
            raise Conflict(f"'{a.eid}' was changed{who} after your change, so it cannot be undone")
    restored = {b.eid: b for b in before}
    removed = {a.eid for a in after if a.eid not in restored}
    for r in removed:
        if any(c.eid not in removed for c in idx.descendants(r)):
            raise Conflict(f"others have added to '{r}' since, so it cannot be undone")
    refuse_if_referenced(tx, workshop_id, removed)
    current = {a.eid for a in after}
    for b in before:
        if b.eid not in current and b.eid in idx:
            raise Conflict(f"the id '{b.eid}' has been taken meanwhile")
        if b.parent is not None and b.parent not in restored and (b.parent not in idx or b.parent in removed):
            raise Conflict(f"'{b.eid}' belonged to '{b.parent}', which is gone")
        check_references(idx, b, pending=restored, removed=removed)
