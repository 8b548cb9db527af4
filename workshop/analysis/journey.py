"""Checks of the buying journey: stages, steps and the flows between steps.

These catch a journey the group has only half described: a stage nobody can verify the
customer left, a stage with nothing for the customer to do or nobody to do it, steps the flows
cannot reach or that lead nowhere, and steps the customer must take alone without help.
Each function answers one code of the contract and yields :class:`~.context.Hit` in the map's
order (stage order, then step order).
"""

from __future__ import annotations

from typing import Iterator

from workshop.model.defaults import get

from .context import Hit, SegmentView, short


def stage_no_exit_criteria(seg: SegmentView) -> Iterator[Hit]:
    for stage in seg.stages:
        if not stage.get("exit_criteria"):
            yield Hit(stage["id"], params={"name": stage["name"]})


def stage_no_customer_steps(seg: SegmentView) -> Iterator[Hit]:
    for stage in seg.stages:
        if not stage.get("steps"):
            yield Hit(stage["id"], params={"name": stage["name"]})


def stage_no_roles(seg: SegmentView) -> Iterator[Hit]:
    for stage in seg.stages:
        if not seg.roles_in_stage(stage["id"]):
            yield Hit(stage["id"], params={"name": stage["name"]})


def _step_hit(stage: dict, step: dict) -> Hit:
    return Hit(step["id"], params={"text": short(step["text"]), "stage": stage["name"]})


def dead_end(seg: SegmentView) -> Iterator[Hit]:
    """Steps with no way on, outside the last stage. Only a map that has flows is judged:
    before the group draws any flow, every step would be a dead end and the finding is noise."""
    if not seg.flows:
        return
    has_exit = {f["from"] for f in seg.flows}
    last = len(seg.stages) - 1
    for i, stage, step in seg.steps():
        if i != last and step["id"] not in has_exit:
            yield _step_hit(stage, step)


def unreachable_step(seg: SegmentView) -> Iterator[Hit]:
    """Steps no path of flows reaches from the first stage (whose steps are where paths start).

    One walk from all the starts at once: a walk from each start (networkx's ``descendants``
    per start) cost starts × flows, 0.3 s a segment of the biggest legal map (issue 18)."""
    if not seg.flows:
        return
    after: dict[str, list[str]] = {}
    for f in seg.flows:
        after.setdefault(f["from"], []).append(f["to"])
    reached = {step["id"] for i, _, step in seg.steps() if i == 0}
    frontier = list(reached)
    while frontier:
        for nxt in after.get(frontier.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    for i, stage, step in seg.steps():
        if i != 0 and step["id"] not in reached:
            yield _step_hit(stage, step)


def hidden_step_unsupported(seg: SegmentView) -> Iterator[Hit]:
    """Steps the customer takes behind the scenes in a stage that offers no buyer enablement."""
    for _, stage, step in seg.steps():
        if get("step", step, "behind_the_scenes") and not stage.get("buyer_enablement"):
            yield _step_hit(stage, step)
