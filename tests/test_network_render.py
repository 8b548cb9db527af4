"""The network HTML: offline, escaped, deterministic, physics off, and quick on a large map."""

from __future__ import annotations

import json
import re

import pytest

from workshop import demo
from workshop.graph import View, layout, map_graph
from workshop.render import network
from workshop.render.network import cached_map_html, legend_items, map_html, network_html, offline

HOSTILE = ("<script>alert(1)</script>", "</script><script>alert(2)</script>", "<img src=x onerror=alert(3)>")


def _hostile_doc() -> dict:
    """The fleet example with every name, text and label replaced by one of three attacks."""
    doc = demo.example("fleet")
    n = iter(range(100_000))

    def bad() -> str:
        return HOSTILE[next(n) % len(HOSTILE)]

    for seg in doc["segments"]:
        seg["name"] = bad()
        for stage in seg["stages"]:
            stage["name"] = bad()
            for step in stage.get("steps", []):
                step["text"] = bad()
        for flow in seg.get("flows", []):
            flow["label"] = bad()
        for role in seg.get("roles", []):
            role["name"] = bad()
        for rel in seg.get("relations", []):
            rel["label"] = bad()
        for item in seg.get("motives", []) + seg.get("objections", []):
            item["text"] = bad()
    return doc


def _data(page: str, name: str) -> list[dict]:
    """The JSON handed to ``new vis.DataSet(...)`` for nodes or edges."""
    match = re.search(name + r" = new vis\.DataSet\((\[.*?\])\);\n", page)
    assert match, name
    return json.loads(match.group(1))


@pytest.mark.parametrize("lang", ["en", "sv", "nb"])
def test_hostile_texts_stay_text(lang):
    page = map_html(_hostile_doc(), "midsize", View(extras=True), lang)
    assert "</script><script>alert" not in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert page.lower().count("<script") == page.lower().count("</script") + 1  # + the library's own "<script>" string
    nodes = _data(page, "nodes")
    labels = {n["label"] for n in nodes}
    assert any("</script><script>alert(2)</script>" in label for label in labels)  # the text survives, as text
    assert all(isinstance(n["title"], str) for n in nodes)  # plain-string titles: shown with innerText
    assert "popup.innerHTML" not in page  # pyvis's link-tooltip mode is never used


def test_title_with_href_never_switches_to_html_tooltips():
    doc = demo.example("fleet")
    doc["segments"][0]["stages"][0]["steps"][0]["text"] = '<a href="javascript:alert(4)">href</a>'
    page = map_html(doc, "midsize", View(), "en")
    assert "popup.innerHTML" not in page and '<a href="javascript' not in page


def test_no_remote_reference_at_all(fleet):
    page = map_html(fleet, "midsize", View(extras=True), "en")
    assert not re.search(r"https?://", page, re.IGNORECASE)
    assert "cdn." not in page and "bootstrap" not in page.lower()
    assert "sourceMappingURL" not in page
    assert "vis.Network" in page and len(page) > 300_000  # vis-network itself is inlined


def test_user_links_are_kept_as_text_but_not_as_references():
    doc = demo.example("fleet")
    doc["segments"][0]["roles"][0]["name"] = "see https://example.org/x"
    page = map_html(doc, "midsize", View(), "en")
    assert not re.search(r"https?://", page, re.IGNORECASE)
    assert any(n["label"] == "see https://example.org/x" for n in _data(page, "nodes"))  # JSON reads \/ as /


def test_offline_strips_remote_tags():
    page = '<link href="https://cdn.x/b.css" rel="stylesheet" /><script\n src="https://cdn.x/b.js"\n></script><script>var a="http://w3";</script>'
    out = offline(page)
    assert out == '<script>var a="http:\\/\\/w3";</script>'


def test_same_map_gives_byte_identical_html(fleet):
    first = map_html(fleet, "midsize", View(extras=True), "sv")
    again = map_html(json.loads(json.dumps(fleet)), "midsize", View(extras=True), "sv")
    assert first == again
    assert map_html(fleet, "midsize", View(), "en") != first


def test_physics_off_and_every_node_at_its_layout_position(fleet):
    g = map_graph(fleet, "midsize", View(extras=True))
    pos = layout(g)
    page = network_html(g, pos, "en")
    options = json.loads(re.search(r"var options = (\{.*?\});\n", page).group(1))
    assert options["physics"]["enabled"] is False
    nodes = _data(page, "nodes")
    assert {n["id"] for n in nodes} == set(g.nodes)
    assert all((n["x"], n["y"]) == pos[n["id"]] for n in nodes)


def test_node_and_edge_styles_explain_themselves(fleet):
    page = map_html(fleet, "midsize", View(extras=True), "en")
    nodes = {n["id"]: n for n in _data(page, "nodes")}
    assert nodes["s1"]["shape"] == "box" and nodes["s1"]["label"].startswith("1. ")
    hidden = [n for n in fleet["segments"][0]["stages"][0]["steps"] if n.get("behind_the_scenes")]
    assert hidden and nodes[hidden[0]["id"]]["shapeProperties"]["borderDashes"]
    union = nodes["r-union"]  # stance -1: orange
    assert union["shape"] == "dot" and union["color"]["background"] == network.STANCE_COLOURS[-1]
    assert nodes["r-fleet"]["color"]["background"] == network.STANCE_COLOURS[2]
    assert nodes["o-budget"]["shape"] == "triangle" and nodes["m-cost"]["shape"] == "diamond"
    edges = _data(page, "edges")
    conflict = next(e for e in edges if e["title"].startswith("conflicts"))
    assert conflict["color"]["color"] == network.RELATION_STYLE["conflicts"][0] and conflict["dashes"]
    loops = [e for e in edges if e.get("smooth")]
    assert loops  # loops and plan-B flows curve away from the straight path


def test_legend_lists_what_is_drawn_as_escaped_text(fleet):
    g = map_graph(fleet, "midsize", View.named("journey"))
    labels = [label for _, label in legend_items(g, "en")]
    assert "Buying stage" in labels and not any(label.startswith("Role") for label in labels)
    page = network_html(g, layout(g), "sv")
    assert 'class="kk-legend"' in page and "Fas i köpprocessen" in page


def test_cache_returns_the_same_html_per_version(fleet):
    network._pages.clear()
    first = cached_map_html(("fleet", 1), fleet, "midsize", View(), "en")
    changed = json.loads(json.dumps(fleet))
    changed["segments"][0]["stages"][0]["name"] = "Renamed"
    assert cached_map_html(("fleet", 1), changed, "midsize", View(), "en") is first  # same version: no redraw
    assert "Renamed" in cached_map_html(("fleet", 2), changed, "midsize", View(), "en")


def test_large_synthetic_map_renders():
    """Every element of the large map is drawn (speed is measured in bench/, not here)."""
    big = demo.synthetic_map()
    page = map_html(big, "g0", View(extras=True), "en")
    whole = map_html(big, None, View(extras=True), "en")
    assert len(_data(page, "nodes")) == 12 + 120 + 40 + 25 + 50
    assert len(_data(whole, "nodes")) == 4 * 247
