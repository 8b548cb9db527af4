"""Edits the pages make on behalf of a participant.

Every edit is attributed to the participant (the event log's ``actor``); an edit of an existing
element carries the version the participant saw, so a stale save is refused
(:class:`workshop.errors.StaleEdit`) instead of overwriting someone else's change.

While the facilitator has locked (or ended) the workshop every edit here raises
:class:`workshop.errors.Locked`: refused at once from the in-memory state (no trip to the
writer), and checked again inside the writer's job, so no edit slips in just after the lock.
Dots are cast through :mod:`.facilitation` (a vote's budget is checked there), not added here.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadInput, NotFound, StaleEdit
from ..model.elements import Element
from ..model.facilitation import refuse_if_read_only
from ..ports import Storage
from .live import Identity


def ensure_writable(store: Storage, workshop_id: str) -> None:
    """Refuse a participant's change while the workshop is read-only (cheap: memory; the rule
    is :func:`workshop.model.facilitation.refuse_if_read_only`)."""
    refuse_if_read_only(store.facilitation(workshop_id))


def add(store: Storage, me: Identity, kind: str, data: dict[str, Any], parent: str | None = None, index: int | None = None) -> Element:
    ensure_writable(store, me.workshop_id)
    if kind == "vote":
        raise BadInput("dots are cast in a voting round")
    return store.add(
        me.workshop_id, kind, _clean(data), parent=parent, actor=me.participant_id, index=index, respect_lock=True
    )


def update(store: Storage, me: Identity, eid: str, changes: dict[str, Any], based_on: int) -> Element:
    """Change fields; a value of ``None`` (or an empty text or list) removes the field."""
    ensure_writable(store, me.workshop_id)
    cleaned = {k: (None if v in ("", [], {}) else v) for k, v in changes.items()}
    try:
        return store.update(me.workshop_id, eid, cleaned, based_on=based_on, actor=me.participant_id, respect_lock=True)
    except StaleEdit as exc:
        if exc.current is None and not _ever_in(store, me.workshop_id, eid):
            # not "deleted meanwhile": it never was in this workshop (another workshop's id)
            raise NotFound(f"no element '{eid}' in this workshop", key="error.no_element") from None
        raise


def _ever_in(store: Storage, workshop_id: str, eid: str) -> bool:
    """Whether the change log of ``workshop_id`` names ``eid`` (read only on this rare path)."""
    return any(e["eid"] == eid for e in store.events(workshop_id))


def delete(store: Storage, me: Identity, eid: str, based_on: int | None = None) -> int:
    ensure_writable(store, me.workshop_id)
    return store.delete(me.workshop_id, eid, based_on=based_on, actor=me.participant_id, respect_lock=True)


def move(store: Storage, me: Identity, eid: str, index: int) -> Element:
    ensure_writable(store, me.workshop_id)
    return store.move(me.workshop_id, eid, index, actor=me.participant_id, respect_lock=True)


def undo(store: Storage, me: Identity) -> dict[str, Any]:
    ensure_writable(store, me.workshop_id)
    return store.undo_last(me.workshop_id, me.participant_id, respect_lock=True)


def add_note(store: Storage, me: Identity, text: str, about: str | None) -> Element:
    data: dict[str, Any] = {"text": text.strip(), "author": me.participant_id}
    if about:
        data["about"] = about
    return add(store, me, "note", data)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional fields and trim texts (the map keeps absent fields absent)."""
    out = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None, [], {}):
            continue
        out[key] = value
    return out
