"""The plotly figures of the buying group and its motives."""

from __future__ import annotations

import json

import pytest

from workshop import demo
from workshop.render.charts import (
    STANCE_COLOURS,
    category,
    influence_stance_figure,
    motive_importance_figure,
    plotly_text,
    role_positions,
    spread,
)


def _seg(roles, motives=()):
    return {"id": "s", "name": "S", "stages": [], "roles": list(roles), "motives": list(motives)}


def test_categories_follow_the_blocker_and_champion_rules():
    assert category({"id": "a", "name": "a", "decision_roles": ["blocker"], "stance": 2}) == "blocker"
    assert category({"id": "a", "name": "a", "stance": -1, "influence": 4}) == "blocker"
    assert category({"id": "a", "name": "a", "stance": -1, "influence": 3}) == "other"
    assert category({"id": "a", "name": "a", "stance": -2}) == "other"  # influence defaults to 3
    assert category({"id": "a", "name": "a", "decision_roles": ["champion"], "stance": 0}) == "champion"
    assert category({"id": "a", "name": "a", "stance": 2}) == "champion"
    assert category({"id": "a", "name": "a"}) == "other"


@pytest.mark.parametrize("n", [1, 2, 3, 5, 9])
def test_spread_keeps_markers_in_their_cell_and_apart(n):
    offsets = spread(n)
    assert len(offsets) == n
    assert all(abs(dx) < 0.4 and abs(dy) < 0.4 for dx, dy in offsets)
    if n > 1:
        gaps = [((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for i, a in enumerate(offsets) for b in offsets[i + 1 :]]
        assert min(gaps) > 0.1


def test_roles_on_the_same_cell_do_not_overlap():
    roles = [{"id": f"r{i}", "name": f"R{i}", "stance": 1, "influence": 2} for i in range(3)] + [{"id": "x", "name": "X"}]
    pos = role_positions(roles)
    assert len({pos[f"r{i}"] for i in range(3)}) == 3
    assert all(abs(pos[f"r{i}"][0] - 1) < 0.4 and abs(pos[f"r{i}"][1] - 2) < 0.4 for i in range(3))
    assert pos["x"] == (0, 3)  # alone in its cell: exactly on it (defaults stance 0, influence 3)


def test_influence_stance_figure_of_the_demo():
    seg = demo.example("fleet")["segments"][0]
    fig = influence_stance_figure(seg, "en")
    data = [tr for tr in fig.data if tr.x and tr.x[0] is not None]
    by_name = {tr.name: tr for tr in data}
    assert set(by_name) == {"Blocker", "Champion", "Other role"}
    assert list(by_name["Blocker"].text) == ["Drivers' representative"]
    assert by_name["Blocker"].marker.symbol == "x" and by_name["Champion"].marker.symbol == "star"
    assert list(by_name["Champion"].marker.color) == [STANCE_COLOURS[2]]
    assert sum(len(tr.x) for tr in data) == len(seg["roles"])
    assert [tr.name for tr in fig.data if tr.x == (None,)] == ["Blocker", "Champion", "Other role"]  # the legend
    assert list(fig.layout.xaxis.ticktext) == ["Opposes", "Sceptical", "Neutral", "Positive", "Advocates"]


def test_labels_are_translated():
    fig = influence_stance_figure(_seg([{"id": "a", "name": "A", "stance": -2, "influence": 5}]), "sv")
    assert fig.layout.xaxis.title.text == "Inställning till oss"
    assert "Motarbetar" in fig.layout.xaxis.ticktext


def test_user_text_is_literal_in_the_figures():
    hostile = '<b>x</b> <a href="javascript:alert(1)">y</a>'
    assert plotly_text(hostile) == '&lt;b&gt;x&lt;/b&gt; &lt;a href="javascript:alert(1)"&gt;y&lt;/a&gt;'
    role = {"id": "a", "name": hostile, "stance": 0}
    motive = {"id": "m", "text": hostile, "roles": ["a"], "importance": 4}
    for fig in (influence_stance_figure(_seg([role]), "en"), motive_importance_figure(_seg([role], [motive]), "en")):
        dumped = json.dumps(fig.to_plotly_json()["data"])
        assert "<b>x" not in dumped and "<a " not in dumped


def test_hostile_demo_map_draws():
    for seg in demo.hostile_map()["segments"]:
        influence_stance_figure(seg, "en")
        motive_importance_figure(seg, "en")


def test_empty_segment_gives_an_empty_grid():
    fig = influence_stance_figure(_seg([]), "en")
    assert all(tr.x == (None,) for tr in fig.data)
    assert motive_importance_figure(_seg([]), "en").data[0].z == ()


def test_motive_heatmap_rows_by_importance_and_a_column_for_motives_without_role():
    roles = [{"id": "a", "name": "Same"}, {"id": "b", "name": "Same"}]
    motives = [
        {"id": "m1", "text": "Low", "roles": ["a"], "importance": 2},
        {"id": "m2", "text": "High", "roles": ["a", "b"], "importance": 5},
        {"id": "m3", "text": "Nobody's"},
    ]
    hm = motive_importance_figure(_seg(roles, motives), "en").data[0]
    assert list(hm.y) == ["High", "Nobody's", "Low"]
    assert list(hm.x) == ["Same", "Same (2)", "No role named"]  # equal names kept apart
    assert [list(r) for r in hm.z] == [[5, 5, None], [None, None, 3], [2, None, None]]


def test_names_in_neighbouring_cells_go_above_and_below():
    roles = [{"id": "a", "name": "A", "stance": 0}, {"id": "b", "name": "B", "stance": 1}, {"id": "c", "name": "C", "stance": -1}]
    fig = influence_stance_figure(_seg(roles), "en")
    trace = next(tr for tr in fig.data if tr.x and tr.x[0] is not None)
    assert dict(zip(trace.text, trace.textposition)) == {"A": "top center", "B": "bottom center", "C": "bottom center"}
