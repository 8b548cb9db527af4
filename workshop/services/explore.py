"""The product manager's explorer: buying motives, USPs and objections across many workshops.

"Which buying motives matter to which roles, in which segments — and which of our USPs serve
none of them?" is asked of every workshop held, not of one map. This module reads what the
explorer needs from the store in a handful of queries over all visible workshops at once
(:mod:`workshop.store.explore`), keeps what it read per workshop and change number (moving a
filter or a slider re-reads nothing; a change in one workshop re-reads that workshop only), and
narrows it by the page's filters.
The tables themselves are computed in :mod:`.explore_tables` (pure code).

Which workshops are visible is decided by :mod:`.access` (the admin key or the joined ones);
this module only reads the ids it is given. Votes of a round that still hides its results are
not counted, so the explorer never reveals what a round conceals.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NamedTuple

from ..errors import KopkartaError
from ..memo import Memo
from ..store import Store

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


@dataclass(frozen=True)
class _Kept:
    version: int
    concealed: tuple[str, ...]
    data: ExploreData


#: what was read of each workshop, at which change number, by (store, workshop): one entry per
#: workshop (a change replaces it), so the explorer of every workshop held fits in it
_kept: Memo[_Kept] = Memo(4096)
#: the combined results, by everything they depend on: the same object while nothing changed
#: (a few, as viewers who joined different workshops see different sets)
_combined: Memo[ExploreData] = Memo(8)


def _origin(store: Store) -> tuple:
    """Which store a read comes from: its path too, as a store opened later may get the id of a
    closed one (as :func:`workshop.services.live.snapshot` keys its reads)."""
    return (id(store), str(store.path))


def load(store: Store, workshop_ids: Sequence[str]) -> ExploreData:
    """The explorer's data for ``workshop_ids``; a workshop is read again only after it changed."""
    ids = list(dict.fromkeys(workshop_ids))
    if not ids:
        return EMPTY
    state = {
        wid: (
            store.version(wid),
            tuple(f"{wid}:{r.no}" for r in store.facilitation(wid).rounds if r.kind == "vote" and r.concealed),
        )
        for wid in ids
    }
    origin = _origin(store)
    key = (origin, *((wid, *state[wid]) for wid in ids))
    return _combined.get(key, lambda: _combine(store, origin, ids, state))


def _combine(store: Store, origin: tuple, ids: list[str], state: dict[str, tuple]) -> ExploreData:
    kept = {wid: _kept.peek((origin, wid)) for wid in ids}
    stale = [wid for wid in ids if kept[wid] is None or (kept[wid].version, kept[wid].concealed) != state[wid]]
    if stale:
        fresh = _split(_read(store, stale, [c for wid in stale for c in state[wid][1]]), stale)
        for wid in stale:
            kept[wid] = _Kept(*state[wid], fresh[wid])
            _kept.put((origin, wid), kept[wid])
    parts = [kept[wid].data for wid in ids]
    return ExploreData(
        workshops=tuple(w for p in parts for w in p.workshops),
        segments=tuple(s for p in parts for s in p.segments),
        motives=tuple(m for p in parts for m in p.motives),
        objections=tuple(o for p in parts for o in p.objections),
        usps=tuple(u for p in parts for u in p.usps),
    )


def _read(store: Store, ids: list[str], concealed: Sequence[str]) -> ExploreData:
    workshops = tuple(
        WorkshopMeta(wid, title or wid, lang or "en", _date(made, stored))
        for wid, title, lang, made, stored in store.explore_workshops(ids)
    )
    segments = tuple(Segment(wid, sid, name or sid) for wid, sid, name in store.explore_segments(ids))
    functions = {(wid, rid): fn or OTHER for wid, rid, fn in store.explore_roles(ids)}
    motives, objections = [], []
    for (
        wid,
        kind,
        seg,
        eid,
        text,
        number,
        cause,
        answered,
        dots,
        roles,
    ) in store.explore_items(ids, concealed):
        if kind == "motive":
            named = json.loads(roles) if roles else ()
            fns = tuple(dict.fromkeys(functions.get((wid, r), OTHER) for r in named)) if named else ()
            motives.append(Motive(wid, seg, eid, text or "", number, dots, fns))
        else:
            objections.append(Objection(wid, seg, eid, text or "", number, cause, answered, dots))
    usps = tuple(
        Usp(wid, uid, text or "", tuple(json.loads(served)) if served else ())
        for wid, uid, text, served in store.explore_usps(ids)
    )
    return ExploreData(workshops, segments, tuple(motives), tuple(objections), usps)


def _split(data: ExploreData, ids: list[str]) -> dict[str, ExploreData]:
    """One :class:`ExploreData` per workshop (a workshop that no longer exists: empty)."""
    parts: dict[str, dict[str, list]] = {wid: {"w": [], "s": [], "m": [], "o": [], "u": []} for wid in ids}
    for field, items in (
        ("w", data.workshops),
        ("s", data.segments),
        ("m", data.motives),
        ("o", data.objections),
        ("u", data.usps),
    ):
        for item in items:
            parts[item.id if field == "w" else item.workshop_id][field].append(item)
    return {wid: ExploreData(*(tuple(p[f]) for f in "wsmou")) for wid, p in parts.items()}


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


def _date(made: str | None, stored: datetime | None) -> date | None:
    if made:
        try:
            return datetime.fromisoformat(made).date()
        except ValueError:
            pass
    return stored.date() if stored is not None else None


def clear_cache() -> None:
    """Forget every kept result (the benchmark measures cold reads with it)."""
    _kept.clear()
    _combined.clear()


def warm(store: Store) -> None:
    """Read every workshop into the explorer's cache, so the first view after the server starts
    costs what a later one does (the server starts this in the background; see the explore
    benchmark: the cold read of 200 workshops takes about a second)."""
    from .explore_tables import report

    try:
        report(load(store, [w.id for w in store.list_workshops()]))  # also groups the texts (cached)
    except KopkartaError:  # the store closed meanwhile: nothing to warm
        return
