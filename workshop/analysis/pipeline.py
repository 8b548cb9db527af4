"""The sales manager's pipeline as plain data: each deal of a map laid on its customer's own
buying stages, with where its decision lacks energy, and the board of lanes and columns.

A seller's pipeline says which of *our* stages a deal is in; the question the manager should ask
is "which part of the customer's decision process lacks energy?". So each deal is placed on its
segment's buying stages (the customer's, not ours), and, because maps differ in how many stages
they have, also on a normalised axis (0 = the segment's first stage, 1 = its last) so deals of
different workshops can be compared on one line. The findings come from the analysis
(``deal_no_next_step``, ``deal_roles_missing``, and the plan shared with the customer:
``plan_step_overdue``, ``plan_milestone_unowned``, ``plan_customer_quiet``), with messages in the viewer's language; the
stage's exit criteria and questions say what to verify and ask next.

Pure (no store, no streamlit): every function here takes a map document (or the cards made
from one) and nothing else, so the page, the tests and the benchmarks get the same board from
the same map. Reading the visible workshops' maps is the use case
:func:`workshop.services.pipeline.pipeline`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from . import analyze  # the package's entry point (it imports no calculator)
from .followup import MissingRole, deal_health, deals_by_stage, segment_deals
from .result import Analysis, Finding

Json = dict[str, Any]

#: the analysis codes that judge a live deal
DEAL_CODES: tuple[str, ...] = (
    "deal_no_next_step", "deal_roles_missing", "plan_step_overdue", "plan_milestone_unowned", "plan_customer_quiet",
)


@dataclass(frozen=True)
class DealCard:
    """One live deal, where its customer is in its own buying process, and what it lacks."""

    workshop_id: str
    workshop_title: str
    workshop_language: str
    segment_id: str
    segment_name: str
    deal: Json
    #: the customer's buying stage (``None``: not placed, or on a stage the segment lacks)
    stage: Json | None
    #: 0-based index of the stage in its segment (``None`` when not placed)
    stage_index: int | None
    #: how many buying stages the segment has
    stage_count: int
    findings: tuple[Finding, ...]
    missing: tuple[MissingRole, ...]
    engaged: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.deal["id"]

    @property
    def name(self) -> str:
        return self.deal["name"]

    @property
    def next_internal_step(self) -> str | None:
        return self.deal.get("next_internal_step") or None

    @property
    def codes(self) -> tuple[str, ...]:
        """The deal's finding codes, once each, in the contract's order."""
        return tuple(c for c in DEAL_CODES if any(f.code == c for f in self.findings))

    @property
    def lacks_energy(self) -> bool:
        """The verdict: nobody knows the customer's next internal step, or a role that decides
        or approves in the customer's stage is not engaged."""
        return bool(self.findings)

    @property
    def position(self) -> float | None:
        """How far along the customer's own process: 0 the first stage, 1 the last."""
        if self.stage_index is None:
            return None
        return self.stage_index / (self.stage_count - 1) if self.stage_count > 1 else 0.0

    @property
    def exit_criteria(self) -> list[str]:
        return list((self.stage or {}).get("exit_criteria") or [])

    @property
    def questions(self) -> list[str]:
        return list((self.stage or {}).get("questions") or [])


@dataclass(frozen=True)
class Lane:
    """One segment of one workshop: its buying stages and the deals standing in each."""

    workshop_id: str
    workshop_title: str
    segment_id: str
    segment_name: str
    stages: list[Json]
    #: per stage (in the segment's order) the deal cards there; then the loose ones
    columns: list[tuple[Json | None, list[DealCard]]] = field(default_factory=list)

    @property
    def cards(self) -> list[DealCard]:
        return [c for _, cards in self.columns for c in cards]


@dataclass(frozen=True)
class Filters:
    """What the manager narrows the pipeline to; ``None`` means no narrowing."""

    workshops: frozenset[str] | None = None
    #: (workshop id, segment id) pairs
    segments: frozenset[tuple[str, str]] | None = None
    only_findings: bool = False

    def keeps(self, card: DealCard) -> bool:
        if self.workshops is not None and card.workshop_id not in self.workshops:
            return False
        if self.segments is not None and (card.workshop_id, card.segment_id) not in self.segments:
            return False
        return card.lacks_energy or not self.only_findings


@dataclass(frozen=True)
class Pipeline:
    """The lanes that hold deals after filtering, and the choices the filters offer."""

    lanes: list[Lane]
    #: every visible workshop as (id, title), oldest first
    workshops: list[tuple[str, str]]
    #: every visible segment that holds deals, as (workshop id, segment id, segment name)
    segments: list[tuple[str, str, str]]

    @property
    def cards(self) -> list[DealCard]:
        return [c for lane in self.lanes for c in lane.cards]

    def narrowed(self, filters: Filters) -> Pipeline:
        """The same pipeline with only the deals ``filters`` keeps (no map is read or analysed
        again): every stage column stays, "no stage set" only while it holds a deal, and a lane
        left without deals goes."""
        if filters == Filters():
            return self
        kept = []
        for lane in self.lanes:
            columns = [(stage, [c for c in cards if filters.keeps(c)]) for stage, cards in lane.columns]
            columns = [(stage, cards) for stage, cards in columns if stage is not None or cards]
            if any(cards for _, cards in columns):
                kept.append(replace(lane, columns=columns))
        return Pipeline(kept, self.workshops, self.segments)


def deal_cards(doc: Json, lang: str, analysis: Analysis | None = None) -> list[DealCard]:
    """Every deal of one map, segment by segment in the map's order."""
    analysis = analysis or analyze(doc, lang)
    ws = doc["workshop"]
    out: list[DealCard] = []
    for seg in doc.get("segments") or []:
        stages = seg.get("stages") or []
        index = {s["id"]: i for i, s in enumerate(stages)}
        names = {r["id"]: r["name"] for r in seg.get("roles") or []}
        findings = [f for f in analysis.segment(seg["id"]).findings if f.code in DEAL_CODES]
        for deal in segment_deals(doc, seg["id"]):
            health = deal_health(seg, deal, findings)
            i = index.get(deal.get("stage") or "")
            out.append(
                DealCard(
                    workshop_id=ws["id"],
                    workshop_title=ws.get("title") or ws["id"],
                    workshop_language=ws.get("language") or "en",
                    segment_id=seg["id"],
                    segment_name=seg.get("name") or seg["id"],
                    deal=deal,
                    stage=stages[i] if i is not None else None,
                    stage_index=i,
                    stage_count=len(stages),
                    findings=tuple(health.findings),
                    missing=tuple(health.missing),
                    engaged=tuple(names.get(r, r) for r in deal.get("roles_engaged") or []),
                )
            )
    return out


def lanes(doc: Json, cards: Iterable[DealCard]) -> list[Lane]:
    """The board of one map: a lane per segment that has any of ``cards``, a column per stage
    (empty ones too, so the whole buying process shows), then the deals not placed."""
    cards = list(cards)
    ws = doc["workshop"]
    out = []
    for seg in doc.get("segments") or []:
        mine = [c for c in cards if c.segment_id == seg["id"]]
        if not mine:
            continue
        by_deal = {c.id: c for c in mine}
        rows = deals_by_stage(seg, [c.deal for c in mine])
        columns = [(row.stage, [by_deal[d["id"]] for d in row.deals]) for row in rows]
        out.append(
            Lane(
                ws["id"],
                ws.get("title") or ws["id"],
                seg["id"],
                seg.get("name") or seg["id"],
                seg.get("stages") or [],
                columns,
            )
        )
    return out


def tally(cards: Iterable[DealCard]) -> dict[str, int]:
    """How many deals there are, lack energy, lack the next step, miss a deciding role, are unplaced."""
    cards = list(cards)
    return {
        "deals": len(cards),
        "lacks_energy": sum(1 for c in cards if c.lacks_energy),
        "no_next_step": sum(1 for c in cards if "deal_no_next_step" in c.codes),
        "roles_missing": sum(1 for c in cards if c.missing),
        "unplaced": sum(1 for c in cards if c.stage_index is None),
    }


def sheet_file_name(card: DealCard) -> str:
    """A safe file name for a deal's coaching sheet (ids may hold ``:``, which some systems refuse)."""
    return "coaching-" + re.sub(r"[^A-Za-z0-9_.-]", "-", f"{card.workshop_id}-{card.id}") + ".md"
