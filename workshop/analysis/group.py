"""Checks of the buying group: decision roles, procurement, stance, influence and contacts.

Most purchases that die end in *no decision*, and a frequent reason is a buying group the seller
does not see whole: nobody owns the problem or the budget, procurement turns up at contract
time, an influential opponent or a quiet influencer is overlooked, or everything hangs on one
contact. Each function answers one code of the contract, yielding hits in the roles' order.
"""

from __future__ import annotations

from math import ceil
from typing import Iterator

from .codes import REQUIRED_DECISION_ROLES
from .context import Hit, SegmentView, decision_roles, influence, involvement, stance


def decision_role_missing(seg: SegmentView) -> Iterator[Hit]:
    """One hit per required decision role nobody holds; ``procurement`` only matters when the
    segment buys through some procurement at all."""
    held = {d for role in seg.roles for d in decision_roles(role)}
    for name in REQUIRED_DECISION_ROLES:
        if name == "procurement" and seg.procurement == "none":
            continue
        if name not in held:
            yield Hit(seg.id, detail=name, params={"name": seg.name})


def _is_procurement(role: dict) -> bool:
    return "procurement" in decision_roles(role) or role.get("function") == "procurement"


def procurement_late(seg: SegmentView) -> Iterator[Hit]:
    """Procurement not involved in the first half (rounded up) of two or more stages. With no
    procurement role at all it is late by definition: nobody brings it in early."""
    n = len(seg.stages)
    if n < 2 or seg.procurement == "none":
        return
    early = {stage["id"] for stage in seg.stages[: ceil(n / 2)]}
    for role in seg.roles:
        if _is_procurement(role) and early & involvement(role).keys():
            return
    yield Hit(seg.id, params={"name": seg.name})


def blocker_risk(seg: SegmentView) -> Iterator[Hit]:
    for role in seg.roles:
        if stance(role) <= -1 and influence(role) >= 4:
            yield Hit(role["id"], params={"name": role["name"]})


def role_no_contact(seg: SegmentView) -> Iterator[Hit]:
    for role in seg.roles:
        if influence(role) >= 3 and not role.get("our_contact"):
            yield Hit(role["id"], params={"name": role["name"]})


def single_threaded(seg: SegmentView) -> Iterator[Hit]:
    if sum(1 for role in seg.roles if role.get("our_contact")) < 2:
        yield Hit(seg.id, params={"name": seg.name})


def role_not_involved(seg: SegmentView) -> Iterator[Hit]:
    for role in seg.roles:
        if not involvement(role):
            yield Hit(role["id"], params={"name": role["name"]})


def hidden_influencer(seg: SegmentView) -> Iterator[Hit]:
    """A role rated low (influence ≤ 2) that ``influences`` two or more *distinct* roles rated
    high (≥ 4): the relations say more about its weight than the rating does."""
    for role in seg.roles:
        if influence(role) > 2:
            continue
        strong = {
            rel["to"]
            for rel in seg.relations
            if rel["from"] == role["id"]
            and rel["kind"] == "influences"
            and rel["to"] in seg.role_by_id
            and influence(seg.role_by_id[rel["to"]]) >= 4
        }
        if len(strong) >= 2:
            yield Hit(role["id"], params={"name": role["name"]})
