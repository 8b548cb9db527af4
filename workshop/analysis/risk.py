"""The no-decision risk of a segment, from 0 to 100, made of its findings alone.

Formula
-------
Every finding code has a number of *points per finding* and a *cap* (:data:`RISK_TABLE`)::

    risk = min(100, sum over codes of min(cap, points × number of findings of that code))

Why this formula
----------------
* **Additive**, so every point is traceable: :func:`breakdown` lists, per code, how many
  findings gave how many points, and (below 100) the lines add up to the risk exactly. A
  facilitator can say "16 of these points are missing decision roles".
* **Capped per code**, so one kind of gap cannot drown the rest: twenty unanswered objections
  weigh 12 points, not 80, and a map with many small gaps of one kind does not look riskier than
  one missing its budget owner and its consensus.
* **Weighted by what stalls decisions**: gaps in the buying group and the consensus
  (decision roles, blockers, single-threading, consensus) weigh most, because the usual way a
  purchase dies is *no decision*; gaps in the drawing of the journey weigh least.
* **Monotone and deterministic**: every term is non-decreasing in its count and ``min`` keeps
  that, so adding a finding never lowers the risk and mending one never raises it; no findings
  give 0. Nothing but the codes of the findings is read.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from .codes import CODES
from .result import Finding, RiskLine

#: the highest risk
MAX_RISK = 100

#: code -> (points per finding, cap for the code), in the contract's order of codes
RISK_TABLE: dict[str, tuple[int, int]] = {
    "stage_no_exit_criteria": (3, 9),
    "stage_no_customer_steps": (2, 6),
    "stage_no_roles": (3, 9),
    "dead_end": (2, 6),
    "unreachable_step": (2, 6),
    "decision_role_missing": (8, 16),
    "procurement_late": (6, 6),
    "blocker_risk": (8, 16),
    "role_no_contact": (3, 9),
    "single_threaded": (8, 8),
    "role_not_involved": (2, 6),
    "hidden_influencer": (4, 8),
    "objection_unanswered": (4, 12),
    "usp_without_motive": (1, 3),
    "motive_unaddressed": (4, 8),
    "consensus_gap": (5, 30),
    "hidden_step_unsupported": (3, 9),
    "deal_no_next_step": (4, 8),
    "deal_roles_missing": (4, 8),
    "plan_step_overdue": (2, 6),
    "plan_milestone_unowned": (2, 6),
    "plan_customer_quiet": (4, 8),
}

assert tuple(RISK_TABLE) == CODES, "RISK_TABLE must list every code, in the contract's order"


def _codes(findings: Iterable[Finding | str]) -> Counter[str]:
    return Counter(f if isinstance(f, str) else f.code for f in findings)


def breakdown(findings: Iterable[Finding | str]) -> list[RiskLine]:
    """Per code present (in the contract's order): how many findings, and the points they give."""
    counts = _codes(findings)
    lines = []
    for code, (points, cap) in RISK_TABLE.items():
        if counts[code]:
            lines.append(RiskLine(code, counts[code], min(cap, points * counts[code])))
    return lines


def risk(findings: Iterable[Finding | str]) -> int:
    """The no-decision risk (0..100) of one segment's findings (or their codes)."""
    return min(MAX_RISK, sum(line.points for line in breakdown(findings)))


#: the codes that are gaps in the *drawing* of the journey (flows not drawn yet), not in how
#: the customer decides: a map with only these is unfinished, not at risk
DRAWING_CODES = frozenset({"dead_end", "unreachable_step"})


def drawing_only(findings: Iterable[Finding | str]) -> bool:
    """Whether every finding is a gap in the drawing (and there is at least one)."""
    codes = _codes(findings)
    return bool(codes) and set(codes) <= DRAWING_CODES


def best_mends(findings: Iterable[Finding], n: int = 3) -> list[tuple[Finding, int]]:
    """The ``n`` findings whose mending lowers the risk most, one after the other, each with the
    points it takes off (a greedy walk: the second mend is the best once the first is made).
    A finding past its code's cap takes off nothing and is never proposed; ties keep the
    contract's order of codes, then the findings' order."""
    left = list(findings)
    order = {code: i for i, code in enumerate(RISK_TABLE)}
    chosen: list[tuple[Finding, int]] = []
    for _ in range(n):
        now = risk(left)
        best: tuple[int, int, int] | None = None
        for i, f in enumerate(left):
            gain = now - risk(left[:i] + left[i + 1:])
            key = (-gain, order.get(f.code, len(order)), i)
            if gain > 0 and (best is None or key < best):
                best = key
        if best is None:
            break
        f = left.pop(best[2])
        chosen.append((f, -best[0]))
    return chosen
