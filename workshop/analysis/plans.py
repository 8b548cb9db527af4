"""Where a deal's plan shows that the customer's decision lacks energy.

A shared plan is the customer's own account of its next internal steps, so it answers the sales
manager's question better than the seller's forecast: a step past its date and not done, a
milestone nobody on the customer's side owns, a customer who has not touched the plan for two
weeks. Judged on ``ctx.today`` (the caller fixes it for repeatable output); plan findings belong
to the deal's segment, after the deal findings (``docs/spec/deal-plan.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from workshop.model.plan import last_customer_activity, overdue, status_of

from .context import Hit, SegmentView, short

#: days without the customer changing or commenting on anything in a shared plan
QUIET_DAYS = 14


def plan_step_overdue(seg: SegmentView) -> Iterator[Hit]:
    today = seg.ctx.today
    for deal in seg.deals:
        for line in deal.get("plan") or []:
            if overdue(line, today):
                yield Hit(line["id"], params={"name": deal["name"], "line": short(line["text"]), "due": line["due"]})


def plan_milestone_unowned(seg: SegmentView) -> Iterator[Hit]:
    for deal in seg.deals:
        for line in deal.get("plan") or []:
            if line["kind"] == "milestone" and not line.get("owner") and status_of(line) != "done":
                yield Hit(line["id"], params={"name": deal["name"], "line": short(line["text"])})


def plan_customer_quiet(seg: SegmentView) -> Iterator[Hit]:
    """A plan the customer has not touched for :data:`QUIET_DAYS`: counted from their last
    change or comment, else from when it was shared; a plan never shared and never touched by
    the customer is not judged (nobody asked the customer yet). A finished plan is not quiet."""
    today = seg.ctx.today
    for deal in seg.deals:
        plan = deal.get("plan") or []
        if not plan or all(status_of(line) == "done" for line in plan):
            continue
        since = last_customer_activity(plan) or seg.ctx.shared.get(deal["id"])
        if since is None:
            continue
        days = (today - since.astimezone(dt.timezone.utc).date()).days
        if days >= QUIET_DAYS:
            yield Hit(deal["id"], params={"name": deal["name"], "days": str(days)})
