"""Live edits of single elements: add, update, delete, move, and undo one's last change.

Every edit runs as one job on the writer thread (:mod:`.writer`): it checks its preconditions
(the element's fields against the schema, every reference against the writer's index of the
map, the version the edit was based on) *before* writing, then appends its event and changes
the element in the same transaction. So the map in the database always reads back as a valid
map file, a stale edit is refused with the current value instead of overwriting it, and every
change can be traced and undone.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Iterable

from ..errors import BadInput, Conflict, MapFormatError, NotFound, Problem, StaleEdit
from ..model.element_schema import check_element
from ..model.elements import Element, criterion_id, new_internal_id
from ..model.kinds import KINDS
from ..model.references import SEGMENT, references
from .index import Entry, MapIndex
from .rows import ELEMENT_COLUMNS, element, from_snapshot, snapshot

#: the kinds whose fields name other elements (searched when something is deleted)
_REFERRING_KINDS = ["step", "flow", "relation", "role", "motive", "objection", "usp", "note", "vote", "deal", "action"]
_UNDOABLE = ("add", "update", "delete", "move")
_ID_PREFIX = {
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
}


class Editing:
    def add(
        self,
        workshop_id: str,
        kind: str,
        data: dict[str, Any],
        *,
        parent: str | None = None,
        actor: str | None = None,
        index: int | None = None,
        respect_lock: bool = False,
    ) -> Element:
        """Add an element (at the end of its list, or at ``index``); returns it as stored.

        With ``respect_lock`` (a participant's edit) a locked workshop refuses the change,
        checked inside the writer's job so no edit slips in after the lock.
        """
        data = dict(data)

        def job(tx):
            if respect_lock:
                self._refuse_if_locked(tx, workshop_id)
            return add_in(tx, workshop_id, kind, data, parent, actor, index)

        return self._writer.submit(job)

    def update(
        self,
        workshop_id: str,
        eid: str,
        changes: dict[str, Any],
        *,
        based_on: int,
        actor: str | None = None,
        respect_lock: bool = False,
    ) -> Element:
        """Change some fields (``None`` removes a field), if the element is still at ``based_on``.

        A stale edit raises :class:`StaleEdit` carrying the current value and who made it.
        """

        def job(tx):
            if respect_lock:
                self._refuse_if_locked(tx, workshop_id)
            idx = tx.index(workshop_id)
            old = _get(tx, workshop_id, eid) if eid in idx else None
            if old is None:
                raise StaleEdit(None, None, None) if based_on else NotFound(f"no element '{eid}'")
            if old.version != based_on:
                raise StaleEdit(old.data, old.version, old.by)
            return changed_in(tx, workshop_id, old, changes, actor)

        return self._writer.submit(job)

    def delete(
        self,
        workshop_id: str,
        eid: str,
        *,
        based_on: int | None = None,
        actor: str | None = None,
        respect_lock: bool = False,
    ) -> int:
        """Delete an element and everything inside it; refused while others refer to it."""

        def job(tx):
            idx, entry = self._existing(tx, workshop_id, eid, respect_lock)
            if based_on is not None and entry.version != based_on:
                el = _get(tx, workshop_id, eid)
                raise StaleEdit(el.data, el.version, el.by)
            if entry.kind == "segment" and len(idx.siblings("segment", None)) == 1:
                raise Conflict("a map needs at least one customer segment; add another before deleting this one")
            ids = [eid, *(d.eid for d in idx.descendants(eid))]
            _refuse_if_referenced(tx, workshop_id, set(ids))
            found = _get_many(tx, workshop_id, ids)
            gone = [found[i] for i in ids]
            seq = tx.record(workshop_id, actor, "delete", entry.kind, eid, [snapshot(g) for g in gone], None)
            _delete(tx, idx, workshop_id, ids)
            return seq

        return self._writer.submit(job)

    def _existing(self, tx, workshop_id: str, eid: str, respect_lock: bool):
        """The workshop's index and the element's entry (NotFound), after the lock check."""
        if respect_lock:
            self._refuse_if_locked(tx, workshop_id)
        idx = tx.index(workshop_id)
        entry = idx.get(eid)
        if entry is None:
            raise NotFound(f"no element '{eid}'")
        return idx, entry

    def move(
        self, workshop_id: str, eid: str, index: int, *, actor: str | None = None, respect_lock: bool = False
    ) -> Element:
        """Move an element to ``index`` among its siblings of the same kind (order is meaning)."""

        def job(tx):
            idx, entry = self._existing(tx, workshop_id, eid, respect_lock)
            el = _get(tx, workshop_id, eid)
            pos = _position(tx, idx, workshop_id, el.kind, el.parent, index, exclude=eid)
            if pos == el.pos:
                return el
            new = Element(el.eid, el.kind, el.parent, pos, el.data, el.lists)
            seq = tx.record(workshop_id, actor, "move", el.kind, eid, [snapshot(el)], [snapshot(new)])
            tx.write(
                "UPDATE elements SET pos = ?, version = ?, author = ? WHERE workshop_id = ? AND eid = ?",
                [pos, seq, actor, workshop_id, eid],
            )
            idx.put(_entry(new, seq, actor))
            new.version, new.by = seq, actor
            return new

        return self._writer.submit(job)

    def undo_last(self, workshop_id: str, actor: str, *, respect_lock: bool = False) -> dict[str, Any]:
        """Undo ``actor``'s last change that is not undone yet; returns that change's event.

        Refused (nothing changes) when someone else has changed the same element since, or
        when undoing would break the map (a restored step whose owner was deleted meanwhile).
        """

        def job(tx):
            if respect_lock:
                self._refuse_if_locked(tx, workshop_id)
            idx = tx.index(workshop_id)
            rows = tx.execute(
                "SELECT seq, op, kind, eid, before, after FROM events e "
                "WHERE workshop_id = ? AND actor = ? AND op IN (?, ?, ?, ?) "
                "AND NOT EXISTS (SELECT 1 FROM events u WHERE u.workshop_id = e.workshop_id AND u.undoes = e.seq) "
                "ORDER BY seq DESC LIMIT 1",
                [workshop_id, actor, *_UNDOABLE],
            ).fetchall()
            if not rows:
                raise NotFound("you have no change left to undo")
            seq, op, kind, eid, before_json, after_json = rows[0]
            before = [from_snapshot(s) for s in json.loads(before_json or "[]")]
            after = [from_snapshot(s) for s in json.loads(after_json or "[]")]
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
            _refuse_if_referenced(tx, workshop_id, removed)
            current = {a.eid for a in after}
            for b in before:
                if b.eid not in current and b.eid in idx:
                    raise Conflict(f"the id '{b.eid}' has been taken meanwhile")
                if b.parent is not None and b.parent not in restored and (b.parent not in idx or b.parent in removed):
                    raise Conflict(f"'{b.eid}' belonged to '{b.parent}', which is gone")
                _check_references(idx, b, pending=restored, removed=removed)
            new_seq = tx.record(
                workshop_id, actor, "undo", kind, eid, [snapshot(a) for a in after], [snapshot(b) for b in before], undoes=seq
            )
            _delete(tx, idx, workshop_id, [a.eid for a in after])
            for b in before:
                _insert(tx, idx, workshop_id, b, new_seq, actor)
            return {"seq": seq, "op": op, "kind": kind, "eid": eid}

        return self._writer.submit(job)


# -- jobs other store modules compose ------------------------------------------------------
def add_in(
    tx,
    workshop_id: str,
    kind: str,
    data: dict[str, Any],
    parent: str | None,
    actor: str | None,
    index: int | None,
    op: str = "add",
) -> Element:
    """Add an element inside the writer's transaction (see :meth:`Editing.add`).

    ``op`` names the event; only ``add`` is undone by its actor's undo (a note triaged into a
    step is credited to the note's author, who did not make that change and cannot undo it).
    """
    if kind not in KINDS:
        raise BadInput(f"unknown kind of element '{kind}'")
    idx = tx.index(workshop_id)
    spec = KINDS[kind]
    if spec.has_id:
        data.setdefault("id", _fresh_id(idx, kind))
    _raise_problems(check_element(kind, data))
    if spec.has_id:
        eid = data["id"]
    elif kind == "criterion":
        eid = criterion_id(parent or "", data["criterion"])
    else:
        eid = new_internal_id(kind)
    if eid in idx:
        raise Conflict(f"the id '{eid}' is already used in this workshop")
    _check_parent(idx, kind, parent)
    _check_references(idx, Element(eid, kind, parent, 0.0, data))
    pos = _position(tx, idx, workshop_id, kind, parent, index, exclude=None)
    el = Element(eid, kind, parent, pos, data)
    seq = tx.record(workshop_id, actor, op, kind, eid, None, [snapshot(el)])
    _insert(tx, idx, workshop_id, el, seq, actor)
    el.version, el.by = seq, actor
    return el


def changed_in(tx, workshop_id: str, old: Element, changes: dict[str, Any], actor: str | None) -> Element:
    """Change some fields of ``old`` (as read in this transaction; ``None`` removes a field)
    inside the writer's transaction: checked against the schema and the map, then written with
    its ``update`` event (see :meth:`Editing.update`)."""
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
    _raise_problems(check_element(old.kind, data))
    new = Element(old.eid, old.kind, old.parent, old.pos, data, old.lists)
    _check_references(idx, new)
    if old.kind == "deal" and data.get("segment") != old.data.get("segment"):
        _refuse_if_referenced(tx, workshop_id, {old.eid}, scoped_only=True)
    seq = tx.record(workshop_id, actor, "update", old.kind, old.eid, [snapshot(old)], [snapshot(new)])
    tx.write(
        "UPDATE elements SET data = ?, version = ?, author = ? WHERE workshop_id = ? AND eid = ?",
        [json.dumps(data, ensure_ascii=False), seq, actor, workshop_id, old.eid],
    )
    idx.put(_entry(new, seq, actor))
    new.version, new.by = seq, actor
    return new


# -- checks and row helpers (run inside the writer's transaction) ------------------------
def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise MapFormatError(problems)


def _entry(el: Element, version: int, author: str | None) -> Entry:
    return Entry(el.eid, el.kind, el.parent, el.pos, version, author, el.data.get("segment") if el.kind == "deal" else None)


def _get(tx, workshop_id: str, eid: str) -> Element | None:
    rows = tx.execute(
        f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND eid = ?", [workshop_id, eid]
    ).fetchall()
    return element(rows[0]) if rows else None


def _get_many(tx, workshop_id: str, eids: Iterable[str]) -> dict[str, Element]:
    eids = list(dict.fromkeys(eids))
    if not eids:
        return {}
    rows = tx.execute(
        f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND eid IN (SELECT unnest(?::VARCHAR[]))",
        [workshop_id, eids],
    ).fetchall()
    return {r[0]: element(r) for r in rows}


def _fresh_id(idx: MapIndex, kind: str) -> str:
    while True:
        eid = f"{_ID_PREFIX[kind]}-{secrets.token_hex(3)}"
        if eid not in idx:
            return eid


def _check_parent(idx: MapIndex, kind: str, parent: str | None) -> None:
    want = KINDS[kind].parent
    if want is None:
        if parent is not None:
            raise BadInput(f"a {kind} belongs to the workshop itself, not inside '{parent}'")
        return
    found = idx.get(parent)
    if found is None or found.kind != want:
        raise BadInput(f"a {kind} must be placed in a {want}; '{parent}' is not one")


def _check_references(
    idx: MapIndex,
    el: Element,
    pending: dict[str, Element] | None = None,
    removed: set[str] = frozenset(),
) -> None:
    """Every id the element names exists, is of the right kind, and lies in its segment."""
    refs = list(references(el.kind, el.data))
    if not refs:
        return
    pending = pending or {}

    def lookup(eid: str) -> Entry | None:
        if eid in pending:
            return _entry(pending[eid], 0, None)
        if eid in removed:
            return None
        return idx.get(eid)

    def segment(entry_kind: str, parent: str | None, deal_segment: str | None, eid: str) -> str | None:
        if entry_kind == "step":
            stage = lookup(parent) if parent else None
            return stage.parent if stage is not None else None
        return idx.segment_of(entry_kind, parent, deal_segment, eid)

    own = segment(el.kind, el.parent, el.data.get("segment") if el.kind == "deal" else None, el.eid)
    problems = []
    for ref in refs:
        target = lookup(ref.target)
        what = " or ".join(ref.kinds) if len(ref.kinds) <= 2 else "element"
        in_segment = f" in segment '{own}'" if ref.scope == SEGMENT and own else ""
        if target is None or target.kind not in ref.kinds:
            problems.append(Problem(ref.place, f"no {what} '{ref.target}'{in_segment}"))
        elif ref.scope == SEGMENT and segment(target.kind, target.parent, target.segment, target.eid) != own:
            problems.append(Problem(ref.place, f"no {what} '{ref.target}'{in_segment}"))
    _raise_problems(problems)


def _refuse_if_referenced(tx, workshop_id: str, eids: set[str], scoped_only: bool = False) -> None:
    """Refuse to remove (or, with ``scoped_only``, move to another segment) what others name."""
    if not eids:
        return
    rows = tx.execute(
        f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND kind IN (SELECT unnest(?::VARCHAR[]))",
        [workshop_id, _REFERRING_KINDS],
    ).fetchall()
    users = []
    for r in rows:
        el = element(r)
        if el.eid in eids:
            continue
        for ref in references(el.kind, el.data):
            if ref.target in eids and (not scoped_only or ref.scope == SEGMENT):
                users.append(f"{el.kind} '{_label(el)}' ({ref.place})")
                break
    if users:
        more = f" and {len(users) - 3} more" if len(users) > 3 else ""
        raise Conflict(f"still referred to by {', '.join(users[:3])}{more}: change those first")


def _label(el: Element) -> str:
    for key in ("name", "text", "id"):
        if key in el.data:
            text = str(el.data[key])
            return text if len(text) <= 40 else text[:39] + "…"
    return el.eid


def _position(
    tx, idx: MapIndex, workshop_id: str, kind: str, parent: str | None, index: int | None, exclude: str | None
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
            tx.write("UPDATE elements SET pos = ? WHERE workshop_id = ? AND eid = ?", [float(2 * i), workshop_id, sib.eid])
            sib.pos = float(2 * i)
            idx.put(sib)
        return float(2 * index - 1)
    return mid


def _insert(tx, idx: MapIndex, workshop_id: str, el: Element, version: int, author: str | None) -> None:
    tx.insert_element(
        (
            workshop_id,
            el.eid,
            el.kind,
            el.parent,
            float(el.pos),
            json.dumps(el.data, ensure_ascii=False),
            json.dumps(list(el.lists)),
            version,
            author,
        )
    )
    idx.put(_entry(el, version, author))


def _delete(tx, idx: MapIndex, workshop_id: str, eids: list[str]) -> None:
    if eids:
        tx.write(
            "DELETE FROM elements WHERE workshop_id = ? AND eid IN (SELECT unnest(?::VARCHAR[]))", [workshop_id, eids]
        )
        for eid in eids:
            idx.remove(eid)


