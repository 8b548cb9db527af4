"""A map document as a networkx ``MultiDiGraph``.

Node ids are the elements' ids (unique across the whole document). Every node has ``kind``
(``stage``, ``step``, ``role``, ``motive``, ``objection``), ``label`` (the element's name or
text, as written: user text, escape it when drawing), ``segment`` and ``order`` (its place in
the map), plus what a drawing colours by:

* stage: ``index``, ``exit_criteria`` (how many), ``buyer_enablement`` (how many);
* step: ``stage``, ``stage_index``, ``index``, ``step_kind``, ``behind_the_scenes``, ``owner``;
* role: ``stance``, ``influence``, ``function``, ``decision_roles``, ``has_contact``;
* motive: ``importance``, ``motive_kind``;
* objection: ``severity``, ``objection_kind``, ``stage``, ``answered``, ``no_decision_cause``.

Every edge has ``kind`` (one of :data:`EDGE_KINDS`) and, where the map has one, ``label``:

* ``flow`` step → step, with ``flow_kind`` (next, alternative, loop, plan_b);
* ``contains`` stage → step;
* ``owner`` step → role (the role that owns the step);
* ``relation`` role → role, with ``relation_kind`` (reports_to, influences, trusts, conflicts);
* ``involvement`` role → stage, with ``level`` (decides, approves, influences, consulted, informed);
* ``holds`` role → motive (the motive matters to the role);
* ``raises`` role → objection (the role raises it);
* ``raised_in`` objection → stage (where the objection comes up).

Defaults of absent fields come from :func:`workshop.model.defaults.get`. Edges whose ends are
not both in the graph (another view, a dangling reference) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import networkx as nx

from ..model.defaults import get

NODE_KINDS = ("stage", "step", "role", "motive", "objection")
EDGE_KINDS = ("flow", "contains", "owner", "relation", "involvement", "holds", "raises", "raised_in")

#: the choices of the map page's "what to show" filter
VIEWS = ("both", "journey", "group")


@dataclass(frozen=True)
class View:
    """What part of a segment to draw: the journey, the buying group, and the extras.

    ``extras`` adds objections (under their stage in the journey, or beside the roles that raise
    them) and, when the buying group is drawn, the buying motives beside the roles that hold them.
    """

    journey: bool = True
    group: bool = True
    extras: bool = False

    @classmethod
    def named(cls, name: str, extras: bool = False) -> "View":
        """``both``, ``journey`` or ``group`` (the map page's filter)."""
        if name not in VIEWS:
            raise ValueError(f"unknown view {name!r}; known: {', '.join(VIEWS)}")
        return cls(journey=name != "group", group=name != "journey", extras=extras)

    @property
    def motives(self) -> bool:
        return self.extras and self.group

    @property
    def objections(self) -> bool:
        return self.extras


def _segments(doc: Mapping[str, Any], segment: str | None) -> Iterable[Mapping[str, Any]]:
    for seg in doc.get("segments", []):
        if segment is None or seg["id"] == segment:
            yield seg


def map_graph(doc: Mapping[str, Any], segment: str | None = None, view: View = View()) -> nx.MultiDiGraph:
    """The graph of one segment (or of every segment when ``segment`` is None)."""
    g = nx.MultiDiGraph()
    order = 0
    for seg in _segments(doc, segment):
        sid = seg["id"]
        stages = seg.get("stages", [])
        if view.journey:
            for i, stage in enumerate(stages):
                g.add_node(
                    stage["id"], kind="stage", label=stage["name"], segment=sid, order=order, index=i,
                    exit_criteria=len(stage.get("exit_criteria") or []), buyer_enablement=len(stage.get("buyer_enablement") or []),
                )
                order += 1
                for j, step in enumerate(stage.get("steps", [])):
                    g.add_node(
                        step["id"], kind="step", label=step["text"], segment=sid, order=order, stage=stage["id"], stage_index=i, index=j,
                        step_kind=get("step", step, "kind"), behind_the_scenes=bool(get("step", step, "behind_the_scenes")),
                        owner=step.get("owner"),
                    )
                    order += 1
        if view.group:
            for role in seg.get("roles", []):
                g.add_node(
                    role["id"], kind="role", label=role["name"], segment=sid, order=order, stance=get("role", role, "stance"),
                    influence=get("role", role, "influence"), function=role.get("function"),
                    decision_roles=tuple(role.get("decision_roles") or ()), has_contact=bool(role.get("our_contact")),
                )
                order += 1
        if view.motives:
            for motive in seg.get("motives", []):
                g.add_node(
                    motive["id"], kind="motive", label=motive["text"], segment=sid, order=order,
                    importance=get("motive", motive, "importance"), motive_kind=motive.get("kind"),
                )
                order += 1
        if view.objections:
            for obj in seg.get("objections", []):
                g.add_node(
                    obj["id"], kind="objection", label=obj["text"], segment=sid, order=order, severity=get("objection", obj, "severity"),
                    objection_kind=obj.get("kind"), stage=obj.get("stage"), answered=bool(obj.get("responses")),
                    no_decision_cause=get("objection", obj, "no_decision_cause"),
                )
                order += 1
        _edges(g, seg)
    return g


def _edge(g: nx.MultiDiGraph, a: str | None, b: str | None, kind: str, **attrs: Any) -> None:
    if a in g and b in g:
        g.add_edge(a, b, kind=kind, **{k: v for k, v in attrs.items() if v is not None})


def _edges(g: nx.MultiDiGraph, seg: Mapping[str, Any]) -> None:
    """Every edge of one segment whose two ends are in the graph, in the map's order."""
    for stage in seg.get("stages", []):
        for step in stage.get("steps", []):
            _edge(g, stage["id"], step["id"], "contains")
    for flow in seg.get("flows", []):
        _edge(g, flow["from"], flow["to"], "flow", flow_kind=get("flow", flow, "kind"), label=flow.get("label"))
    for stage in seg.get("stages", []):
        for step in stage.get("steps", []):
            _edge(g, step["id"], step.get("owner"), "owner")
    for role in seg.get("roles", []):
        for stage_id, level in (role.get("involvement") or {}).items():
            _edge(g, role["id"], stage_id, "involvement", level=level)
    for rel in seg.get("relations", []):
        _edge(g, rel["from"], rel["to"], "relation", relation_kind=rel["kind"], label=rel.get("label"))
    for motive in seg.get("motives", []):
        for role_id in motive.get("roles") or []:
            _edge(g, role_id, motive["id"], "holds")
    for obj in seg.get("objections", []):
        for role_id in obj.get("roles") or []:
            _edge(g, role_id, obj["id"], "raises")
        _edge(g, obj["id"], obj.get("stage"), "raised_in")
