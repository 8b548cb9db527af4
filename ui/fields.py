"""The editable fields of every kind of element, for :mod:`ui.forms`.

One declaration per kind, so every page edits a step, a role or an objection the same way.
Choices that depend on the map (a step's owner is a role of its segment) are functions of the
segment. Labels are i18n keys: ``field.<kind>.<name>`` and ``option.<group>.<value>``.
"""

from __future__ import annotations

from typing import Any, Callable

from workshop.i18n import t

from .forms import Field

STEP_KINDS = ("action", "meeting", "decision", "approval", "document", "evaluation")
FLOW_KINDS = ("next", "alternative", "loop", "plan_b")
ROLE_FUNCTIONS = ("executive", "finance", "it", "security", "legal", "procurement", "operations", "user", "other")
DECISION_ROLES = ("problem_owner", "budget_owner", "approver", "technical_approver", "legal", "procurement", "user", "champion", "influencer", "blocker")
INVOLVEMENT = ("decides", "approves", "influences", "consulted", "informed")
RELATION_KINDS = ("reports_to", "influences", "trusts", "conflicts")
MOTIVE_KINDS = ("business", "personal", "risk")
OBJECTION_KINDS = ("substance", "risk", "mandate")
NO_DECISION_CAUSES = ("none", "unclear_ownership", "budget", "fear_of_change", "no_agreement", "no_priority")
PROCUREMENT = ("none", "informal", "procurement_function", "formal_tender")
STATUSES = ("yes", "partly", "no", "unknown")
ACTION_KINDS = ("buyer_enablement", "sales_enablement", "deal_activity", "research", "other")
ACTION_STATUSES = ("open", "doing", "done")
STANCES = (-2, -1, 0, 1, 2)


def option(group: str, lang: str) -> Callable[[Any], str]:
    """Plain-text labels of a fixed set of choices (``option.<group>.<value>``)."""
    return lambda value: t(f"option.{group}.{value}", lang)


def _names(seg: dict[str, Any], key: str, field: str = "name") -> dict[str, str]:
    return {x["id"]: x.get(field, x["id"]) for x in seg.get(key, [])}


def _stages(seg):
    return {s["id"]: s["name"] for s in seg.get("stages", [])}


def _steps(seg):
    return {st["id"]: f"{s['name']} › {st['text'][:60]}" for s in seg.get("stages", []) for st in s.get("steps", [])}


def stage_fields(lang: str) -> list[Field]:
    return [
        Field("name", "field.stage.name", "line", required=True),
        Field("customer_goal", "field.stage.customer_goal", "text"),
        Field("exit_criteria", "field.stage.exit_criteria", "texts", help="help.exit_criteria"),
        Field("must_be_true", "field.stage.must_be_true", "texts"),
        Field("questions", "field.stage.questions", "texts"),
        Field("seller_stage", "field.stage.seller_stage", "line"),
        Field("seller_activities", "field.stage.seller_activities", "texts"),
        Field("buyer_enablement", "field.stage.buyer_enablement", "texts", help="help.buyer_enablement"),
    ]


def step_fields(seg: dict[str, Any], lang: str) -> list[Field]:
    roles = _names(seg, "roles")
    return [
        Field("text", "field.step.text", "text", required=True),
        Field("kind", "field.step.kind", "choice", STEP_KINDS, option("step_kind", lang), required=True),
        Field("owner", "field.step.owner", "choice", tuple(roles), roles.get),
        Field("behind_the_scenes", "field.step.behind_the_scenes", "bool", help="help.behind_the_scenes"),
    ]


def flow_fields(seg: dict[str, Any], lang: str) -> list[Field]:
    steps = _steps(seg)
    return [
        Field("from", "field.flow.from", "choice", tuple(steps), steps.get, required=True),
        Field("to", "field.flow.to", "choice", tuple(steps), steps.get, required=True),
        Field("kind", "field.flow.kind", "choice", FLOW_KINDS, option("flow_kind", lang), required=True),
        Field("label", "field.flow.label", "line"),
    ]


def role_fields(lang: str) -> list[Field]:
    return [
        Field("name", "field.role.name", "line", required=True),
        Field("function", "field.role.function", "choice", ROLE_FUNCTIONS, option("role_function", lang)),
        Field("decision_roles", "field.role.decision_roles", "multi", DECISION_ROLES, option("decision_role", lang)),
        Field("influence", "field.role.influence", "int", lo=1, hi=5),
        Field("stance", "field.role.stance", "int", STANCES, option("stance", lang), lo=-2, hi=2),
        Field("personal_risk", "field.role.personal_risk", "text"),
        Field("success_measure", "field.role.success_measure", "text"),
        Field("our_contact", "field.role.our_contact", "line"),
    ]


def relation_fields(seg: dict[str, Any], lang: str) -> list[Field]:
    roles = _names(seg, "roles")
    return [
        Field("from", "field.relation.from", "choice", tuple(roles), roles.get, required=True),
        Field("kind", "field.relation.kind", "choice", RELATION_KINDS, option("relation_kind", lang), required=True),
        Field("to", "field.relation.to", "choice", tuple(roles), roles.get, required=True),
        Field("label", "field.relation.label", "line"),
    ]


def motive_fields(seg: dict[str, Any], lang: str) -> list[Field]:
    roles = _names(seg, "roles")
    return [
        Field("text", "field.motive.text", "text", required=True),
        Field("kind", "field.motive.kind", "choice", MOTIVE_KINDS, option("motive_kind", lang)),
        Field("roles", "field.motive.roles", "multi", tuple(roles), roles.get),
        Field("importance", "field.motive.importance", "int", lo=1, hi=5),
    ]


def usp_fields(doc: dict[str, Any], lang: str) -> list[Field]:
    motives = {m["id"]: m["text"][:80] for s in doc["segments"] for m in s.get("motives", [])}
    return [
        Field("text", "field.usp.text", "text", required=True),
        Field("motives", "field.usp.motives", "multi", tuple(motives), motives.get),
    ]


def objection_fields(seg: dict[str, Any], lang: str) -> list[Field]:
    roles, stages = _names(seg, "roles"), _stages(seg)
    return [
        Field("text", "field.objection.text", "text", required=True),
        Field("kind", "field.objection.kind", "choice", OBJECTION_KINDS, option("objection_kind", lang)),
        Field("stage", "field.objection.stage", "choice", tuple(stages), stages.get),
        Field("roles", "field.objection.roles", "multi", tuple(roles), roles.get),
        Field("no_decision_cause", "field.objection.no_decision_cause", "choice", NO_DECISION_CAUSES, option("no_decision_cause", lang)),
        Field("severity", "field.objection.severity", "int", lo=1, hi=5),
        Field("responses", "field.objection.responses", "texts"),
    ]


def segment_fields(lang: str) -> list[Field]:
    return [
        Field("name", "field.segment.name", "line", required=True),
        Field("description", "field.segment.description", "text"),
        Field("procurement", "field.segment.procurement", "choice", PROCUREMENT, option("procurement", lang)),
        Field("why_now", "field.segment.why_now", "text"),
    ]


def criterion_fields(lang: str) -> list[Field]:
    return [
        Field("status", "field.criterion.status", "choice", STATUSES, option("status", lang), required=True),
        Field("note", "field.criterion.note", "text"),
    ]


def deal_fields(doc: dict[str, Any], seg: dict[str, Any], lang: str) -> list[Field]:
    roles, stages = _names(seg, "roles"), _stages(seg)
    return [
        Field("name", "field.deal.name", "line", required=True),
        Field("stage", "field.deal.stage", "choice", tuple(stages), stages.get),
        Field("next_internal_step", "field.deal.next_internal_step", "text", help="help.next_internal_step"),
        Field("roles_engaged", "field.deal.roles_engaged", "multi", tuple(roles), roles.get),
        Field("notes", "field.deal.notes", "text"),
    ]


def action_fields(about: dict[str, str], lang: str) -> list[Field]:
    return [
        Field("text", "field.action.text", "text", required=True),
        Field("kind", "field.action.kind", "choice", ACTION_KINDS, option("action_kind", lang)),
        Field("about", "field.action.about", "choice", tuple(about), about.get),
        Field("owner", "field.action.owner", "line"),
        Field("due", "field.action.due", "date"),
        Field("status", "field.action.status", "choice", ACTION_STATUSES, option("action_status", lang)),
    ]
