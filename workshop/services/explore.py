"""The product manager's explorer: buying motives, USPs and objections across many workshops.

"Which buying motives matter to which roles, in which segments — and which of our USPs serve
none of them?" is asked of every workshop held, not of one map. This module reads what the
explorer needs from the store in a handful of queries over all visible workshops at once
(:mod:`workshop.store.explore`), keeps what it read per workshop and change number (moving a
filter or a slider re-reads nothing; a change in one workshop re-reads that workshop only).
What a record is and how the page's filters narrow them (:mod:`workshop.analysis.explore_data`)
and the tables (:mod:`workshop.analysis.explore_tables`) are pure code beside the analysis.

Which workshops are visible is decided by :mod:`.access` (the admin key or the joined ones);
this module only reads the ids it is given. Votes of a round that still hides its results are
not counted, so the explorer never reveals what a round conceals.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..analysis.explore_data import EMPTY, OTHER, ExploreData, Motive, Objection, Segment, Usp, WorkshopMeta
from ..analysis.explore_tables import report
from ..errors import KopkartaError
from ..memo import Memo
from ..ports import Storage


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


def _origin(store: Storage) -> tuple:
    """Which store a read comes from: where its data lives too, as a store opened later may get
    the id of a closed one (as :func:`workshop.services.live.snapshot` keys its reads)."""
    return (id(store), store.where)


def load(store: Storage, workshop_ids: Sequence[str]) -> ExploreData:
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


def _combine(store: Storage, origin: tuple, ids: list[str], state: dict[str, tuple]) -> ExploreData:
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


def _read(store: Storage, ids: list[str], concealed: Sequence[str]) -> ExploreData:
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


def warm(store: Storage) -> None:
    """Read every workshop into the explorer's cache, so the first view after the server starts
    costs what a later one does (the server starts this in the background; see the explore
    benchmark: the cold read of 200 workshops takes about a second)."""
    try:
        report(load(store, [w.id for w in store.list_workshops()]))  # also groups the texts (cached)
    except KopkartaError:  # the store closed meanwhile: nothing to warm
        return
