"""Jobs for deal plans (issue 20): a drafted plan added as one change, and the plan's link.

A drafted plan is dozens of lines; added one by one it would be dozens of changes, and the
seller's undo would take back one line of it. Here it is one ``add`` event with every line, so
one undo takes the whole draft back (the undo of :mod:`.editing` handles a change of many
elements). The link's token is never stored, only its hash (as a participant's); sharing again
ends the link before, and both sharing and ending are in the change log.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadInput, Conflict, NotFound
from ..model.element_schema import check_element
from ..model import limits
from ..model.elements import Element
from ..ports import Transaction
from .checks import check_references, position, raise_problems
from .editing import existing, snapshot
from .workshops import hash_key


def deal(tx: Transaction, workshop_id: str, deal_id: str) -> Element:
    """The workshop's deal ``deal_id`` (NotFound for anything else, another workshop's included)."""
    el = existing(tx, workshop_id, deal_id)
    if el is None or el.kind != "deal":
        raise NotFound(f"no deal '{deal_id}' in this workshop", key="error.no_element")
    return el


def add_draft(tx: Transaction, workshop_id: str, deal_id: str, lines: list[dict[str, Any]], actor: str | None) -> list[Element]:
    """Add a drafted plan's lines under the deal, in order, as one change. Refused when the deal
    has a plan already (a second draft would double every line)."""
    deal(tx, workshop_id, deal_id)
    idx = tx.index(workshop_id)
    if idx.siblings("plan_item", deal_id):
        raise Conflict("this deal has a plan already", key="plan.has_plan")
    if len(lines) > limits.PLAN_LINES.limit:
        raise limits.no_room(limits.PLAN_LINES)
    if not lines:
        raise BadInput("the deal's segment has nothing to plan yet: no stage with exit criteria, steps or our activities", key="plan.nothing")
    base = position(tx, idx, workshop_id, "plan_item", deal_id, None, exclude=None)
    made = []
    for i, data in enumerate(lines):
        if data["id"] in idx:
            raise Conflict(f"the id '{data['id']}' is already used in this workshop")
        raise_problems(check_element("plan_item", data))
        el = Element(data["id"], "plan_item", deal_id, base + i, data)
        check_references(idx, el)
        made.append(el)
    seq = tx.record(workshop_id, actor, "add", "plan_item", made[0].eid, None, [snapshot(el) for el in made])
    for el in made:
        tx.insert(workshop_id, el, seq, actor)
        el.version, el.by = seq, actor
    return made


def share(tx: Transaction, workshop_id: str, deal_id: str, actor: str | None, token: str) -> None:
    deal(tx, workshop_id, deal_id)
    tx.share_plan(hash_key(token), workshop_id, deal_id)
    tx.record(workshop_id, actor, "share_plan", "deal", deal_id, None, None)


def revoke(tx: Transaction, workshop_id: str, deal_id: str, actor: str | None) -> None:
    deal(tx, workshop_id, deal_id)
    tx.revoke_plan(workshop_id, deal_id)
    tx.record(workshop_id, actor, "revoke_plan", "deal", deal_id, None, None)
