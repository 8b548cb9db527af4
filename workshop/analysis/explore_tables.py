"""The explorer's tables, computed from :class:`~.explore_data.ExploreData`.

Pure code (no store, no streamlit): a table is a function of the records the explorer read, so
it sits beside the analysis, and the page, the command line and the benchmark compute the same
tables; reading the records is :mod:`workshop.services.explore`.

* **Motives × role functions.** Motives are grouped across workshops (:mod:`.grouping`). A
  motive's *weight* is, by the chosen measure, its importance (1–5, absent = 3), the dots cast on
  it, or both added (the default: importance + dots). A cell (motive group, role function) is
  the sum of the weights of the group's motives that name at least one role of that function;
  a motive naming two roles of one function counts once in that cell, and a motive naming no
  role falls in the column ``none``. A row's total is the sum of its motives' weights (each
  motive once, whatever the number of functions).
* **USP coverage.** USPs are grouped the same way; each group lists the motive groups its USPs
  serve (among the motives left by the filters) and in how many segments those motives sit.
  USPs serving no motive come first, then the least covered.
* **Objections and no-decision causes** (:mod:`.explore_objections`): grouped objections by
  frequency and severity, and the causes by how many objections name them.

Every row turns into a flat record with stable field names (:meth:`record`) for CSV and JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from ..model.element_schema import map_schema
from .explore_data import ExploreData
from .explore_objections import CauseRow, ObjectionRow, cause_table, mean, objection_table
from .grouping import DEFAULT_THRESHOLD, Grouping, group_texts

MEASURES: tuple[str, ...] = ("both", "importance", "dots")
NO_ROLE = "none"
_ROLE = map_schema()["$defs"]["role"]["properties"]["function"]["enum"]
#: role functions in the schema's order, then the column of motives that name no role
COLUMNS: tuple[str, ...] = (*_ROLE, NO_ROLE)


def weight(importance: int, dots: int, measure: str = "both") -> int:
    if measure == "importance":
        return importance
    if measure == "dots":
        return dots
    if measure == "both":
        return importance + dots
    raise ValueError(f"unknown measure {measure!r}; known: {', '.join(MEASURES)}")


# -- motives -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MotiveRow:
    motive: str
    spellings: tuple[str, ...]
    motives: int
    workshops: int
    segments: int
    importance_mean: float
    dots: int
    weight: int
    usps: int
    by_function: dict[str, int] = field(default_factory=dict)

    def record(self, flat: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "motive": self.motive,
            "spellings": list(self.spellings),
            "motives": self.motives,
            "workshops": self.workshops,
            "segments": self.segments,
            "importance_mean": self.importance_mean,
            "dots": self.dots,
            "weight": self.weight,
            "usps": self.usps,
        }
        if flat:
            out.update({f"weight_{c}": self.by_function.get(c, 0) for c in COLUMNS})
        else:
            out["by_function"] = {c: self.by_function[c] for c in COLUMNS if c in self.by_function}
        return out


def motive_groups(
    data: ExploreData,
    threshold: float = DEFAULT_THRESHOLD,
    keep_apart: Collection[str] = (),
) -> Grouping:
    return group_texts([m.text for m in data.motives], threshold, keep_apart)


def motive_table(data: ExploreData, grouping: Grouping, measure: str = "both") -> list[MotiveRow]:
    """One row per motive group, the heaviest first."""
    served: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for u in data.usps:
        for mid in u.motives:
            served.setdefault((u.workshop_id, mid), set()).add((u.workshop_id, u.id))
    rows = []
    for key, items in grouping.buckets(data.motives).items():
        g = grouping.by_key[key]
        weights = [weight(m.importance, m.dots, measure) for m in items]
        by_function: Counter = Counter()
        for m, w in zip(items, weights):
            for fn in m.functions or (NO_ROLE,):
                by_function[fn] += w
        usps = set().union(*(served.get((m.workshop_id, m.id), ()) for m in items)) if served else set()
        rows.append(
            MotiveRow(
                g.label,
                g.spellings,
                len(items),
                len({m.workshop_id for m in items}),
                len({(m.workshop_id, m.segment_id) for m in items}),
                mean([m.importance for m in items]),
                sum(m.dots for m in items),
                sum(weights),
                len(usps),
                {c: by_function[c] for c in COLUMNS if c in by_function},
            )
        )
    rows.sort(key=lambda r: (-r.weight, -r.motives, r.motive.casefold()))
    return rows


@dataclass(frozen=True)
class Matrix:
    """The heatmap's numbers: ``values[i][j]`` is row ``i``'s weight for ``columns[j]``."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]


def matrix(rows: list[MotiveRow], top: int | None = None) -> Matrix:
    """The motive × role-function matrix of the ``top`` heaviest rows; only columns with weight."""
    shown = rows[:top] if top else rows
    columns = tuple(c for c in COLUMNS if any(r.by_function.get(c) for r in shown))
    return Matrix(
        tuple(r.motive for r in shown),
        columns,
        tuple(tuple(r.by_function.get(c, 0) for c in columns) for r in shown),
    )


# -- USPs ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UspRow:
    usp: str
    spellings: tuple[str, ...]
    usps: int
    workshops: int
    motives: tuple[str, ...]
    segments: int

    @property
    def serves_none(self) -> bool:
        return not self.motives

    def record(self, flat: bool = True) -> dict[str, Any]:
        return {
            "usp": self.usp,
            "spellings": list(self.spellings),
            "usps": self.usps,
            "workshops": self.workshops,
            "serves_none": self.serves_none,
            "motives": list(self.motives),
            "motive_count": len(self.motives),
            "segments": self.segments,
        }


def usp_coverage(
    data: ExploreData,
    motives: Grouping,
    threshold: float = DEFAULT_THRESHOLD,
    keep_apart: Collection[str] = (),
) -> list[UspRow]:
    """One row per USP group: those serving no motive first, then the fewest segments."""
    where = {(m.workshop_id, m.id): m for m in data.motives}
    grouping = group_texts([u.text for u in data.usps], threshold, keep_apart)
    acc: dict[str, dict[str, Any]] = {}
    for u in data.usps:
        g = grouping.of(u.text)
        a = acc.setdefault(g.key, {"g": g, "n": 0, "w": set(), "m": {}, "s": set()})
        a["n"] += 1
        a["w"].add(u.workshop_id)
        for mid in u.motives:
            m = where.get((u.workshop_id, mid))
            if m is not None:
                a["m"].setdefault(motives.of(m.text).label, None)
                a["s"].add((m.workshop_id, m.segment_id))
    rows = [
        UspRow(
            a["g"].label,
            a["g"].spellings,
            a["n"],
            len(a["w"]),
            tuple(a["m"]),
            len(a["s"]),
        )
        for a in acc.values()
    ]
    rows.sort(key=lambda r: (not r.serves_none, r.segments, len(r.motives), r.usp.casefold()))
    return rows


# -- everything at once --------------------------------------------------------------------------
@dataclass(frozen=True)
class Report:
    grouping: Grouping
    motives: list[MotiveRow]
    usps: list[UspRow]
    objections: list[ObjectionRow]
    causes: list[CauseRow]


def report(
    data: ExploreData,
    threshold: float = DEFAULT_THRESHOLD,
    keep_apart: Collection[str] = (),
    measure: str = "both",
) -> Report:
    """Every table of the explorer for ``data`` (already narrowed by the filters)."""
    grouping = motive_groups(data, threshold, keep_apart)
    return Report(
        grouping,
        motive_table(data, grouping, measure),
        usp_coverage(data, grouping, threshold, keep_apart),
        objection_table(data, threshold, keep_apart),
        cause_table(data),
    )
