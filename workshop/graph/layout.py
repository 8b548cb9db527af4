"""Where each node of a map graph is drawn, computed once in Python (browser physics is far too
slow for large maps: 8 s for 200 nodes, 44 s for 1,000).

The drawing reads like the workshop's wall:

* **the journey on top**, left to right: one column per buying stage, the stage at the top, its
  steps under it in the map's order, and the objections raised in that stage under the steps;
* **the buying group below it**: roles (and motives, and objections tied to no stage in the
  view) placed by a force-directed layout (networkx ``spring_layout``) of their relations, each
  role starting under the stages it takes part in, so related roles sit together and a role
  tends to sit under the part of the journey where it acts;
* several segments (only when the graph holds more than one) are stacked top to bottom.

Deterministic: the starting positions are computed from the map's order (no randomness), and
the result is rounded to whole pixels, so the same map gives the same drawing (and the same
HTML) every time. Pure: callers cache the result per map version.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Mapping

import networkx as nx
import numpy as np

from .build import View, map_graph

#: pixels between two stage columns
STAGE_GAP = 240
#: pixels from a stage to its first step, and between two steps of a column
STEP_TOP = 110
STEP_GAP = 95
#: pixels between two objections under a column
OBJECTION_GAP = 80
#: pixels between the journey and the buying group, and between two segments
BAND_GAP = 200
SEGMENT_GAP = 300
#: the area (square pixels) one node of the buying group gets
CELL = 190 * 130
#: the room (width, height in pixels) a node of the buying group keeps free around it
NODE_BOX = (180.0, 95.0)
#: from this many nodes on, the buying group is laid out as a grid (the spring layout's dense
#: solver is quadratic, and networkx's sparse one needs SciPy, which the app does not ship)
SPRING_LIMIT = 400
#: the group layout's seed and iterations (fixed: the layout must not change between calls)
SEED = 7
ITERATIONS = 120

_GOLDEN = (math.sqrt(5) - 1) / 2
_GROUP_EDGES = ("relation", "holds", "raises")

Position = tuple[int, int]


def positions(doc: Mapping[str, Any], segment: str | None = None, view: View = View()) -> dict[str, Position]:
    """Node id -> (x, y) in pixels for the graph of ``segment`` (all segments when None)."""
    return layout(map_graph(doc, segment, view))


def layout(g: nx.MultiDiGraph) -> dict[str, Position]:
    """Node id -> (x, y) in pixels (y grows downwards, as in the browser)."""
    by_segment: dict[str, list[str]] = defaultdict(list)
    for node, seg in sorted(g.nodes(data="segment"), key=lambda item: g.nodes[item[0]]["order"]):
        by_segment[seg].append(node)
    pos: dict[str, Position] = {}
    top = 0
    for nodes in by_segment.values():
        bottom = _segment_block(g, nodes, top, pos)
        top = bottom + SEGMENT_GAP
    return pos


def _segment_block(g: nx.MultiDiGraph, nodes: list[str], top: int, pos: dict[str, Position]) -> int:
    """Place one segment's nodes from ``top`` down; returns the lowest y used."""
    columns: dict[str, int] = {}
    col_bottom: dict[int, int] = {}
    for node in nodes:
        data = g.nodes[node]
        if data["kind"] == "stage":
            columns[node] = data["index"]
            pos[node] = (data["index"] * STAGE_GAP, top)
            col_bottom[data["index"]] = top
        elif data["kind"] == "step":
            y = top + STEP_TOP + data["index"] * STEP_GAP
            pos[node] = (data["stage_index"] * STAGE_GAP, y)
            col_bottom[data["stage_index"]] = max(col_bottom.get(data["stage_index"], top), y)
    for node in nodes:  # objections under the steps of their stage
        data = g.nodes[node]
        if data["kind"] == "objection" and data.get("stage") in columns:
            col = columns[data["stage"]]
            y = col_bottom[col] + (STEP_TOP if col_bottom[col] == top else OBJECTION_GAP)
            pos[node] = (col * STAGE_GAP, y)
            col_bottom[col] = y
    journey_width = max(columns.values(), default=0) * STAGE_GAP
    bottom = max(col_bottom.values(), default=top - BAND_GAP)
    rest = [n for n in nodes if n not in pos]
    if not rest:
        return max(bottom, top)
    group_top = bottom + BAND_GAP
    if len(rest) >= SPRING_LIMIT:
        return _group_grid(g, rest, columns, journey_width, group_top, pos)
    placed = _group_positions(g, rest, columns)
    side = max(420.0, 1.25 * math.sqrt(len(rest) * CELL))
    width = max(side, float(journey_width))
    left = (journey_width - width) / 2
    points = np.array([(left + (x + 1) / 2 * width, group_top + (y + 1) / 2 * side) for x, y in placed.values()])
    points = separate(points)
    points[:, 1] += group_top - points[:, 1].min()
    for node, (px, py) in zip(placed, points):
        pos[node] = (int(round(px)), int(round(py)))
    return int(round(points[:, 1].max()))


def _group_grid(g: nx.MultiDiGraph, nodes: list[str], columns: dict[str, int], journey_width: int, top: int, pos: dict[str, Position]) -> int:
    """Very large groups: a grid, nodes ordered by the stages they are tied to (then map order)."""
    start = _starts(g, nodes, columns)
    ordered = sorted(nodes, key=lambda n: (round(start[n][0], 3), g.nodes[n]["order"]))
    cols = max(1, int(max(journey_width, math.sqrt(len(nodes)) * 1.6 * NODE_BOX[0]) // NODE_BOX[0]))
    left = (journey_width - (cols - 1) * NODE_BOX[0]) / 2
    for i, node in enumerate(ordered):
        pos[node] = (int(round(left + (i % cols) * NODE_BOX[0])), int(round(top + (i // cols) * NODE_BOX[1])))
    return top + ((len(ordered) - 1) // cols) * int(NODE_BOX[1])


def separate(points: np.ndarray, box: tuple[float, float] = NODE_BOX, rounds: int = 200) -> np.ndarray:
    """Push apart points whose boxes (width, height around each point) overlap, each pair along
    the axis where they overlap least; deterministic (ties broken by order). Returns a copy."""
    pts = np.array(points, dtype=float)
    n = len(pts)
    if n < 2:
        return pts
    w, h = box
    order = np.sign(np.arange(n)[:, None] - np.arange(n)[None, :]).astype(float)  # i after j: +1
    for _ in range(rounds):
        dx = pts[:, None, 0] - pts[None, :, 0]
        dy = pts[:, None, 1] - pts[None, :, 1]
        ox, oy = w - np.abs(dx), h - np.abs(dy)
        hit = (ox > 0.5) & (oy > 0.5)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        along_x = hit & (ox / w <= oy / h)
        along_y = hit & ~along_x
        sx = np.where(dx != 0, np.sign(dx), order)
        sy = np.where(dy != 0, np.sign(dy), order)
        pts[:, 0] += np.where(along_x, sx * (ox / 2 + 0.5), 0.0).sum(axis=1)
        pts[:, 1] += np.where(along_y, sy * (oy / 2 + 0.5), 0.0).sum(axis=1)
    return pts


def _group_positions(g: nx.MultiDiGraph, nodes: list[str], columns: dict[str, int]) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]² of the buying group's nodes, from a spring layout of their links."""
    members = set(nodes)
    h = nx.Graph()
    h.add_nodes_from(nodes)
    for a, b, kind in g.edges(data="kind"):
        if kind in _GROUP_EDGES and a in members and b in members and a != b:
            h.add_edge(a, b)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    start = _starts(g, nodes, columns)
    k = 1.6 / math.sqrt(len(nodes))
    raw = nx.spring_layout(h, pos=start, k=k, iterations=ITERATIONS, seed=SEED, method="force")
    return {n: (float(raw[n][0]), float(raw[n][1])) for n in nodes}


def _starts(g: nx.MultiDiGraph, nodes: list[str], columns: dict[str, int]) -> dict[str, tuple[float, float]]:
    """Deterministic starting points in [-1, 1]²: x under the stages a node is tied to."""
    span = max(max(columns.values(), default=0), 1)
    start: dict[str, tuple[float, float]] = {}
    for i, node in enumerate(nodes):
        # the stages a node is tied to (involvement of a role, the stage of an objection)
        anchors = [columns[b] for _, b, kind in g.out_edges(node, data="kind") if kind in ("involvement", "raised_in") and b in columns]
        if anchors and columns:
            x = 2 * (sum(anchors) / len(anchors)) / span - 1
        else:
            x = 2 * ((i * _GOLDEN) % 1) - 1
        y = 2 * (((i + 0.5) * _GOLDEN * 1.7) % 1) - 1
        start[node] = (x, y)
    for node in nodes:  # motives and unanchored objections start beside their roles
        kind = g.nodes[node]["kind"]
        if kind in ("motive", "objection"):
            near = [start[a] for a, _ in g.in_edges(node) if a in start]
            if near:
                start[node] = (sum(p[0] for p in near) / len(near), sum(p[1] for p in near) / len(near) + 0.1)
    return start
