"""Checks of live deals placed on the map.

A deal is judged against the customer's buying process, not the seller's pipeline: does anyone
know the customer's next *internal* step, and has the seller engaged every role that decides or
approves in the stage the customer is in? Deal findings belong to the deal's segment.
"""

from __future__ import annotations

from typing import Iterator

from .context import Hit, SegmentView, involvement

#: involvement that makes a role indispensable in a stage
DECIDING = frozenset({"decides", "approves"})


def deal_no_next_step(seg: SegmentView) -> Iterator[Hit]:
    for deal in seg.deals:
        if not deal.get("next_internal_step"):
            yield Hit(deal["id"], params={"name": deal["name"]})


def deal_roles_missing(seg: SegmentView) -> Iterator[Hit]:
    """One hit per role (in the map's order) deciding or approving in the deal's stage that the
    deal has not engaged. A deal without a stage is not judged."""
    for deal in seg.deals:
        stage = deal.get("stage")
        if not stage:
            continue
        engaged = set(deal.get("roles_engaged") or [])
        for role in seg.roles:
            if involvement(role).get(stage) in DECIDING and role["id"] not in engaged:
                yield Hit(deal["id"], detail=role["id"], params={"name": deal["name"], "role": role["name"]})
