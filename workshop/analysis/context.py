"""Read-only views of a map document that the checks share.

The checks are small functions that each ask one question of a segment. Without a shared view,
each would re-derive the same things (which stage a step is in, a role's influence with its
default, which motives any USP serves) and they could disagree. :class:`SegmentView` computes
them once, applying the documented defaults through :func:`workshop.model.defaults.get`, and
:class:`Hit` is what a check yields before it is turned into a worded :class:`~.result.Finding`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from workshop.model.defaults import get

Json = dict[str, Any]


@dataclass(frozen=True)
class Hit:
    """A check's raw result: what it is ``about``, the ``detail`` and the message's placeholders."""

    about: str
    detail: str | None = None
    params: dict[str, str] = field(default_factory=dict)


def influence(role: Json) -> int:
    return get("role", role, "influence")


def stance(role: Json) -> int:
    return get("role", role, "stance")


def involvement(role: Json) -> dict[str, str]:
    """Stage id -> how the role takes part (empty when the role takes part nowhere)."""
    return role.get("involvement") or {}


def decision_roles(role: Json) -> list[str]:
    return role.get("decision_roles") or []


class MapContext:
    """Facts about the whole document that several segments' checks need."""

    def __init__(self, doc: Json, today: dt.date | None = None, shared: Mapping[str, dt.datetime] | None = None):
        self.doc = doc
        #: the day plan lines are judged on (overdue, a quiet customer): fixed by the caller
        #: for repeatable output, else the day of the analysis
        self.today: dt.date = today or dt.datetime.now(dt.timezone.utc).date()
        #: deal id -> when its plan was shared with the customer (the installation knows it,
        #: the map file does not)
        self.shared: Mapping[str, dt.datetime] = shared or {}
        self.workshop_id: str = doc["workshop"]["id"]
        self.segments: list[Json] = doc["segments"]
        self.first_segment_id: str = self.segments[0]["id"]
        self.usps: list[Json] = doc.get("usps") or []
        self.deals: list[Json] = doc.get("deals") or []

    @cached_property
    def served_motives(self) -> frozenset[str]:
        """Ids of the motives that at least one USP serves."""
        return frozenset(m for usp in self.usps for m in usp.get("motives") or [])

    def deals_of(self, segment_id: str) -> list[Json]:
        """The deals placed in a segment, in the map's order."""
        return [d for d in self.deals if d.get("segment") == segment_id]


class SegmentView:
    """One segment with its lookups precomputed (stages, steps in order, roles by id)."""

    def __init__(self, ctx: MapContext, seg: Json):
        self.ctx = ctx
        self.seg = seg
        self.id: str = seg["id"]
        self.name: str = seg["name"]
        self.procurement: str = get("segment", seg, "procurement")
        self.stages: list[Json] = seg.get("stages") or []
        self.flows: list[Json] = seg.get("flows") or []
        self.roles: list[Json] = seg.get("roles") or []
        self.relations: list[Json] = seg.get("relations") or []
        self.motives: list[Json] = seg.get("motives") or []
        self.objections: list[Json] = seg.get("objections") or []
        self.consensus: Json = seg.get("consensus") or {}
        self.role_by_id: dict[str, Json] = {r["id"]: r for r in self.roles}

    def steps(self) -> Iterator[tuple[int, Json, Json]]:
        """(stage index, stage, step) for every step: stage order, then step order."""
        for i, stage in enumerate(self.stages):
            for step in stage.get("steps") or []:
                yield i, stage, step

    @property
    def deals(self) -> list[Json]:
        return self.ctx.deals_of(self.id)

    def roles_in_stage(self, stage_id: str) -> list[Json]:
        """Roles that take part in a stage in any way, in the map's order."""
        return [r for r in self.roles if stage_id in involvement(r)]


#: longest element text quoted in a message, in characters (the ellipsis included)
SHORT_TEXT = 80


def short(text: str, limit: int = SHORT_TEXT) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" so a message stays one sentence.

    The result is still plain, unescaped text: views escape it (rule 4 of ``map-format.md``).
    """
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    return line[: limit - 1].rstrip() + "…"
