"""What a viewer may see of the map while rounds hide things: others' votes in an unrevealed
vote, others' notes of an unrevealed hidden brainstorm.

Every page shows a map through :func:`visible_doc`, so what a round conceals never reaches a
screen it is not meant for (the facilitator's key sees everything). The taking-out itself is
:func:`workshop.model.tallies.redact` (pure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import tallies as T
from ..ports import Storage
from .facilitator import is_facilitator


@dataclass(frozen=True)
class Hidden:
    """What a viewer may not see yet: others' votes in these rounds, and these notes."""

    rounds: frozenset[int]
    notes: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.rounds or self.notes)


def hidden(store: Storage, workshop_id: str, viewer: str | None, *, key: str | None = None) -> Hidden:
    """What rounds still hide from ``viewer`` (nothing for the facilitator's key). Reads the
    state from memory and the database only while a hidden brainstorm is unrevealed."""
    s = store.facilitation(workshop_id)
    concealed = [r for r in s.rounds if r.concealed]
    if not concealed or is_facilitator(store, workshop_id, key):
        return Hidden(frozenset(), frozenset())
    rounds = frozenset(r.no for r in concealed if r.kind == "vote")
    notes: frozenset[str] = frozenset()
    brainstorms = {r.no for r in concealed if r.kind == "brainstorm"}
    if brainstorms:
        notes = frozenset(
            note.eid for no, note, poster in store.round_notes(workshop_id) if no in brainstorms and poster != viewer
        )
    return Hidden(rounds, notes)


def visible_doc(
    store: Storage, workshop_id: str, doc: dict[str, Any], viewer: str | None, *, key: str | None = None
) -> dict[str, Any]:
    """``doc`` (the workshop's map) without what ``viewer`` may not see yet."""
    h = hidden(store, workshop_id, viewer, key=key)
    return T.redact(doc, h.rounds, h.notes, viewer) if h else doc
