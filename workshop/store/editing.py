"""Live edits of single elements: add, update, delete, move, and undo one's last change.

Every edit runs as one job on the writer thread (:mod:`.writer`): it checks its preconditions
(the element's fields against the schema, every reference against the map, the version the
edit was based on) *before* writing, then appends its event and changes the element in the
same transaction. So the map in the database always reads back as a valid map file, a stale
edit is refused with the current value instead of overwriting it, and every change can be
traced and undone.
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
    # -- public edits ---------------------------------------------------------------------
    def add(
        self,
        workshop_id: str,
        kind: str,
        data: dict[str, Any],
        *,
        parent: str | None = None,
        actor: str | None = None,
        index: int | None = None,
    ) -> Element:
        """Add an element (at the end of its list, or at ``index``); returns it as stored."""
        if kind not in KINDS:
            raise BadInput(f"unknown kind of element '{kind}'")
        data = dict(data)

        def job(tx):
            _require_workshop(tx, workshop_id)
            spec = KINDS[kind]
            if spec.has_id:
                data.setdefault("id", _fresh_id(tx, workshop_id, kind))
            _raise_problems(check_element(kind, data))
            if spec.has_id:
                eid = data["id"]
            elif kind == "criterion":
                eid = criterion_id(parent or "", data["criterion"])
            else:
                eid = new_internal_id(kind)
            if _get(tx, workshop_id, eid) is not None:
                raise Conflict(f"the id '{eid}' is already used in this workshop")
            el = Element(eid, kind, parent, 0.0, data)
            _check_parent(tx, workshop_id, el)
            _check_references(tx, workshop_id, el)
            el.pos = _position(tx, workshop_id, kind, parent, index, exclude=None)
            seq = tx.record(workshop_id, actor, "add", kind, eid, None, [snapshot(el)])
            _insert(tx, workshop_id, el, seq, actor)
            el.version, el.by = seq, actor
            return el

        return self._writer.submit(job)

    def update(
        self,
        workshop_id: str,
        eid: str,
        changes: dict[str, Any],
        *,
        based_on: int,
        actor: str | None = None,
    ) -> Element:
        """Change some fields (``None`` removes a field), if the element is still at ``based_on``.

        A stale edit raises :class:`StaleEdit` carrying the current value and who made it.
        """

        def job(tx):
            old = _get(tx, workshop_id, eid)
            if old is None:
                raise StaleEdit(None, None, None) if based_on else NotFound(f"no element '{eid}'")
            if old.version != based_on:
                raise StaleEdit(old.data, old.version, old.by)
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
            _raise_problems(check_element(old.kind, data))
            new = Element(old.eid, old.kind, old.parent, old.pos, data, old.lists)
            _check_references(tx, workshop_id, new)
            seq = tx.record(workshop_id, actor, "update", old.kind, eid, [snapshot(old)], [snapshot(new)])
            tx.write(
                "UPDATE elements SET data = ?, version = ?, author = ? WHERE workshop_id = ? AND eid = ?",
                [json.dumps(data, ensure_ascii=False), seq, actor, workshop_id, eid],
            )
            new.version, new.by = seq, actor
            return new

        return self._writer.submit(job)

    def delete(self, workshop_id: str, eid: str, *, based_on: int | None = None, actor: str | None = None) -> int:
        """Delete an element and everything inside it; refused while others refer to it."""

        def job(tx):
            el = _get(tx, workshop_id, eid)
            if el is None:
                raise NotFound(f"no element '{eid}'")
            if based_on is not None and el.version != based_on:
                raise StaleEdit(el.data, el.version, el.by)
            gone = [el, *_descendants(tx, workshop_id, el.eid)]
            _refuse_if_referenced(tx, workshop_id, {g.eid for g in gone})
            seq = tx.record(workshop_id, actor, "delete", el.kind, eid, [snapshot(g) for g in gone], None)
            _delete(tx, workshop_id, [g.eid for g in gone])
            return seq

        return self._writer.submit(job)

    def move(self, workshop_id: str, eid: str, index: int, *, actor: str | None = None) -> Element:
        """Move an element to ``index`` among its siblings of the same kind (order is meaning)."""

        def job(tx):
            el = _get(tx, workshop_id, eid)
            if el is None:
                raise NotFound(f"no element '{eid}'")
            pos = _position(tx, workshop_id, el.kind, el.parent, index, exclude=eid)
            if pos == el.pos:
                return el
            new = Element(el.eid, el.kind, el.parent, pos, el.data, el.lists)
            seq = tx.record(workshop_id, actor, "move", el.kind, eid, [snapshot(el)], [snapshot(new)])
            tx.write(
                "UPDATE elements SET pos = ?, version = ?, author = ? WHERE workshop_id = ? AND eid = ?",
                [pos, seq, actor, workshop_id, eid],
            )
            new.version, new.by = seq, actor
            return new

        return self._writer.submit(job)

    def undo_last(self, workshop_id: str, actor: str) -> dict[str, Any]:
        """Undo ``actor``'s last change that is not undone yet; returns that change's event.

        Refused (nothing changes) when someone else has changed the same element since, or
        when undoing would break the map (a restored step whose owner was deleted meanwhile).
        """

        def job(tx):
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
            current = _get_many(tx, workshop_id, [a.eid for a in after])
            for a in after:
                now = current.get(a.eid)
                if now is None or now.version != seq:
                    who = f" by {now.by}" if now is not None and now.by else ""
                    raise Conflict(f"'{a.eid}' was changed{who} after your change, so it cannot be undone")
            restored = {b.eid for b in before}
            removed = [a for a in after if a.eid not in restored]
            removed_ids = {r.eid for r in removed}
            for r in removed:
                if any(c.eid not in removed_ids for c in _descendants(tx, workshop_id, r.eid)):
                    raise Conflict(f"others have added to '{r.eid}' since, so it cannot be undone")
            _refuse_if_referenced(tx, workshop_id, removed_ids)
            for b in before:
                if b.eid not in current and _get(tx, workshop_id, b.eid) is not None:
                    raise Conflict(f"the id '{b.eid}' has been taken meanwhile")
                if b.parent is not None and b.parent not in restored and _get(tx, workshop_id, b.parent) is None:
                    raise Conflict(f"'{b.eid}' belonged to '{b.parent}', which is gone")
                _check_references(tx, workshop_id, b, pending={x.eid: x for x in before}, removed=removed_ids)
            new_seq = tx.record(
                workshop_id, actor, "undo", kind, eid, [snapshot(a) for a in after], [snapshot(b) for b in before], undoes=seq
            )
            _delete(tx, workshop_id, [a.eid for a in after])
            for b in before:
                _insert(tx, workshop_id, b, new_seq, actor)
            return {"seq": seq, "op": op, "kind": kind, "eid": eid}

        return self._writer.submit(job)


# -- checks and row helpers (run inside the writer's transaction) ------------------------
def _require_workshop(tx, workshop_id: str) -> None:
    if not tx.execute("SELECT 1 FROM workshops WHERE id = ?", [workshop_id]).fetchall():
        raise NotFound(f"no workshop '{workshop_id}'")


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise MapFormatError(problems)


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


def _fresh_id(tx, workshop_id: str, kind: str) -> str:
    while True:
        eid = f"{_ID_PREFIX[kind]}-{secrets.token_hex(3)}"
        if _get(tx, workshop_id, eid) is None:
            return eid


def _segment_of(el: Element, lookup) -> str | None:
    """The segment an element belongs to (``lookup(eid)`` finds other elements)."""
    if el.kind == "segment":
        return el.eid
    if el.kind == "deal":
        return el.data.get("segment")
    if el.kind == "step":
        stage = lookup(el.parent) if el.parent else None
        return stage.parent if stage is not None else None
    if KINDS[el.kind].parent == "segment":
        return el.parent
    return None


def _check_parent(tx, workshop_id: str, el: Element) -> None:
    want = KINDS[el.kind].parent
    if want is None:
        if el.parent is not None:
            raise BadInput(f"a {el.kind} belongs to the workshop itself, not inside '{el.parent}'")
        return
    parent = _get(tx, workshop_id, el.parent) if el.parent else None
    if parent is None or parent.kind != want:
        raise BadInput(f"a {el.kind} must be placed in a {want}; '{el.parent}' is not one")


def _check_references(
    tx,
    workshop_id: str,
    el: Element,
    pending: dict[str, Element] | None = None,
    removed: set[str] = frozenset(),
) -> None:
    """Every id the element names exists, is of the right kind, and lies in its segment."""
    pending = pending or {}
    refs = list(references(el.kind, el.data))
    if not refs:
        return
    found = _get_many(tx, workshop_id, [r.target for r in refs])
    found.update(pending)

    def lookup(eid: str) -> Element | None:
        if eid in removed:
            return None
        if eid not in found:
            got = _get(tx, workshop_id, eid)
            if got is not None:
                found[eid] = got
        return found.get(eid)

    own_segment = _segment_of(el, lookup)
    problems = []
    for ref in refs:
        target = lookup(ref.target)
        what = " or ".join(ref.kinds) if len(ref.kinds) <= 2 else "element"
        if target is None or target.kind not in ref.kinds:
            where = f" in segment '{own_segment}'" if ref.scope == SEGMENT and own_segment else ""
            problems.append(Problem(ref.place, f"no {what} '{ref.target}'{where}"))
        elif ref.scope == SEGMENT and _segment_of(target, lookup) != own_segment:
            problems.append(Problem(ref.place, f"no {what} '{ref.target}' in segment '{own_segment}'"))
    _raise_problems(problems)


def _descendants(tx, workshop_id: str, eid: str) -> list[Element]:
    out: list[Element] = []
    frontier = [eid]
    while frontier:
        rows = tx.execute(
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND parent IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY parent, pos",
            [workshop_id, frontier],
        ).fetchall()
        children = [element(r) for r in rows]
        out.extend(children)
        frontier = [c.eid for c in children]
    return out


def _refuse_if_referenced(tx, workshop_id: str, eids: set[str]) -> None:
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
            if ref.target in eids:
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


def _position(tx, workshop_id: str, kind: str, parent: str | None, index: int | None, exclude: str | None) -> float:
    """A position among the siblings of the same kind that puts the element at ``index``."""
    rows = tx.execute(
        "SELECT eid, pos FROM elements WHERE workshop_id = ? AND kind = ? AND parent IS NOT DISTINCT FROM ? ORDER BY pos",
        [workshop_id, kind, parent],
    ).fetchall()
    siblings = [(e, p) for e, p in rows if e != exclude]
    if index is None or index >= len(siblings):
        return (siblings[-1][1] + 1.0) if siblings else 0.0
    index = max(0, index)
    after = siblings[index][1]
    before = siblings[index - 1][1] if index > 0 else after - 2.0
    mid = (before + after) / 2.0
    if not (before < mid < after):  # positions worn out by many moves: renumber the list
        for i, (eid, _) in enumerate(siblings):
            tx.write("UPDATE elements SET pos = ? WHERE workshop_id = ? AND eid = ?", [float(2 * i), workshop_id, eid])
        return float(2 * index - 1)
    return mid


def _insert(tx, workshop_id: str, el: Element, version: int, author: str | None) -> None:
    tx.write(
        "INSERT INTO elements (workshop_id, eid, kind, parent, pos, data, lists, version, author) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            workshop_id,
            el.eid,
            el.kind,
            el.parent,
            float(el.pos),
            json.dumps(el.data, ensure_ascii=False),
            json.dumps(list(el.lists)),
            version,
            author,
        ],
    )


def _delete(tx, workshop_id: str, eids: list[str]) -> None:
    if eids:
        tx.write(
            "DELETE FROM elements WHERE workshop_id = ? AND eid IN (SELECT unnest(?::VARCHAR[]))", [workshop_id, eids]
        )
