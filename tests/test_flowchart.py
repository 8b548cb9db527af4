"""The flowchart's DOT (issue 17: stages were drawn bottom to top, and a flow back to an earlier
stage pulled it out of order)."""

from __future__ import annotations

import re

from workshop.render.flowchart import flowchart_dot


def _segment() -> dict:
    return {
        "stages": [
            {"id": "a", "name": "Recognise", "steps": [{"id": "a1", "text": "Notices"}, {"id": "a2", "text": "Asks"}]},
            {"id": "b", "name": "Explore", "steps": [{"id": "b1", "text": "Searches"}]},
            {"id": "c", "name": "Empty stage", "steps": []},
            {"id": "d", "name": "Decide", "steps": [{"id": "d1", "text": "Signs"}]},
        ],
        "flows": [
            {"from": "a1", "to": "b1"},
            {"from": "d1", "to": "a2", "kind": "plan_b"},  # back to the first stage
            {"from": "b1", "to": "d1", "kind": "alternative"},
        ],
    }


def test_every_stage_is_tied_to_the_next_in_the_maps_order():
    dot = flowchart_dot(_segment(), lambda key: key)
    order = re.findall(r'"([^"]+)" -> "([^"]+)" \[style=invis', dot)
    assert order == [("a1", "b1"), ("a2", "b1"), ("b1", "~empty-c"), ("~empty-c", "d1")]


def test_a_flow_back_to_an_earlier_stage_does_not_shape_the_layout():
    dot = flowchart_dot(_segment(), lambda key: key)
    back = next(line for line in dot.splitlines() if line.startswith('"d1" -> "a2"'))
    assert "constraint=false" in back
    ahead = next(line for line in dot.splitlines() if line.startswith('"b1" -> "d1"'))
    assert "constraint=false" not in ahead
