"""GraphML (``--format graphml``): the map as a graph for networkx, igraph, Gephi and yEd.

Built on :func:`workshop.graph.map_graph` for every segment with ``View(extras=True)`` (stages,
steps, roles, motives, objections and all their edges), so the file is the same graph the
network map draws; USPs (``kind`` ``usp``, edges ``serves`` to motives) and deals (``kind``
``deal``, edges ``deal_stage`` and ``engaged``) are added. Node ids are the map's ids; every
node and edge attribute becomes a GraphML data key with a stable name (``kind``, ``label``,
``segment``, ``stance``, ...).

What the receivers need, each found by opening the file in their program (issue 19):

- **Every edge has an id of its own** (``e0``, ``e1``, ...). networkx numbers the parallel
  edges of one pair from 0, so every edge was ``id="0"``, and Gephi keeps only the first edge
  of an id: the graph arrived with a handful of edges.
- **It opens as a picture, not a heap.** Each node carries the network map's layout and look:
  ``x``, ``y``, ``size`` and ``r``/``g``/``b`` (the attributes Gephi's GraphML import reads as
  position, size and colour), and yEd's own node graphics (``y:ShapeNode`` with geometry,
  fill, border, shape and label), which yEd draws as they are.

GraphML data are typed scalars, so lists become ``"; "``-joined strings and ``None`` is left
out; every string loses the characters XML 1.0 forbids (a control character in a sticky note
must not make the whole file unreadable). Numbers and booleans stay typed.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx

from ..graph import View, map_graph
from ..graph.layout import layout
from ..render.network import node_look
from .lookup import clean

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
YED_NS = "http://www.yworks.com/xml/graphml"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
#: the key yEd reads its node drawing from
YED_KEY = "yed_node"
#: how USPs and deals, which the network map does not draw, look in the file
_EXTRA_LOOK = {
    "usp": {"shape": "hexagon", "fill": "#fde68a", "border": "#92400e", "size": 40, "dashed": False},
    "deal": {"shape": "box", "fill": "#e2e8f0", "border": "#0f172a", "size": 50, "dashed": False},
}
#: vis-network shapes -> yEd's
_YED_SHAPES = {"box": "roundrectangle", "dot": "ellipse", "diamond": "diamond", "triangle": "triangle", "hexagon": "hexagon"}
_EXTRA_COLUMN_GAP = 320
_EXTRA_ROW = 90


def _value(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, (list, tuple, set)):
        return "; ".join(clean(v) for v in value)
    return clean(value)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def export_graph(doc: dict[str, Any]) -> nx.MultiDiGraph:
    """map_graph of all segments with the extras, plus USPs and deals, with GraphML-safe data,
    each node's place and colour, and a unique key (the GraphML id) for every edge."""
    return _drawn(doc)[0]


def _drawn(doc: dict[str, Any]) -> tuple[nx.MultiDiGraph, dict[str, dict[str, Any]]]:
    """The export graph, and each node's look (shape, fill, border, dashed) by its id."""
    g = map_graph(doc, None, View(extras=True))
    pos = layout(g)
    looks = {node: node_look(data) for node, data in g.nodes(data=True)}
    right = max((x for x, _ in pos.values()), default=0) + _EXTRA_COLUMN_GAP
    order = g.number_of_nodes()
    for row, usp in enumerate(doc.get("usps", [])):
        g.add_node(usp["id"], kind="usp", label=usp["text"], order=order)
        pos[usp["id"]], looks[usp["id"]] = (right, row * _EXTRA_ROW), _EXTRA_LOOK["usp"]
        order += 1
    for row, deal in enumerate(doc.get("deals", [])):
        g.add_node(deal["id"], kind="deal", label=deal["name"], segment=deal["segment"], order=order,
                   stage=deal.get("stage"), next_internal_step=deal.get("next_internal_step"))
        pos[deal["id"]], looks[deal["id"]] = (right + _EXTRA_COLUMN_GAP, row * _EXTRA_ROW), _EXTRA_LOOK["deal"]
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
        look = looks[node]
        red, green, blue = _rgb(look["fill"])
        x, y = pos.get(node, (0, 0))
        drawn = {"x": float(x), "y": float(y), "size": float(look["size"]), "r": red, "g": green, "b": blue,
                 "color": look["fill"]}
        out.add_node(clean(node), **{k: _value(v) for k, v in data.items() if v is not None}, **drawn)
    for number, (a, b, data) in enumerate(g.edges(data=True)):
        out.add_edge(clean(a), clean(b), key=f"e{number}", **{k: _value(v) for k, v in data.items() if v is not None})
    return out, {clean(node): look for node, look in looks.items()}


def to_graphml(doc: dict[str, Any], lang: str) -> bytes:
    """The graph as GraphML (UTF-8) with yEd's node graphics. Labels are user text as written;
    the language is unused."""
    graph, looks = _drawn(doc)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    return _with_yed_drawing(buffer.getvalue(), graph, looks)


def _with_yed_drawing(written: bytes, graph: nx.MultiDiGraph, looks: dict[str, dict[str, Any]]) -> bytes:
    """``written`` with a ``y:ShapeNode`` for every node (yEd reads nothing else as a drawing;
    networkx writes data values as text only, so the elements are added to its output)."""
    for prefix, uri in (("", GRAPHML_NS), ("y", YED_NS), ("xsi", XSI_NS)):
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(written)
    key = ET.Element(f"{{{GRAPHML_NS}}}key", {"for": "node", "id": YED_KEY, "yfiles.type": "nodegraphics"})
    first_graph = root.find(f"{{{GRAPHML_NS}}}graph")
    root.insert(list(root).index(first_graph), key)
    for element in first_graph.iter(f"{{{GRAPHML_NS}}}node"):
        data = graph.nodes[element.get("id")]
        look = looks[element.get("id")]
        size = data["size"]
        wide = size * (3 if data["kind"] in ("stage", "step", "deal") else 1)
        holder = ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": YED_KEY})
        shape = ET.SubElement(holder, f"{{{YED_NS}}}ShapeNode")
        ET.SubElement(shape, f"{{{YED_NS}}}Geometry", {
            "x": f"{data['x'] - wide / 2:.1f}", "y": f"{data['y'] - size / 2:.1f}", "width": f"{wide:.1f}", "height": f"{size:.1f}"})
        ET.SubElement(shape, f"{{{YED_NS}}}Fill", {"color": data["color"], "transparent": "false"})
        ET.SubElement(shape, f"{{{YED_NS}}}BorderStyle",
                      {"color": look["border"], "type": "dashed" if look["dashed"] else "line", "width": "2.0"})
        label = ET.SubElement(shape, f"{{{YED_NS}}}NodeLabel")
        label.text = str(data.get("label", ""))
        ET.SubElement(shape, f"{{{YED_NS}}}Shape", {"type": _YED_SHAPES.get(look["shape"], "roundrectangle")})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
