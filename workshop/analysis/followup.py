"""After the workshop: live deals placed on the customer's buying stages, and the actions the
group decided on.

Pure functions over a map document (no streamlit, no store) for the ``deals`` and ``actions``
pages, the coaching sheet and the pipeline: they depend on the map and its findings alone, so
they sit beside the analysis and every reader of a map gets the same answer. A deal belongs to one segment (its ``segment`` field); an action belongs to the segment
of the element it is ``about`` (a stage, step, role, motive, objection or deal), and to no
segment when it is about nothing, a USP, a participant or a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from ..model.defaults import get
from ..model.element_schema import map_schema
from .deals import DECIDING
from .result import Finding

Json = dict[str, Any]


def _action_enum(field: str) -> tuple[str, ...]:
    return tuple(map_schema()["properties"]["actions"]["items"]["properties"][field]["enum"])


#: kinds of action, in the schema's order (the order the page groups them in)
ACTION_KINDS: tuple[str, ...] = _action_enum("kind")
#: statuses of an action, from not started to done
ACTION_STATUSES: tuple[str, ...] = _action_enum("status")


# -- deals -----------------------------------------------------------------------------------
def segment_deals(doc: Json, segment_id: str) -> list[Json]:
    return [d for d in doc.get("deals") or [] if d.get("segment") == segment_id]


@dataclass(frozen=True)
class StageRow:
    """The deals whose customer is in one buying stage (``stage`` ``None``: not placed yet)."""

    stage: Json | None
    deals: list[Json]


def deals_by_stage(seg: Json, deals: Iterable[Json]) -> list[StageRow]:
    """One row per buying stage of the segment (empty rows included, so the board shows the
    whole process), then a row of the deals without a known stage when there are any."""
    deals = list(deals)
    stages = seg.get("stages") or []
    known = {s["id"] for s in stages}
    rows = [StageRow(s, [d for d in deals if d.get("stage") == s["id"]]) for s in stages]
    loose = [d for d in deals if d.get("stage") not in known]
    if loose:
        rows.append(StageRow(None, loose))
    return rows


@dataclass(frozen=True)
class MissingRole:
    """A role that decides or approves in the deal's stage and that the deal has not engaged."""

    role: str
    name: str
    involvement: str


@dataclass(frozen=True)
class DealHealth:
    """What the analysis says about one deal: where its decision lacks energy."""

    deal: str
    no_next_step: bool
    missing: list[MissingRole]
    findings: list[Finding]

    @property
    def healthy(self) -> bool:
        return not self.findings


def deal_health(seg: Json, deal: Json, findings: Iterable[Finding]) -> DealHealth:
    """The deal's own findings (``deal_no_next_step``, ``deal_roles_missing``, and its plan's:
    ``plan_*`` about the deal or a line of its plan), with each missing role's name and how it
    takes part in the deal's stage."""
    lines = {line["id"] for line in deal.get("plan") or []}
    mine = [
        f for f in findings
        if (f.about == deal["id"] and f.code in ("deal_no_next_step", "deal_roles_missing", "plan_customer_quiet"))
        or (f.about in lines and f.code in ("plan_step_overdue", "plan_milestone_unowned"))
    ]
    roles = {r["id"]: r for r in seg.get("roles") or []}
    missing = []
    for f in mine:
        if f.code == "deal_roles_missing" and f.detail in roles:
            role = roles[f.detail]
            how = (role.get("involvement") or {}).get(deal.get("stage") or "", "decides")
            missing.append(MissingRole(role["id"], role["name"], how))
    return DealHealth(deal["id"], any(f.code == "deal_no_next_step" for f in mine), missing, mine)


def deciding_roles(seg: Json, stage_id: str | None) -> list[Json]:
    """Roles that decide or approve in a stage, in the map's order."""
    if not stage_id:
        return []
    return [r for r in seg.get("roles") or [] if (r.get("involvement") or {}).get(stage_id) in DECIDING]


def deals_tally(healths: Iterable[DealHealth]) -> dict[str, int]:
    """How many deals there are, lack the customer's next step, or miss a deciding role."""
    healths = list(healths)
    return {
        "deals": len(healths),
        "no_next_step": sum(1 for h in healths if h.no_next_step),
        "roles_missing": sum(1 for h in healths if h.missing),
    }


# -- actions ---------------------------------------------------------------------------------
def element_segments(doc: Json) -> dict[str, str]:
    """Element id -> id of the segment it belongs to (stages, steps, roles, motives, objections
    and the segment itself; deals by their ``segment`` field)."""
    out: dict[str, str] = {}
    for seg in doc.get("segments") or []:
        sid = seg["id"]
        out[sid] = sid
        for stage in seg.get("stages") or []:
            out[stage["id"]] = sid
            for step in stage.get("steps") or []:
                out[step["id"]] = sid
        for key in ("roles", "motives", "objections"):
            for item in seg.get(key) or []:
                out[item["id"]] = sid
    for deal in doc.get("deals") or []:
        out[deal["id"]] = deal["segment"]
    return out


def segment_actions(doc: Json, segment_id: str) -> list[Json]:
    """The actions a segment's page shows, in map order: those about an element of the segment
    and those of the whole workshop (about nothing, a USP, a participant or a note); actions
    about another segment's elements are left out."""
    where = element_segments(doc)
    return [a for a in doc.get("actions") or [] if where.get(a.get("about") or "", segment_id) == segment_id]


def about_choices(doc: Json, segment_id: str) -> list[tuple[str, str]]:
    """What an action of this segment can be about, as (element id, kind): the segment's stages,
    customer steps, roles, motives and objections, its deals, and the workshop's USPs."""
    seg = next(s for s in doc["segments"] if s["id"] == segment_id)
    out: list[tuple[str, str]] = [(s["id"], "stage") for s in seg.get("stages") or []]
    out += [(st["id"], "step") for s in seg.get("stages") or [] for st in s.get("steps") or []]
    for key, kind in (("roles", "role"), ("motives", "motive"), ("objections", "objection")):
        out += [(x["id"], kind) for x in seg.get(key) or []]
    out += [(d["id"], "deal") for d in segment_deals(doc, segment_id)]
    out += [(u["id"], "usp") for u in doc.get("usps") or []]
    return out


def status(action: Json) -> str:
    return get("action", action, "status")


def kind(action: Json) -> str:
    return get("action", action, "kind")


def by_kind(actions: Iterable[Json]) -> list[tuple[str, list[Json]]]:
    """Actions grouped by kind in the schema's order; kinds without actions left out."""
    actions = list(actions)
    groups = [(k, [a for a in actions if kind(a) == k]) for k in ACTION_KINDS]
    return [(k, items) for k, items in groups if items]


def is_overdue(action: Json, today: dt.date) -> bool:
    """Due before ``today`` and not done."""
    due = action.get("due")
    if not due or status(action) == "done":
        return False
    try:
        return dt.date.fromisoformat(due) < today
    except ValueError:
        return False


def actions_tally(actions: Iterable[Json], today: dt.date) -> dict[str, int]:
    """How many actions have each status, and how many are overdue."""
    actions = list(actions)
    tally = {s: sum(1 for a in actions if status(a) == s) for s in ACTION_STATUSES}
    tally["overdue"] = sum(1 for a in actions if is_overdue(a, today))
    return tally


@dataclass(frozen=True)
class Suggestion:
    """A gap of the map that could become an action: ``code`` of the finding, the action's
    ``kind``, what it is ``about`` and the finding's ``detail``."""

    code: str
    kind: str
    about: str
    detail: str | None


#: which findings suggest which kind of action
SUGGESTED_KIND: dict[str, str] = {
    "hidden_step_unsupported": "buyer_enablement",
    "stage_no_exit_criteria": "research",
    "objection_unanswered": "sales_enablement",
    "motive_unaddressed": "research",
    "deal_no_next_step": "deal_activity",
    "deal_roles_missing": "deal_activity",
}


def suggestions(findings: Iterable[Finding], actions: Iterable[Json], limit: int = 8) -> list[Suggestion]:
    """Actions the map's gaps suggest, in the analysis's order, leaving out any gap that already
    has an action of that kind about that element."""
    taken = {(kind(a), a.get("about")) for a in actions}
    out: list[Suggestion] = []
    seen: set[tuple[str, str, str | None]] = set()
    for f in findings:
        k = SUGGESTED_KIND.get(f.code)
        if k is None or (k, f.about) in taken or (f.code, f.about, f.detail) in seen:
            continue
        seen.add((f.code, f.about, f.detail))
        out.append(Suggestion(f.code, k, f.about, f.detail))
        if len(out) >= limit:
            break
    return out
