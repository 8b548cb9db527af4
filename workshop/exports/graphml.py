"""GraphML (``--format graphml``): the map as a graph for networkx, Gephi and yEd.

Built on :func:`workshop.graph.map_graph` for every segment with ``View(extras=True)`` (stages,
steps, roles, motives, objections and all their edges), so the file is the same graph the
network map draws; USPs (``kind`` ``usp``, edges ``serves`` to motives) and deals (``kind``
``deal``, edges ``deal_stage`` and ``engaged``) are added. Node ids are the map's ids; every
node and edge attribute becomes a GraphML data key with a stable name (``kind``, ``label``,
``segment``, ``stance``, ...).

GraphML data are typed scalars, so lists become ``"; "``-joined strings and ``None`` is left
out; every string loses the characters XML 1.0 forbids (a control character in a sticky note
must not make the whole file unreadable). Numbers and booleans stay typed.
"""

from __future__ import annotations

import io
from typing import Any

import networkx as nx

from ..graph import View, map_graph
from .lookup import clean


def _value(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, (list, tuple, set)):
        return "; ".join(clean(v) for v in value)
    return clean(value)


def export_graph(doc: dict[str, Any]) -> nx.MultiDiGraph:
    """map_graph of all segments with the extras, plus USPs and deals, with GraphML-safe data."""
    g = map_graph(doc, None, View(extras=True))
    order = g.number_of_nodes()
    for usp in doc.get("usps", []):
        g.add_node(usp["id"], kind="usp", label=usp["text"], order=order)
        order += 1
    for deal in doc.get("deals", []):
        g.add_node(deal["id"], kind="deal", label=deal["name"], segment=deal["segment"], order=order,
                   stage=deal.get("stage"), next_internal_step=deal.get("next_internal_step"))
        order += 1
    for usp in doc.get("usps", []):
        for motive_id in usp.get("motives") or []:
            if motive_id in g:
                g.add_edge(usp["id"], motive_id, kind="serves")
    for deal in doc.get("deals", []):
        if deal.get("stage") in g:
            g.add_edge(deal["id"], deal["stage"], kind="deal_stage")
        for role_id in deal.get("roles_engaged") or []:
            if role_id in g:
                g.add_edge(deal["id"], role_id, kind="engaged")
    out = nx.MultiDiGraph()
    for node, data in g.nodes(data=True):
        out.add_node(clean(node), **{k: _value(v) for k, v in data.items() if v is not None})
    for a, b, data in g.edges(data=True):
        out.add_edge(clean(a), clean(b), **{k: _value(v) for k, v in data.items() if v is not None})
    return out


def to_graphml(doc: dict[str, Any], lang: str) -> bytes:
    """The graph as GraphML (UTF-8). Labels are user text as written; the language is unused."""
    buffer = io.BytesIO()
    nx.write_graphml(export_graph(doc), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()
