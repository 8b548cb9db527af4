"""The network map as rows of text: what the map page offers beside its drawing.

Why (issue 17, item 7): the drawing is a canvas in a frame, which a screen reader cannot read
and axe cannot see into. The same graph (:func:`workshop.graph.build.map_graph`, so the table
shows exactly what the drawing shows) is listed here as one row per connection, in the map's
order: from, how, to. The page puts the words of "how" in the viewer's language.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Connection:
    source: str  # the label of one end (user text: shown as text)
    kind: str  # the edge's kind: contains, flow, owner, involvement, relation, holds, raises, raised_in
    detail: str | None  # a flow's or relation's kind, an involvement's level
    target: str


def connections(g: nx.MultiDiGraph) -> list[Connection]:
    """Every edge of ``g`` as a row, in the order the edges were added (the map's order)."""
    rows = []
    for a, b, data in g.edges(data=True):
        detail = data.get("flow_kind") or data.get("relation_kind") or data.get("level")
        rows.append(Connection(g.nodes[a]["label"], data["kind"], None if detail is None else str(detail), g.nodes[b]["label"]))
    return rows
