"""The unreachable-step check walks the flows once from all of the first stage's steps
(issue 18: a walk per start was 0.3 s a segment of the biggest legal map); it finds what a walk
per start with networkx finds, on generated maps with random extra flows."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st
from strategies import maps

from workshop.analysis.context import MapContext, SegmentView
from workshop.analysis.journey import unreachable_step


def _networkx_unreachable(seg: dict) -> list[str]:
    steps = [(i, step["id"]) for i, stage in enumerate(seg.get("stages") or []) for step in stage.get("steps") or []]
    if not seg.get("flows"):
        return []
    graph = nx.DiGraph()
    graph.add_nodes_from(eid for _, eid in steps)
    graph.add_edges_from((f["from"], f["to"]) for f in seg["flows"])
    starts = {eid for i, eid in steps if i == 0}
    reached = set(starts)
    for start in starts:
        reached |= nx.descendants(graph, start)
    return [eid for i, eid in steps if i != 0 and eid not in reached]


@given(maps(), st.data())
def test_one_walk_finds_what_a_walk_per_start_finds(doc, data):
    ctx = MapContext(doc)
    for seg in ctx.segments:
        ids = [step["id"] for stage in seg.get("stages") or [] for step in stage.get("steps") or []]
        if len(ids) >= 2:
            extra = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=8))
            seg["flows"] = (seg.get("flows") or []) + [{"from": a, "to": b} for a, b in extra]
        assert [h.about for h in unreachable_step(SegmentView(ctx, seg))] == _networkx_unreachable(seg)
