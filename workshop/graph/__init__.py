"""The map as a graph (networkx): what is connected to what, how central each role is, and
where every node sits in a drawing.

Pure Python on a validated map document (no streamlit, pyvis or duckdb), so the map page, the
exports and the benchmarks share it:

* :mod:`.build` – :func:`map_graph`: stages, steps, roles (and optionally motives and
  objections) as nodes; flows, containment, step owners, relations, involvement, … as edges;
* :mod:`.metrics` – :func:`role_metrics`: degree and betweenness of the roles in the relation
  graph (who is connected, who brokers between the others);
* :mod:`.layout` – :func:`layout` / :func:`positions`: deterministic coordinates (the journey
  left to right, the buying group below it), so the browser needs no physics.
"""

from __future__ import annotations

from .build import EDGE_KINDS, NODE_KINDS, View, map_graph
from .layout import layout, positions
from .metrics import RoleMetric, most_connected, relation_graph, role_metrics

__all__ = [
    "EDGE_KINDS",
    "NODE_KINDS",
    "RoleMetric",
    "View",
    "layout",
    "map_graph",
    "most_connected",
    "positions",
    "relation_graph",
    "role_metrics",
]
