"""The explorer's objection tables: objections grouped across workshops, and the no-decision
causes they name.

Pure code (no store, no streamlit), beside :mod:`.explore_tables` (which gathers every table in
its :func:`~.explore_tables.report`): a table is a function of the records the explorer read.

* **Objections**: grouped as motives are (:mod:`.grouping`), the most frequent first, then the
  most severe (an absent severity counts as 3).
* **No-decision causes** (``none`` left out): by how many objections name them, then severity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ..model.element_schema import map_schema
from .explore_data import ExploreData
from .grouping import DEFAULT_THRESHOLD, group_texts

_SEGMENT = map_schema()["$defs"]["segment"]["properties"]["objections"]["items"]["properties"]
CAUSES: tuple[str, ...] = tuple(c for c in _SEGMENT["no_decision_cause"]["enum"] if c != "none")


def mean(values: list[int]) -> float:
    """The mean as the tables show it: two decimals (0 for no values)."""
    return round(sum(values) / len(values), 2) if values else 0.0


@dataclass(frozen=True)
class ObjectionRow:
    objection: str
    spellings: tuple[str, ...]
    count: int
    workshops: int
    segments: int
    severity_mean: float
    severity_max: int
    dots: int
    answered_share: float
    causes: tuple[str, ...]

    def record(self, flat: bool = True) -> dict[str, Any]:
        return {
            "objection": self.objection,
            "spellings": list(self.spellings),
            "count": self.count,
            "workshops": self.workshops,
            "segments": self.segments,
            "severity_mean": self.severity_mean,
            "severity_max": self.severity_max,
            "dots": self.dots,
            "answered_share": self.answered_share,
            "causes": list(self.causes),
        }


def objection_table(
    data: ExploreData,
    threshold: float = DEFAULT_THRESHOLD,
    keep_apart: Collection[str] = (),
) -> list[ObjectionRow]:
    """One row per objection group: the most frequent first, then the most severe."""
    grouping = group_texts([o.text for o in data.objections], threshold, keep_apart)
    rows = []
    for key, items in grouping.buckets(data.objections).items():
        g = grouping.by_key[key]
        severities = [o.severity for o in items]
        causes = Counter(o.cause for o in items if o.cause != "none")
        rows.append(
            ObjectionRow(
                g.label,
                g.spellings,
                len(items),
                len({o.workshop_id for o in items}),
                len({(o.workshop_id, o.segment_id) for o in items}),
                mean(severities),
                max(severities),
                sum(o.dots for o in items),
                round(sum(o.answered for o in items) / len(items), 2),
                tuple(c for c, _ in causes.most_common()),
            )
        )
    rows.sort(key=lambda r: (-r.count, -r.severity_mean, r.objection.casefold()))
    return rows


@dataclass(frozen=True)
class CauseRow:
    cause: str
    objections: int
    workshops: int
    segments: int
    severity_mean: float
    severity_max: int
    dots: int

    def record(self, flat: bool = True) -> dict[str, Any]:
        return dict(self.__dict__)


def cause_table(data: ExploreData) -> list[CauseRow]:
    """No-decision causes named by objections: the most frequent first, then the most severe."""
    by_cause: dict[str, list] = {}
    for o in data.objections:
        if o.cause != "none":
            by_cause.setdefault(o.cause, []).append(o)
    rows = [
        CauseRow(
            cause,
            len(items),
            len({o.workshop_id for o in items}),
            len({(o.workshop_id, o.segment_id) for o in items}),
            mean([o.severity for o in items]),
            max(o.severity for o in items),
            sum(o.dots for o in items),
        )
        for cause, items in by_cause.items()
    ]
    order = {c: i for i, c in enumerate(CAUSES)}
    rows.sort(key=lambda r: (-r.objections, -r.severity_mean, order.get(r.cause, len(order))))
    return rows
