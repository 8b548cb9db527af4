"""The finding codes, in the order of the contract's table (``map-format.md``, "The analysis").

The codes are a contract (``plan_*``: the project's addition, ``docs/spec/deal-plan.md``): tests, users and exports filter on them, and findings are listed per
segment in this order. Keeping the tuple in one place means the analysis, the risk table and
the message catalogue can each be checked against it, so a new code cannot be half-added.
"""

from __future__ import annotations

#: every finding code, in the table's order
CODES: tuple[str, ...] = (
    "stage_no_exit_criteria",
    "stage_no_customer_steps",
    "stage_no_roles",
    "dead_end",
    "unreachable_step",
    "decision_role_missing",
    "procurement_late",
    "blocker_risk",
    "role_no_contact",
    "single_threaded",
    "role_not_involved",
    "hidden_influencer",
    "objection_unanswered",
    "usp_without_motive",
    "motive_unaddressed",
    "consensus_gap",
    "hidden_step_unsupported",
    "deal_no_next_step",
    "deal_roles_missing",
    "plan_step_overdue",
    "plan_milestone_unowned",
    "plan_customer_quiet",
)

#: the kind of element each code's ``about`` names (``segment`` when it is the segment itself)
ABOUT: dict[str, str] = {
    "stage_no_exit_criteria": "stage",
    "stage_no_customer_steps": "stage",
    "stage_no_roles": "stage",
    "dead_end": "step",
    "unreachable_step": "step",
    "decision_role_missing": "segment",
    "procurement_late": "segment",
    "blocker_risk": "role",
    "role_no_contact": "role",
    "single_threaded": "segment",
    "role_not_involved": "role",
    "hidden_influencer": "role",
    "objection_unanswered": "objection",
    "usp_without_motive": "usp",
    "motive_unaddressed": "motive",
    "consensus_gap": "segment",
    "hidden_step_unsupported": "step",
    "deal_no_next_step": "deal",
    "deal_roles_missing": "deal",
    "plan_step_overdue": "plan_item",
    "plan_milestone_unowned": "plan_item",
    "plan_customer_quiet": "deal",
}

#: the decision roles whose absence ``decision_role_missing`` reports, in reporting order
#: (``procurement`` only when the segment buys with some procurement)
REQUIRED_DECISION_ROLES: tuple[str, ...] = ("problem_owner", "budget_owner", "procurement")

#: every decision role of the schema, in the schema's order (labels live in the i18n files)
DECISION_ROLES: tuple[str, ...] = (
    "problem_owner",
    "budget_owner",
    "approver",
    "technical_approver",
    "legal",
    "procurement",
    "user",
    "champion",
    "influencer",
    "blocker",
)
