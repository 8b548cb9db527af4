"""The editable slide decks (sales enablement): native PowerPoint shapes, tables and charts.

Sellers rework these slides into their own material, so nothing is a screenshot: the buying
process is drawn from shapes, every list is a real table and every chart carries its data.
Two decks, because a large map's every detail runs to 200+ slides and nobody presents that:

* :func:`to_pptx` (format ``pptx``), the executive deck: at most 25 slides for any map, the top
  items of each segment (see :mod:`.deck.executive`), each cut list pointing to the appendix;
* :func:`to_pptx_appendix` (format ``pptx-appendix``), everything: the title; the no-decision
  risk of every segment; per segment its divider, buying process (swimlane), buyer-aligned
  sales process, buying group (table and influence × stance chart), motives × USPs, friction
  (table and causes chart), consensus check and findings; then the USPs, the dot-vote results,
  deals and actions (each left out when the map has none). Long content continues on further
  slides (see :mod:`.deck.layout`).

Every slide has speaker notes built from its data, and the file carries its title and language.
"""

from __future__ import annotations

from typing import Any

from workshop.analysis import analyze

from .deck import executive, sections
from .deck.layout import Deck, clean, save
from .deck.swimlane import process_slides


def _save(deck: Deck, doc: dict[str, Any], kind: str) -> bytes:
    title = clean(doc["workshop"]["title"])
    return save(deck, deck.t("deck.document_title", title=title, kind=kind), deck.t("deck.subtitle"))


def to_pptx(doc: dict[str, Any], lang: str) -> bytes:
    """The executive deck of the map: a 16:9 .pptx of at most 25 slides, in ``lang``."""
    deck = Deck(lang)
    executive.build(deck, doc, analyze(doc, lang))
    return _save(deck, doc, deck.t("deck.kind.executive"))


def to_pptx_appendix(doc: dict[str, Any], lang: str) -> bytes:
    """Every detail of the map as a 16:9 .pptx deck in ``lang`` (the executive deck's appendix)."""
    deck = Deck(lang)
    analysis = analyze(doc, lang)
    index = sections.Index(doc)
    sections.title_slide(deck, doc, deck.t("deck.kind.appendix"))
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
    return _save(deck, doc, deck.t("deck.kind.appendix"))
