"""What the product manager's explorer holds of many workshops, and its narrowing by the page's
filters: buying motives, objections and USPs as plain records, one per element.

Pure (no store, no streamlit): :mod:`workshop.services.explore` reads these records from the
store and keeps them per workshop and change number; this module only says what a record is
and which records a set of filters keeps, so it is a function of the records alone, as are the
explorer's tables (:mod:`.explore_tables`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

#: a role without a function counts as ``other`` (the schema's catch-all)
OTHER = "other"


@dataclass(frozen=True)
class WorkshopMeta:
    id: str
    title: str
    language: str
    #: the workshop's date: ``created_at`` of the map if it has one, else when it was stored
    date: date | None


class Motive(NamedTuple):  # named tuples: tens of thousands are made per read
    workshop_id: str
    segment_id: str
    id: str
    text: str
    #: importance 1–5; absent counts as 3 (map-format.md's default)
    importance: int
    #: dots cast on the motive in every round that is not hiding its results
    dots: int
    #: distinct functions of the roles the motive names (a role without one: ``other``)
    functions: tuple[str, ...]


class Objection(NamedTuple):
    workshop_id: str
    segment_id: str
    id: str
    text: str
    #: severity 1–5; absent counts as 3
    severity: int
    #: no-decision cause; absent counts as ``none``
    cause: str
    answered: bool
    dots: int


class Usp(NamedTuple):
    workshop_id: str
    id: str
    text: str
    #: ids of the motives (of the same workshop) it serves
    motives: tuple[str, ...]


@dataclass(frozen=True)
class Segment:
    workshop_id: str
    id: str
    name: str


@dataclass(frozen=True)
class ExploreData:
    """Everything the explorer shows, for a set of workshops (oldest first)."""

    workshops: tuple[WorkshopMeta, ...]
    segments: tuple[Segment, ...]
    motives: tuple[Motive, ...]
    objections: tuple[Objection, ...]
    usps: tuple[Usp, ...]

    @property
    def languages(self) -> list[str]:
        return sorted({w.language for w in self.workshops})

    @property
    def date_range(self) -> tuple[date, date] | None:
        dates = [w.date for w in self.workshops if w.date is not None]
        return (min(dates), max(dates)) if dates else None


EMPTY = ExploreData((), (), (), (), ())


@dataclass(frozen=True)
class Filters:
    """What the page narrows to; ``None`` means no narrowing on that axis. Segments are
    ``(workshop_id, segment_id)`` pairs (segment ids are only unique within a workshop); dates
    are inclusive."""

    workshops: Collection[str] | None = None
    segments: Collection[tuple[str, str]] | None = None
    languages: Collection[str] | None = None
    since: date | None = None
    until: date | None = None


def narrow(data: ExploreData, f: Filters) -> ExploreData:
    """``data`` limited to the filters: workshops by id, language and date; motives and
    objections by segment. USPs belong to no segment: they stay with their workshop (with a
    workshop of a chosen segment, when segments are chosen), and what they serve is counted
    only among the motives left."""
    keep = {
        w.id
        for w in data.workshops
        if (f.workshops is None or w.id in f.workshops)
        and (f.languages is None or w.language in f.languages)
        and (f.since is None or (w.date is not None and w.date >= f.since))
        and (f.until is None or (w.date is not None and w.date <= f.until))
    }
    segs = None if f.segments is None else set(f.segments)
    seg_workshops = {w for w, _ in segs or ()}

    def inside(item) -> bool:
        return item.workshop_id in keep and (segs is None or (item.workshop_id, item.segment_id) in segs)

    return replace(
        data,
        workshops=tuple(w for w in data.workshops if w.id in keep),
        segments=tuple(
            s for s in data.segments if s.workshop_id in keep and (segs is None or (s.workshop_id, s.id) in segs)
        ),
        motives=tuple(m for m in data.motives if inside(m)),
        objections=tuple(o for o in data.objections if inside(o)),
        usps=tuple(u for u in data.usps if u.workshop_id in keep and (segs is None or u.workshop_id in seg_workshops)),
    )
