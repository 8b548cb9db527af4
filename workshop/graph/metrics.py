"""How the roles of a buying group are connected: the numbers behind "who matters in this
network" (the design's hidden influencer, the broker between camps, the isolated role).

* ``connections`` – how many other roles a role has any relation with;
* ``broker`` – betweenness centrality (0..1) in the undirected graph of the relations that
  carry opinion (reports to, influences, trusts; conflicts carry none): the share of shortest
  paths between two other roles that pass through this one. A high broker score with low rated
  influence is a role worth a second look;
* ``influences`` / ``influenced_by`` – outgoing and incoming ``influences`` relations;
* ``conflicts`` – conflicts the role is part of; ``stages`` – buying stages it takes part in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import networkx as nx

from ..model.defaults import get

#: relation kinds along which opinion travels (used for the broker score)
CARRIERS = ("reports_to", "influences", "trusts")


@dataclass(frozen=True)
class RoleMetric:
    id: str
    name: str
    order: int
    stance: int
    influence: int
    connections: int
    broker: float
    influences: int
    influenced_by: int
    conflicts: int
    stages: int


def _segment(doc: Mapping[str, Any], segment: str) -> Mapping[str, Any]:
    for seg in doc.get("segments", []):
        if seg["id"] == segment:
            return seg
    raise KeyError(segment)


def relation_graph(seg: Mapping[str, Any]) -> nx.MultiDiGraph:
    """The roles of one segment and their relations (``relation_kind`` on every edge)."""
    g = nx.MultiDiGraph()
    for role in seg.get("roles", []):
        g.add_node(role["id"], label=role["name"])
    for rel in seg.get("relations", []):
        if rel["from"] in g and rel["to"] in g and rel["from"] != rel["to"]:
            g.add_edge(rel["from"], rel["to"], relation_kind=rel["kind"])
    return g


def role_metrics(doc: Mapping[str, Any], segment: str) -> list[RoleMetric]:
    """One :class:`RoleMetric` per role of the segment, in the map's order."""
    seg = _segment(doc, segment)
    g = relation_graph(seg)
    carriers = nx.Graph()
    carriers.add_nodes_from(g.nodes)
    carriers.add_edges_from((a, b) for a, b, k in g.edges(data="relation_kind") if k in CARRIERS)
    broker = nx.betweenness_centrality(carriers, normalized=True) if len(carriers) > 2 else {n: 0.0 for n in carriers}
    out = []
    for i, role in enumerate(seg.get("roles", [])):
        rid = role["id"]
        edges = list(g.out_edges(rid, data="relation_kind")) + list(g.in_edges(rid, data="relation_kind"))
        out.append(
            RoleMetric(
                id=rid,
                name=role["name"],
                order=i,
                stance=get("role", role, "stance"),
                influence=get("role", role, "influence"),
                connections=len(set(g.successors(rid)) | set(g.predecessors(rid))),
                broker=round(broker.get(rid, 0.0), 4),
                influences=sum(1 for _, _, k in g.out_edges(rid, data="relation_kind") if k == "influences"),
                influenced_by=sum(1 for _, _, k in g.in_edges(rid, data="relation_kind") if k == "influences"),
                conflicts=sum(1 for _, _, k in edges if k == "conflicts"),
                stages=len(role.get("involvement") or {}),
            )
        )
    return out


def most_connected(metrics: list[RoleMetric], limit: int = 8) -> list[RoleMetric]:
    """The roles with the most connections (ties: the higher broker score, then map order);
    roles without any relation are left out."""
    ranked = sorted((m for m in metrics if m.connections), key=lambda m: (-m.connections, -m.broker, m.order))
    return ranked[:limit]
