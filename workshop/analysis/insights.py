"""The insights page's reading of the analysis: findings grouped by theme, the page where each
gap can be mended, findings per buying stage, and the no-decision risk explained point by point.

Pure functions of the map document and the :mod:`workshop.analysis` result (no store, no
streamlit): what a page shows of the analysis depends on nothing else, so it sits beside the
analysis, and the page, the HTML export and the tests read it alike. The words come from the
i18n catalogue in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from .codes import CODES
from .result import Finding, SegmentResult
from .risk import RISK_TABLE

#: theme -> the codes it gathers, in the contract's order of codes
THEMES: dict[str, tuple[str, ...]] = {
    "journey": (
        "stage_no_exit_criteria",
        "stage_no_customer_steps",
        "stage_no_roles",
        "dead_end",
        "unreachable_step",
        "hidden_step_unsupported",
    ),
    "group": (
        "decision_role_missing",
        "procurement_late",
        "blocker_risk",
        "role_no_contact",
        "single_threaded",
        "role_not_involved",
        "hidden_influencer",
    ),
    "friction": ("objection_unanswered", "usp_without_motive", "motive_unaddressed"),
    "consensus": ("consensus_gap",),
    "deals": ("deal_no_next_step", "deal_roles_missing", "plan_step_overdue", "plan_milestone_unowned", "plan_customer_quiet"),
}

#: code -> the page (``views/<name>.py``) where the element it is about is mended
CODE_PAGE: dict[str, str] = {
    "stage_no_exit_criteria": "process",
    "stage_no_customer_steps": "process",
    "stage_no_roles": "group",
    "dead_end": "process",
    "unreachable_step": "process",
    "hidden_step_unsupported": "process",
    "decision_role_missing": "group",
    "procurement_late": "group",
    "blocker_risk": "group",
    "role_no_contact": "group",
    "single_threaded": "group",
    "role_not_involved": "group",
    "hidden_influencer": "group",
    "objection_unanswered": "friction",
    "usp_without_motive": "motives",
    "motive_unaddressed": "motives",
    "consensus_gap": "consensus",
    "deal_no_next_step": "deals",
    "deal_roles_missing": "deals",
    "plan_step_overdue": "deals",
    "plan_milestone_unowned": "deals",
    "plan_customer_quiet": "deals",
}

THEME_OF: dict[str, str] = {code: theme for theme, codes in THEMES.items() for code in codes}

assert sorted(THEME_OF) == sorted(CODES), "every analysis code belongs to exactly one theme"
assert sorted(CODE_PAGE) == sorted(CODES), "every analysis code has a page"

#: the bar of findings that belong to no stage (roles, the segment as a whole, …)
NO_STAGE = ""


def by_theme(findings: Iterable[Finding]) -> list[tuple[str, list[tuple[str, list[Finding]]]]]:
    """[(theme, [(code, findings of that code)])] for the themes that have findings, in the order
    of :data:`THEMES` and of the codes; findings keep their order."""
    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    out = []
    for theme, codes in THEMES.items():
        groups = [(code, by_code[code]) for code in codes if code in by_code]
        if groups:
            out.append((theme, groups))
    return out


def clean_themes(findings: Iterable[Finding]) -> list[str]:
    """The themes without a single finding (worth saying out loud: they are in good shape)."""
    seen = {THEME_OF[f.code] for f in findings}
    return [theme for theme in THEMES if theme not in seen]


def stage_index(seg: Mapping[str, Any], deals: Sequence[Mapping[str, Any]] = ()) -> dict[str, str]:
    """Element id -> id of the buying stage it belongs to: a stage itself, its steps, the
    objections raised in it and the deals that are in it."""
    out: dict[str, str] = {}
    for stage in seg.get("stages", []):
        out[stage["id"]] = stage["id"]
        for step in stage.get("steps", []):
            out[step["id"]] = stage["id"]
    for obj in seg.get("objections", []):
        if obj.get("stage"):
            out[obj["id"]] = obj["stage"]
    for deal in deals:
        if deal.get("segment") == seg["id"] and deal.get("stage"):
            out[deal["id"]] = deal["stage"]
    return out


@dataclass(frozen=True)
class StageCount:
    """How many findings of each theme are about one stage (or none: ``stage`` is ``NO_STAGE``)."""

    stage: str
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def per_stage(doc: Mapping[str, Any], segment: str, findings: Iterable[Finding]) -> list[StageCount]:
    """One :class:`StageCount` per stage of the segment (in order), then one for the findings that
    belong to no stage (left out when there are none)."""
    seg = next(s for s in doc["segments"] if s["id"] == segment)
    where = stage_index(seg, doc.get("deals", []))
    counts: dict[str, dict[str, int]] = {s["id"]: {theme: 0 for theme in THEMES} for s in seg.get("stages", [])}
    loose = {theme: 0 for theme in THEMES}
    for f in findings:
        target = counts.get(where.get(f.about, NO_STAGE), loose)
        target[THEME_OF[f.code]] += 1
    out = [StageCount(s["id"], s["name"], counts[s["id"]]) for s in seg.get("stages", [])]
    if sum(loose.values()):
        out.append(StageCount(NO_STAGE, "", loose))
    return out


@dataclass(frozen=True)
class RiskPart:
    """One line of the risk explained: ``count`` findings of ``code`` gave ``points`` (``each``
    per finding, at most ``cap``)."""

    code: str
    count: int
    points: int
    each: int
    cap: int

    @property
    def capped(self) -> bool:
        return self.count * self.each > self.cap


def risk_parts(result: SegmentResult) -> list[RiskPart]:
    """The segment's risk breakdown with the rule of each line, biggest share first (ties in the
    contract's order of codes)."""
    parts = [RiskPart(line.code, line.count, line.points, *RISK_TABLE[line.code]) for line in result.breakdown]
    order = {code: i for i, code in enumerate(CODES)}
    return sorted(parts, key=lambda p: (-p.points, order[p.code]))


def risk_sum(result: SegmentResult) -> int:
    """The points before the risk stops at 100 (above 100 only for very weak maps)."""
    return sum(line.points for line in result.breakdown)


def risk_level(risk: int) -> str:
    """``low`` (below 25), ``medium`` (25-49) or ``high`` (50 and more)."""
    return "low" if risk < 25 else "medium" if risk < 50 else "high"
