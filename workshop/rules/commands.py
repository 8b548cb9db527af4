"""The store's write methods, written once for every engine: each hands one job of
:mod:`workshop.rules` to the engine's writer (``self.submit``) and returns its result.

An engine's store inherits :class:`Commands` and provides ``submit`` (the
:class:`workshop.ports.Writer` port); that is all the write side asks of it. A participant's
edits pass ``respect_lock``: the lock is checked inside the job, so no edit slips in after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..model.elements import Element, Flattened
from ..model.facilitation import FacilitationState
from ..model.rounds import Round
from ..ports import Created, Transaction
from . import editing
from . import facilitation as fac
from . import plans, workshops

T = TypeVar("T")


class Commands:
    def submit(self, job: Callable[[Transaction], T]) -> T:  # pragma: no cover - every engine has its own
        raise NotImplementedError

    def _locked_job(self, workshop_id: str, respect_lock: bool, job: Callable[[Transaction], T]) -> T:
        def run(tx: Transaction) -> T:
            if respect_lock:
                editing.refuse_if_locked(tx, workshop_id)
            return job(tx)

        return self.submit(run)

    # -- editing --------------------------------------------------------------------------
    def add(self, workshop_id: str, kind: str, data: dict[str, Any], *, parent: str | None = None,
            actor: str | None = None, index: int | None = None, respect_lock: bool = False) -> Element:
        data = dict(data)
        return self._locked_job(workshop_id, respect_lock, lambda tx: editing.add(tx, workshop_id, kind, data, parent, actor, index))

    def update(self, workshop_id: str, eid: str, changes: dict[str, Any], *, based_on: int,
               actor: str | None = None, respect_lock: bool = False) -> Element:
        return self._locked_job(workshop_id, respect_lock, lambda tx: editing.update(tx, workshop_id, eid, changes, based_on, actor))

    def delete(self, workshop_id: str, eid: str, *, based_on: int | None = None, actor: str | None = None,
               respect_lock: bool = False) -> int:
        return self._locked_job(workshop_id, respect_lock, lambda tx: editing.delete(tx, workshop_id, eid, based_on, actor))

    def move(self, workshop_id: str, eid: str, index: int, *, actor: str | None = None,
             respect_lock: bool = False) -> Element:
        return self._locked_job(workshop_id, respect_lock, lambda tx: editing.move(tx, workshop_id, eid, index, actor))

    def undo_last(self, workshop_id: str, actor: str, *, respect_lock: bool = False) -> dict[str, Any]:
        return self._locked_job(workshop_id, respect_lock, lambda tx: editing.undo_last(tx, workshop_id, actor))

    # -- whole workshops ------------------------------------------------------------------
    def import_map(self, flat: Flattened, *, replace: bool = False, actor: str | None = None) -> Created | None:
        key = workshops.new_secret()
        return self.submit(lambda tx: workshops.import_map(tx, flat, replace, actor, key))

    def delete_workshop(self, workshop_id: str, actor: str | None = None) -> None:
        self.submit(lambda tx: workshops.delete_workshop(tx, workshop_id, actor))

    def add_participant(self, workshop_id: str, data: dict, *, actor: str | None = None) -> tuple[Element, str]:
        """Add a participant; returns it with a fresh token for its browser."""
        token = workshops.new_secret()
        return self.submit(lambda tx: workshops.add_participant(tx, workshop_id, data, actor, token)), token

    # -- deal plans -----------------------------------------------------------------------
    def add_plan_draft(self, workshop_id: str, deal_id: str, lines: list[dict[str, Any]], *,
                       actor: str | None = None) -> list[Element]:
        return self.submit(lambda tx: plans.add_draft(tx, workshop_id, deal_id, [dict(x) for x in lines], actor))

    def share_plan(self, workshop_id: str, deal_id: str, *, actor: str | None = None) -> str:
        """Share the deal's plan; returns the new link's token (the link before it ends)."""
        token = workshops.new_secret(24)
        self.submit(lambda tx: plans.share(tx, workshop_id, deal_id, actor, token))
        return token

    def revoke_plan(self, workshop_id: str, deal_id: str, *, actor: str | None = None) -> None:
        self.submit(lambda tx: plans.revoke(tx, workshop_id, deal_id, actor))

    # -- facilitation ---------------------------------------------------------------------
    def change_facilitation(self, workshop_id: str, change: Callable[[FacilitationState], FacilitationState], *,
                            op: str, actor: str | None = None) -> FacilitationState:
        return self.submit(lambda tx: fac.change_facilitation(tx, workshop_id, change, op, actor))

    def start_round(self, workshop_id: str, make: Callable[[int], Round], *, now: float,
                    actor: str | None = None) -> Round:
        return self.submit(lambda tx: fac.start_round(tx, workshop_id, make, now, actor))

    def change_round(self, workshop_id: str, round_no: int, change: Callable[[Round], Round], *, op: str,
                     actor: str | None = None) -> Round:
        return self.submit(lambda tx: fac.change_round(tx, workshop_id, round_no, change, op, actor))

    def set_dots(self, workshop_id: str, round_no: int, participant: str, about: str, dots: int, *,
                 actor: str | None = None, respect_lock: bool = False) -> dict[str, int]:
        return self._locked_job(
            workshop_id, respect_lock, lambda tx: fac.set_dots(tx, workshop_id, round_no, participant, about, dots, actor)
        )

    def rate(self, workshop_id: str, round_no: int, participant: str, about: str, field: str, value: int | None, *,
             actor: str | None = None, respect_lock: bool = False) -> None:
        self._locked_job(
            workshop_id, respect_lock, lambda tx: fac.rate(tx, workshop_id, round_no, participant, about, field, value, actor)
        )

    def post_note(self, workshop_id: str, round_no: int, text: str, *, poster: str, about: str | None = None,
                  respect_lock: bool = False) -> Element:
        return self._locked_job(workshop_id, respect_lock, lambda tx: fac.post_note(tx, workshop_id, round_no, text, poster, about))

    def triage_note(self, workshop_id: str, note_id: str, kind: str, data: dict[str, Any], parent: str | None, *,
                    actor: str | None = None) -> tuple[Element, Element]:
        data = dict(data)
        return self.submit(lambda tx: fac.triage_note(tx, workshop_id, note_id, kind, data, parent, actor))

    def set_field(self, workshop_id: str, eid: str, field: str, value: Any, *, actor: str | None = None) -> Element:
        return self.submit(lambda tx: fac.set_field(tx, workshop_id, eid, field, value, actor))
