"""The map as a graph: nodes, edges, metrics and a deterministic layout."""

from __future__ import annotations

import copy
from collections import Counter

import numpy as np
import pytest

from workshop import demo
from workshop.graph import View, layout, map_graph, most_connected, positions, role_metrics
from workshop.graph.layout import NODE_BOX, STAGE_GAP, separate
from workshop.templates import template_map


def _tiny() -> dict:
    """Two stages, three steps, three roles: every kind of edge once or more."""
    return {
        "format": "kopkarta-map",
        "version": 1,
        "workshop": {"id": "w", "title": "T"},
        "segments": [
            {
                "id": "seg",
                "name": "Segment",
                "stages": [
                    {"id": "s1", "name": "First", "exit_criteria": ["x"], "steps": [{"id": "a", "text": "A", "owner": "r1"}, {"id": "b", "text": "B", "behind_the_scenes": True, "kind": "meeting"}]},
                    {"id": "s2", "name": "Second", "steps": [{"id": "c", "text": "C"}]},
                ],
                "flows": [{"from": "a", "to": "b"}, {"from": "b", "to": "c", "kind": "alternative", "label": "maybe"}, {"from": "c", "to": "a", "kind": "loop"}],
                "roles": [
                    {"id": "r1", "name": "Boss", "influence": 5, "stance": 2, "involvement": {"s1": "decides", "s2": "approves"}, "our_contact": "Anna"},
                    {"id": "r2", "name": "Helper", "influence": 2, "involvement": {"s2": "informed"}},
                    {"id": "r3", "name": "Sceptic", "stance": -2, "function": "it"},
                ],
                "relations": [
                    {"from": "r2", "to": "r1", "kind": "reports_to"},
                    {"from": "r2", "to": "r3", "kind": "influences"},
                    {"from": "r1", "to": "r3", "kind": "conflicts"},
                ],
                "motives": [{"id": "m1", "text": "Save money", "roles": ["r1"], "importance": 5}],
                "objections": [{"id": "o1", "text": "Too dear", "stage": "s2", "roles": ["r3"], "severity": 4}, {"id": "o2", "text": "Loose", "responses": ["ok"]}],
            }
        ],
    }


def test_nodes_carry_kind_label_and_colouring_properties():
    g = map_graph(_tiny(), "seg", View(extras=True))
    assert Counter(k for _, k in g.nodes(data="kind")) == {"stage": 2, "step": 3, "role": 3, "motive": 1, "objection": 2}
    assert g.nodes["s1"]["label"] == "First" and g.nodes["s1"]["segment"] == "seg"
    assert g.nodes["b"]["behind_the_scenes"] is True and g.nodes["b"]["step_kind"] == "meeting" and g.nodes["b"]["stage"] == "s1"
    assert g.nodes["a"]["behind_the_scenes"] is False and g.nodes["a"]["step_kind"] == "action"  # documented defaults
    assert g.nodes["r2"]["stance"] == 0 and g.nodes["r2"]["influence"] == 2 and g.nodes["r1"]["has_contact"] is True
    assert g.nodes["o1"]["severity"] == 4 and g.nodes["o1"]["answered"] is False and g.nodes["o2"]["answered"] is True
    assert g.nodes["o2"]["severity"] == 3
    assert g.nodes["m1"]["importance"] == 5


def test_edges_of_every_kind():
    g = map_graph(_tiny(), "seg", View(extras=True))
    edges = {(a, b, d["kind"]): d for a, b, d in g.edges(data=True)}
    assert edges[("a", "b", "flow")]["flow_kind"] == "next"
    assert edges[("b", "c", "flow")] == {"kind": "flow", "flow_kind": "alternative", "label": "maybe"}
    assert edges[("c", "a", "flow")]["flow_kind"] == "loop"
    assert ("s1", "a", "contains") in edges and ("s2", "c", "contains") in edges
    assert ("a", "r1", "owner") in edges
    assert edges[("r1", "s1", "involvement")]["level"] == "decides"
    assert edges[("r2", "s2", "involvement")]["level"] == "informed"
    assert edges[("r2", "r1", "relation")]["relation_kind"] == "reports_to"
    assert edges[("r1", "r3", "relation")]["relation_kind"] == "conflicts"
    assert ("r1", "m1", "holds") in edges and ("r3", "o1", "raises") in edges and ("o1", "s2", "raised_in") in edges


def test_views_keep_only_their_part_and_no_dangling_edges():
    doc = _tiny()
    journey = map_graph(doc, "seg", View.named("journey"))
    assert {k for _, k in journey.nodes(data="kind")} == {"stage", "step"}
    assert {d["kind"] for _, _, d in journey.edges(data=True)} == {"flow", "contains"}
    group = map_graph(doc, "seg", View.named("group"))
    assert {k for _, k in group.nodes(data="kind")} == {"role"}
    assert {d["kind"] for _, _, d in group.edges(data=True)} == {"relation"}
    group_extras = map_graph(doc, "seg", View.named("group", extras=True))
    assert {k for _, k in group_extras.nodes(data="kind")} == {"role", "motive", "objection"}
    journey_extras = map_graph(doc, "seg", View.named("journey", extras=True))
    assert {k for _, k in journey_extras.nodes(data="kind")} == {"stage", "step", "objection"}  # motives need the group
    with pytest.raises(ValueError):
        View.named("everything")


def test_whole_document_and_segment_filter(fleet):
    big = demo.synthetic_map(segments=2, stages=4, steps=2, roles=4, motives=2, objections=2, votes=0, deals=0)
    both = map_graph(big)
    one = map_graph(big, "g1")
    assert {s for _, s in both.nodes(data="segment")} == {"g0", "g1"}
    assert {s for _, s in one.nodes(data="segment")} == {"g1"}
    assert map_graph(fleet, "nope").number_of_nodes() == 0


def test_blank_map_gives_an_empty_graph_and_no_positions():
    blank = template_map("blank", workshop_id="w", title="T", lang="en", question=None, offering=None)
    g = map_graph(blank, blank["segments"][0]["id"])
    assert g.number_of_nodes() == 0
    assert layout(g) == {}
    assert role_metrics(blank, blank["segments"][0]["id"]) == []


def test_role_metrics_degree_betweenness_and_ranking():
    metrics = {m.id: m for m in role_metrics(_tiny(), "seg")}
    assert metrics["r2"].connections == 2 and metrics["r2"].influences == 1 and metrics["r3"].influenced_by == 1
    assert metrics["r1"].conflicts == 1 and metrics["r3"].conflicts == 1
    # r1 - r2 - r3 along reports_to / influences (the conflict carries no opinion): r2 is the go-between
    assert metrics["r2"].broker == 1.0 and metrics["r1"].broker == 0.0
    assert metrics["r1"].stages == 2 and metrics["r3"].stages == 0
    ranked = most_connected(list(metrics.values()))
    assert [m.id for m in ranked] == ["r2", "r1", "r3"]


def test_most_connected_leaves_out_roles_without_relations(fleet):
    metrics = role_metrics(fleet, "midsize")
    top = most_connected(metrics, limit=3)
    assert len(top) == 3 and all(m.connections for m in top)
    assert top[0].id == "r-fleet"
    assert "r-proc" not in {m.id for m in most_connected(metrics)}


def test_layout_puts_stages_left_to_right_and_steps_under_their_stage():
    pos = positions(_tiny(), "seg", View(extras=True))
    assert pos["s1"][1] == pos["s2"][1] and pos["s2"][0] - pos["s1"][0] == STAGE_GAP
    assert pos["a"][0] == pos["b"][0] == pos["s1"][0] and pos["s1"][1] < pos["a"][1] < pos["b"][1]
    assert pos["c"][0] == pos["s2"][0]
    assert pos["o1"][0] == pos["s2"][0] and pos["o1"][1] > pos["c"][1]  # objection under its stage
    journey_bottom = max(pos[n][1] for n in ("a", "b", "c", "o1"))
    assert all(pos[r][1] > journey_bottom for r in ("r1", "r2", "r3", "m1", "o2"))  # the group below
    assert all(isinstance(v, int) for xy in pos.values() for v in xy)


def test_layout_is_deterministic_and_pure(fleet):
    before = copy.deepcopy(fleet)
    first = positions(fleet, "midsize", View(extras=True))
    assert positions(fleet, "midsize", View(extras=True)) == first
    assert fleet == before


def test_group_nodes_do_not_overlap_on_a_large_map():
    big = demo.synthetic_map(segments=1, votes=0, deals=0)
    g = map_graph(big, "g0", View(extras=True))
    pos = layout(g)
    group = np.array([pos[n] for n, k in g.nodes(data="kind") if k in ("role", "motive")], dtype=float)
    dx = np.abs(group[:, None, 0] - group[None, :, 0])
    dy = np.abs(group[:, None, 1] - group[None, :, 1])
    overlap = (dx < NODE_BOX[0] - 1) & (dy < NODE_BOX[1] - 1)
    np.fill_diagonal(overlap, False)
    assert not overlap.any()


def test_separate_pushes_apart_points_on_top_of_each_other():
    pts = separate(np.zeros((4, 2)))
    for i in range(4):
        for j in range(i + 1, 4):
            assert abs(pts[i, 0] - pts[j, 0]) >= NODE_BOX[0] - 1 or abs(pts[i, 1] - pts[j, 1]) >= NODE_BOX[1] - 1
    assert np.array_equal(pts, separate(np.zeros((4, 2))))


def test_segments_are_stacked():
    big = demo.synthetic_map(segments=2, stages=4, steps=2, roles=4, motives=2, objections=2, votes=0, deals=0)
    pos = positions(big)
    assert max(pos[n][1] for n in pos if n.startswith("g0")) < min(pos[n][1] for n in pos if n.startswith("g1"))


def test_very_large_group_gets_a_grid_without_scipy():
    from workshop.graph.layout import SPRING_LIMIT

    big = demo.synthetic_map(segments=1, stages=4, steps=2, roles=300, motives=100, objections=60, votes=0, deals=0, participants=2)
    view = View.named("group", extras=True)
    g = map_graph(big, "g0", view)
    assert g.number_of_nodes() >= SPRING_LIMIT
    pos = layout(g)
    assert pos == positions(big, "g0", view) and set(pos) == set(g.nodes)
    assert len(set(pos.values())) == len(pos)  # no two nodes on the same spot
