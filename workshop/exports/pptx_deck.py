"""The editable slide deck (sales enablement): native PowerPoint shapes, tables and charts.

Sellers rework these slides into their own material, so nothing is a screenshot: the buying
process is drawn from shapes, every list is a real table and every chart carries its data.
Order: the title; the no-decision risk of every segment; per segment its divider, buying
process (swimlane), buyer-aligned sales process, buying group (table and influence × stance
chart), motives × USPs, friction (table and causes chart), consensus check and findings; then
the USPs, the dot-vote results (only when there are votes), deals and actions. Long content
continues on further slides (see :mod:`.deck.layout`). The parts live in :mod:`.deck`.
"""

from __future__ import annotations

from typing import Any

from workshop.analysis import analyze

from .deck import sections
from .deck.layout import Deck, save
from .deck.swimlane import process_slides


def to_pptx(doc: dict[str, Any], lang: str) -> bytes:
    """The map as a 16:9 .pptx deck in ``lang``."""
    deck = Deck(lang)
    analysis = analyze(doc, lang)
    index = sections.Index(doc)
    sections.title_slide(deck, doc)
    sections.risk_overview(deck, doc, analysis)
    for seg, result in zip(doc["segments"], analysis.segments):
        sections.segment_divider(deck, seg, result)
        process_slides(deck, seg)
        sections.sales_process(deck, seg)
        sections.buying_group(deck, seg)
        sections.motives(deck, seg, doc, index)
        sections.friction(deck, seg, index)
        sections.consensus(deck, seg)
        sections.findings(deck, seg, result)
    sections.usps(deck, doc, index)
    sections.votes(deck, doc, index)
    sections.deals(deck, doc, index)
    sections.actions(deck, doc, index)
    return save(deck)
