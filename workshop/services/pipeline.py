"""The sales manager's pipeline: every live deal of the visible workshops, laid on the
customer's own buying process (:mod:`workshop.analysis.pipeline` computes it from each map).

Which workshops are visible is the caller's business (:mod:`workshop.services.access`); this
module reads each through :func:`workshop.services.live.snapshot` (cached per change), so it
needs no SQL of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..analysis import analyze
from ..analysis.pipeline import Filters, Lane, Pipeline, deal_cards, lanes
from ..errors import Forbidden, NotFound
from ..exports.coaching import coaching_sheet
from ..ports import Storage
from .live import snapshot


def pipeline(store: Storage, workshop_ids: Iterable[str], lang: str, filters: Filters = Filters()) -> Pipeline:
    """The pipeline of the given (already access-checked) workshops, narrowed by ``filters``."""
    all_lanes: list[Lane] = []
    workshops: list[tuple[str, str]] = []
    segments: list[tuple[str, str, str]] = []
    for wid in workshop_ids:
        try:
            doc = snapshot(store, wid).doc
        except NotFound:  # deleted since the caller listed it
            continue
        workshops.append((wid, doc["workshop"].get("title") or wid))
        cards = deal_cards(doc, lang, analyze(doc, lang, shared=store.plan_shares(wid)))
        seen: dict[str, str] = {}
        for c in cards:
            seen.setdefault(c.segment_id, c.segment_name)
        segments += [(wid, sid, name) for sid, name in seen.items()]
        all_lanes += lanes(doc, cards)
    return Pipeline(all_lanes, workshops, segments).narrowed(filters)


def coaching(store: Storage, visible: Iterable[str], workshop_id: str, deal_id: str, lang: str | None = None) -> str:
    """The coaching sheet (Markdown) of one deal, in the workshop's language unless ``lang`` is
    given; a workshop outside the viewer's scope is :class:`Forbidden`, never read."""
    if workshop_id not in set(visible):
        raise Forbidden(f"workshop '{workshop_id}' is not in your view")
    doc = snapshot(store, workshop_id).doc
    analysis = analyze(doc, lang, shared=store.plan_shares(workshop_id))
    return coaching_sheet(doc, deal_id, lang, analysis=analysis)
