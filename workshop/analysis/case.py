"""Checks of the case for buying: objections, buying motives, USPs and the consensus check.

A customer buys for its own motives, not for the seller's selling points, and stalls on
objections nobody answered or on a consensus that is not there. These checks find the loose
ends between what the customer wants and what the seller says. Each function answers one code
of the contract, yielding hits in the map's order.
"""

from __future__ import annotations

from typing import Iterator

from workshop.model.defaults import get
from workshop.model.kinds import CONSENSUS_CRITERIA

from .context import Hit, SegmentView, short

#: consensus statuses that count as a gap: a clear "no", and "unknown" (nobody checked)
GAP_STATUSES = frozenset({"no", "unknown"})


def objection_unanswered(seg: SegmentView) -> Iterator[Hit]:
    for objection in seg.objections:
        if not objection.get("responses"):
            yield Hit(objection["id"], params={"text": short(objection["text"])})


def usp_without_motive(seg: SegmentView) -> Iterator[Hit]:
    """USPs belong to the whole map, not to a segment, so they are reported once: in the first
    segment."""
    if seg.id != seg.ctx.first_segment_id:
        return
    for usp in seg.ctx.usps:
        if not usp.get("motives"):
            yield Hit(usp["id"], params={"text": short(usp["text"])})


def motive_unaddressed(seg: SegmentView) -> Iterator[Hit]:
    for motive in seg.motives:
        if get("motive", motive, "importance") >= 4 and motive["id"] not in seg.ctx.served_motives:
            yield Hit(motive["id"], params={"text": short(motive["text"])})


def consensus_gap(seg: SegmentView) -> Iterator[Hit]:
    """One hit per criterion answered ``no`` or not answered at all (an absent criterion, or an
    absent consensus object, is ``unknown``), in the schema's order of criteria."""
    for criterion in CONSENSUS_CRITERIA:
        status = get("criterion", seg.consensus.get(criterion) or {}, "status")
        if status in GAP_STATUSES:
            yield Hit(seg.id, detail=criterion, params={"name": seg.name})
