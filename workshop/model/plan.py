"""A deal's mutual plan: built from the map, shared with the customer without what stays internal.

The map knows how this kind of customer buys: its stages with their exit criteria, the steps the
customer must take (with the role that takes them, many behind the scenes) and what we do to help
in each stage. A plan for one deal starts from that, from the deal's own stage to the last, so a
seller never starts from a blank template (``draft``). The seller then edits it like any other
element (lines are elements of kind ``plan_item`` under their deal), and the customer ticks it off
on a page of their own.

What reaches the customer is decided here and nowhere else (``customer_view``): the plan's own
fields, and the names of the stages and roles it mentions. A role's stance, influence and personal
risk, objections, deal notes and other deals are never read by it, so they cannot leak by a
template's mistake. Pure: plain dicts in, plain dicts out (the spec's addition is
``docs/spec/deal-plan.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: the kinds of line, in the order a stage shows them
LINE_KINDS: tuple[str, ...] = ("milestone", "customer", "ours")
#: a line's statuses, in their natural order (the default first)
STATUSES: tuple[str, ...] = ("not_started", "under_way", "done", "stuck")
DEFAULT_STATUS = "not_started"
#: involvement that makes a role the one who shows a stage's milestones
_DECIDING = ("decides", "approves")

#: the fields of a line the customer's page shows (and nothing else)
CUSTOMER_FIELDS: tuple[str, ...] = ("id", "stage", "kind", "text", "owner", "due", "status", "by_customer", "comments")
#: the fields the customer may change on an existing line
CUSTOMER_EDITABLE: tuple[str, ...] = ("status", "due")

Json = dict[str, Any]


def status_of(line: Mapping[str, Any]) -> str:
    return line.get("status") or DEFAULT_STATUS


def stages_from(segment: Mapping[str, Any], stage_id: str | None) -> list[Json]:
    """The segment's stages from ``stage_id`` (the deal's stage) to the last; all of them when
    the deal has no stage yet, or names one the segment no longer has."""
    stages = list(segment.get("stages") or [])
    ids = [s["id"] for s in stages]
    return stages[ids.index(stage_id):] if stage_id in ids else stages


def _shows_milestones(segment: Mapping[str, Any], stage_id: str) -> str | None:
    """The role that decides (else approves) in the stage: who shows its exit criteria."""
    for wanted in _DECIDING:
        for role in segment.get("roles") or []:
            if (role.get("involvement") or {}).get(stage_id) == wanted:
                return role["id"]
    return None


def draft(segment: Mapping[str, Any], deal: Mapping[str, Any], new_id: Callable[[], str]) -> list[Json]:
    """The plan lines a deal starts with, in order: per stage from the deal's to the last, its
    exit criteria as milestones, the customer's steps with the role that owns each, and what we
    do to help. No dates and no names yet: those are the seller's and the customer's to set."""
    lines: list[Json] = []
    roles = {r["id"]: r for r in segment.get("roles") or []}
    for stage in stages_from(segment, deal.get("stage")):
        sid = stage["id"]
        shows = _shows_milestones(segment, sid)
        for text in stage.get("exit_criteria") or []:
            line: Json = {"id": new_id(), "stage": sid, "kind": "milestone", "text": text}
            if shows:
                line["role"] = shows
            lines.append(line)
        for step in stage.get("steps") or []:
            line = {"id": new_id(), "stage": sid, "kind": "customer", "text": step["text"], "step": step["id"]}
            if step.get("owner") in roles:
                line["role"] = step["owner"]
            lines.append(line)
        for text in stage.get("seller_activities") or []:
            lines.append({"id": new_id(), "stage": sid, "kind": "ours", "text": text})
    return lines


def customer_line(line: Mapping[str, Any], role_names: Mapping[str, str]) -> Json:
    """One line as the customer sees it: whitelisted fields, its role by name."""
    out: Json = {k: line[k] for k in CUSTOMER_FIELDS if k in line}
    out["status"] = status_of(line)
    if line.get("role") in role_names:
        out["role_name"] = role_names[line["role"]]
    out["comments"] = [
        {"text": c["text"], "by": c["by"], "at": c["at"], "customer": bool(c.get("customer"))}
        for c in line.get("comments") or []
    ]
    return out


def customer_view(doc: Mapping[str, Any], deal_id: str) -> Json:
    """What the customer's page may show of one deal's plan: the workshop's title and language,
    the deal's name, and its plan grouped by stage (stage names only). Nothing else of the map."""
    deal = next(d for d in doc.get("deals") or [] if d["id"] == deal_id)
    segment = next((s for s in doc["segments"] if s["id"] == deal["segment"]), {"stages": [], "roles": []})
    role_names = {r["id"]: r["name"] for r in segment.get("roles") or []}
    plan = deal.get("plan") or []
    stages = []
    for stage in segment.get("stages") or []:
        mine = [customer_line(line, role_names) for line in plan if line["stage"] == stage["id"]]
        if mine:
            stages.append({"id": stage["id"], "name": stage["name"], "lines": mine})
    return {
        "title": doc["workshop"]["title"],
        "language": doc["workshop"].get("language", "en"),
        "deal": deal["name"],
        "stages": stages,
    }


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))


def last_customer_activity(plan: Iterable[Mapping[str, Any]]) -> dt.datetime | None:
    """When the customer last changed or commented on a line of the plan (``None``: never)."""
    seen = []
    for line in plan:
        if line.get("customer_changed"):
            seen.append(_instant(line["customer_changed"]))
        seen.extend(_instant(c["at"]) for c in line.get("comments") or [] if c.get("customer"))
    return max(seen) if seen else None


def overdue(line: Mapping[str, Any], today: dt.date) -> bool:
    """A line past its target date that is not done."""
    due = line.get("due")
    return bool(due) and dt.date.fromisoformat(due) < today and status_of(line) != "done"


def progress(plan: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """(lines done, lines) of a plan."""
    lines = list(plan)
    return sum(status_of(line) == "done" for line in lines), len(lines)
