"""Where an element lies in the map: the segment it belongs to.

One rule, used by the writer's checks (a reference that must stay in its segment, a round
limited to one segment), by the console (which elements a vote may be cast on) and by the
pages: the map file nests stages, roles, motives, objections, flows, relations and consensus
criteria in a segment, steps in a stage, and a deal names its segment in its ``segment`` field
(its plan's lines lie in that segment too); everything else (participants, USPs, notes, votes, actions) belongs to no segment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .kinds import KINDS


class Placed(Protocol):
    """What the rule needs of an element: its kind and its parent."""

    kind: str
    parent: str | None


def segment_of(
    kind: str,
    eid: str | None,
    parent: str | None,
    deal_segment: str | None,
    lookup: Callable[[str], Placed | None],
) -> str | None:
    """The segment an element belongs to, or ``None`` (a top-level element).

    ``lookup(eid)`` finds another element (a step's stage); ``deal_segment`` is a deal's
    ``segment`` field (ignored for other kinds)."""
    if kind == "segment":
        return eid
    if kind == "deal":
        return deal_segment
    spec = KINDS.get(kind)
    if spec is None or spec.parent is None:
        return None
    if spec.parent == "segment":
        return parent
    holder = lookup(parent) if parent else None  # a step: its stage's segment
    if holder is None:
        return None
    if holder.kind == "deal":  # a line of a deal's plan: the deal's segment (an index entry
        # carries it as ``segment``, an element in its fields)
        return getattr(holder, "segment", None) or (getattr(holder, "data", None) or {}).get("segment")
    return holder.parent


def element_segment(el: Any, lookup: Callable[[str], Placed | None]) -> str | None:
    """:func:`segment_of` for an :class:`~workshop.model.elements.Element` (a deal's segment is
    read from its fields)."""
    deal_segment = el.data.get("segment") if el.kind == "deal" else None
    return segment_of(el.kind, el.eid, el.parent, deal_segment, lookup)
