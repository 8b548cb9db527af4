"""The data exports read back: Kumu JSON (structure, every connection resolves), GraphML (through
networkx, the same graph as map_graph plus USPs and deals) and the CSV zip (through the csv
module: BOM, one row per element, formula cells neutralised)."""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile

import networkx as nx
import pytest

from workshop import demo
from workshop.exports import render
from workshop.exports.csv_zip import CRITERIA, TABLES
from workshop.graph import View, map_graph

MAPS = {
    "fleet": lambda: demo.example("fleet"),
    "kommun": lambda: demo.example("kommun"),
    "hostile": demo.hostile_map,
    "synthetic": lambda: demo.synthetic_map(segments=2, stages=5, steps=4, roles=10, motives=6, objections=8, votes=50, deals=6),
}
NAMES = sorted(MAPS)
FORBIDDEN = "\x00\x07\x1b\ud800\uffff"


def segs(doc, key):
    return [x for seg in doc["segments"] for x in seg.get(key, [])]


def steps(doc):
    return [step for stage in segs(doc, "stages") for step in stage.get("steps", [])]


def with_bad_characters() -> dict:
    """The fleet map with characters XML and UTF-8 cannot carry, and two steps sharing a text."""
    doc = copy.deepcopy(demo.example("fleet"))
    seg = doc["segments"][0]
    seg["roles"][0]["name"] = f"Fleet{FORBIDDEN} manager"
    seg["stages"][0]["steps"][1]["text"] = seg["stages"][0]["steps"][0]["text"]
    seg["stages"][1]["steps"][0]["text"] = seg["stages"][0]["steps"][0]["text"].upper()
    doc["notes"] = [{"id": "n-bad", "text": f"bad{FORBIDDEN}note"}]
    return doc


# --- Kumu ----------------------------------------------------------------------------------

def kumu(doc) -> dict:
    return json.loads(render(doc, "kumu").decode("utf-8"))


@pytest.mark.parametrize("name", NAMES + ["bad"])
def test_kumu_structure_and_every_connection_resolves_by_id(name):
    """As Kumu's blueprint documentation has it: elements carry ids, connections name them."""
    doc = with_bad_characters() if name == "bad" else MAPS[name]()
    board = kumu(doc)
    assert set(board) == {"elements", "connections"}
    ids = [e["id"] for e in board["elements"]]
    assert len(set(ids)) == len(ids)
    for element in board["elements"]:
        assert {"label", "type", "description", "id"} <= set(element)
    expected = (len(segs(doc, "stages")) + len(steps(doc)) + len(segs(doc, "roles")) + len(segs(doc, "motives"))
                + len(segs(doc, "objections")) + len(doc.get("usps", [])) + len(doc.get("deals", [])))
    assert len(board["elements"]) == expected
    assert board["connections"]
    for conn in board["connections"]:
        assert conn["from"] in ids and conn["to"] in ids, conn
        assert conn["direction"] == "directed" and conn["type"]
    types = {c["type"] for c in board["connections"]}
    assert {"contains", "owner", "involvement"} <= types


def test_kumu_attributes_and_types_in_the_workshops_language():
    board = kumu(demo.example("fleet"))
    by_id = {e["id"]: e for e in board["elements"]}
    assert by_id["st2"]["behind the scenes"] is True and by_id["st1"]["behind the scenes"] is False
    role = by_id["r-fleet"]
    assert role["influence"] == 4 and role["stance"] == 2 and "Champion" in role["tags"] and role["type"] == "Role"
    assert {c["type"] for c in board["connections"]} >= {"serves", "flow", "relation", "holds", "raises", "raised_in"}
    kommun = kumu(demo.example("kommun"))
    assert any(c["label"] == "innehåller" for c in kommun["connections"])  # the workshop's language
    assert {e["type"] for e in kommun["elements"]} >= {"Fas", "Kundsteg", "Roll"}


def test_kumu_labels_are_the_workshops_own():
    """Issue 19: labels were made unique by gluing ids on ("Rådmann (ind1-r0)")."""
    board = kumu(with_bad_characters())
    by_id = {e["id"]: e for e in board["elements"]}
    assert by_id["st1"]["label"] == by_id["st2"]["label"] == "Fleet manager notices rising fuel cost"
    assert "(st3)" not in by_id["st3"]["label"]
    assert by_id["r-fleet"]["label"] == "Fleet manager"  # forbidden characters removed


def test_kumu_descriptions_are_markdown_paragraphs_with_user_text_inert():
    doc = demo.example("fleet")
    stage = doc["segments"][0]["stages"][0]
    by_id = {e["id"]: e for e in kumu(doc)["elements"]}
    assert by_id[stage["id"]]["description"].count("\n\n") == len(stage.get("exit_criteria") or []) - (0 if stage.get("customer_goal") else 1)
    hostile = demo.hostile_map()
    hostile["segments"][0]["stages"][0]["customer_goal"] = "[click me](javascript:alert(1)) <b>bold</b>"
    described = {e["id"]: e["description"] for e in kumu(hostile)["elements"]}
    text = described[hostile["segments"][0]["stages"][0]["id"]]
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    for html in (python_markdown.markdown(text), MarkdownIt("commonmark").render(text)):  # Kumu renders Markdown
        assert "<a" not in html and "<b>" not in html and "javascript:alert" in html.replace("\\", "")


# --- GraphML -------------------------------------------------------------------------------

def graphml(doc) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(render(doc, "graphml")))


@pytest.mark.parametrize("name", NAMES + ["bad"])
def test_graphml_reads_back_with_the_map_graphs_counts(name):
    doc = with_bad_characters() if name == "bad" else MAPS[name]()
    g = graphml(doc)
    m = map_graph(doc, None, View(extras=True))
    usps, deals = doc.get("usps", []), doc.get("deals", [])
    assert g.number_of_nodes() == m.number_of_nodes() + len(usps) + len(deals)
    extra_edges = sum(len(u.get("motives") or []) for u in usps) + sum(
        (1 if d.get("stage") else 0) + len(d.get("roles_engaged") or []) for d in deals
    )
    assert g.number_of_edges() == m.number_of_edges() + extra_edges
    assert set(m.nodes) <= set(g.nodes)
    kinds = {data["kind"] for _, data in g.nodes(data=True)}
    assert kinds >= {"stage", "step", "role"}
    for node, data in m.nodes(data=True):
        assert g.nodes[node]["kind"] == data["kind"]


def test_graphml_keeps_text_and_types():
    doc = demo.hostile_map()
    g = graphml(doc)
    role = doc["segments"][0]["roles"][0]
    assert g.nodes[role["id"]]["label"] == role["name"]  # the hostile text, literally
    fleet = graphml(demo.example("fleet"))
    assert fleet.nodes["r-fleet"]["influence"] == 4 and fleet.nodes["st2"]["behind_the_scenes"] is True
    assert fleet.nodes["r-fleet"]["decision_roles"] == "problem_owner; champion"
    assert fleet.nodes["usp-fuel"]["kind"] == "usp"
    bad = graphml(with_bad_characters())
    assert bad.nodes["r-fleet"]["label"] == "Fleet manager"


@pytest.mark.parametrize("name", NAMES)
def test_graphml_edges_have_ids_of_their_own_and_survive_networkx_and_igraph(name, tmp_path):
    """Issue 19: every edge was id "0", and Gephi keeps only the first edge of an id."""
    import xml.etree.ElementTree as ET

    import igraph

    doc = MAPS[name]()
    raw = render(doc, "graphml")
    edges = ET.fromstring(raw).findall(".//{http://graphml.graphdrawing.org/xmlns}edge")
    ids = [e.get("id") for e in edges]
    assert len(ids) == len(set(ids)) == graphml(doc).number_of_edges()
    path = tmp_path / "map.graphml"
    path.write_bytes(raw)
    read = igraph.Graph.Read_GraphML(str(path))
    assert read.ecount() == len(ids) and read.vcount() == graphml(doc).number_of_nodes()


def test_graphml_opens_as_a_picture_in_gephi_and_yed(tmp_path):
    """Position, size and colour as Gephi's import reads them (x, y, size, r, g, b), and yEd's
    own drawing of every node (it draws nothing else): the network map's layout and look."""
    import xml.etree.ElementTree as ET

    import igraph

    doc = demo.example("fleet")
    g = graphml(doc)  # (networkx reads yEd's geometry into x and y itself, as text)
    role = g.nodes["r-fleet"]
    assert (role["r"], role["g"], role["b"]) == (21, 128, 61) and role["color"] == "#15803d"  # advocate: green
    path = tmp_path / "fleet.graphml"
    path.write_bytes(render(doc, "graphml"))
    read = igraph.Graph.Read_GraphML(str(path))
    places = {(v["x"], v["y"]) for v in read.vs}
    assert len(places) == read.vcount()  # every node has a place of its own
    assert all(isinstance(v["x"], float) and v["size"] > 0 for v in read.vs)
    y = "{http://www.yworks.com/xml/graphml}"
    root = ET.fromstring(render(doc, "graphml"))
    nodes = root.findall(".//{http://graphml.graphdrawing.org/xmlns}node")
    assert root.find("{http://graphml.graphdrawing.org/xmlns}key[@yfiles.type='nodegraphics']") is not None
    for node in nodes:
        shape = node.find(f".//{y}ShapeNode")
        assert shape is not None, node.get("id")
        assert float(shape.find(f"{y}Geometry").get("width")) > 0
        assert shape.find(f"{y}NodeLabel").text == g.nodes[node.get("id")]["label"]
    hidden = next(n for n in nodes if n.get("id") == "st2")  # behind the scenes: dashed, as on the map
    assert hidden.find(f".//{y}BorderStyle").get("type") == "dashed"


def test_graphml_drawing_keeps_hostile_text_as_text():
    import xml.etree.ElementTree as ET

    doc = demo.hostile_map()
    role = doc["segments"][0]["roles"][0]
    root = ET.fromstring(render(doc, "graphml"))
    labels = [e.text for e in root.iter("{http://www.yworks.com/xml/graphml}NodeLabel")]
    assert role["name"] in labels


# --- CSV zip -------------------------------------------------------------------------------

def tables(doc) -> dict[str, list[dict[str, str]]]:
    raw = render(doc, "csv")
    out = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        assert zf.namelist() == [f"{name}.csv" for name in TABLES]
        for name in TABLES:
            data = zf.read(f"{name}.csv")
            assert data.startswith(b"\xef\xbb\xbf"), f"{name}.csv has no BOM"
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
            out[name] = rows
    return out


def expected_counts(doc) -> dict[str, int]:
    return {
        "segments": len(doc["segments"]),
        "stages": len(segs(doc, "stages")),
        "steps": len(steps(doc)),
        "flows": len(segs(doc, "flows")),
        "roles": len(segs(doc, "roles")),
        "involvement": sum(len(r.get("involvement") or {}) for r in segs(doc, "roles")),
        "relations": len(segs(doc, "relations")),
        "motives": len(segs(doc, "motives")),
        "objections": len(segs(doc, "objections")),
        "usps": len(doc.get("usps", [])),
        "consensus": len(doc["segments"]) * len(CRITERIA),
        "participants": len(doc.get("participants", [])),
        "notes": len(doc.get("notes", [])),
        "votes": len(doc.get("votes", [])),
        "deals": len(doc.get("deals", [])),
        "actions": len(doc.get("actions", [])),
    }


@pytest.mark.parametrize("name", NAMES + ["bad"])
def test_csv_row_counts_equal_element_counts(name):
    doc = with_bad_characters() if name == "bad" else MAPS[name]()
    got = tables(doc)
    assert {k: len(v) for k, v in got.items()} == expected_counts(doc)
    for name_, (header, _) in TABLES.items():
        with zipfile.ZipFile(io.BytesIO(render(doc, "csv"))) as zf:
            first = zf.read(f"{name_}.csv").decode("utf-8-sig").splitlines()[0]
        assert first.split(",") == list(header)


def test_csv_keeps_nordic_letters_lists_and_defaults():
    doc = demo.example("kommun")
    got = tables(doc)
    assert got["steps"][0]["text"] == "Fritidsförvaltningen beskriver problemet"
    fleet = tables(demo.example("fleet"))
    role = next(r for r in fleet["roles"] if r["id"] == "r-fleet")
    assert role["decision_roles"] == "problem_owner; champion"
    stage = next(s for s in fleet["stages"] if s["id"] == "s3")
    assert stage["buyer_enablement"] == "Business-case template; ROI calculator"
    assert {s["behind_the_scenes"] for s in fleet["steps"]} == {"true", "false"}
    hostile = tables(demo.hostile_map())
    assert hostile["roles"][0]["name"] == demo.hostile_map()["segments"][0]["roles"][0]["name"]


def test_csv_formula_cells_are_neutralised():
    doc = copy.deepcopy(demo.example("fleet"))
    seg = doc["segments"][0]
    seg["roles"][0]["name"] = "=HYPERLINK(\"http://evil\",\"x\")"
    seg["roles"][1]["name"] = "+1+1"
    seg["roles"][2]["name"] = "-2+3"
    seg["roles"][3]["name"] = "@SUM(A1)"
    seg["roles"][1]["stance"] = -1
    doc["notes"] = [{"id": "n-f", "text": "=1+2"}]
    got = tables(doc)
    names = [r["name"] for r in got["roles"]]
    assert names[:4] == ["'=HYPERLINK(\"http://evil\",\"x\")", "'+1+1", "'-2+3", "'@SUM(A1)"]
    assert got["roles"][1]["stance"] == "-1"  # a number stays a number
    assert got["notes"][0]["text"] == "'=1+2"
    for rows in got.values():
        for row in rows:
            for value in row.values():
                assert not value.startswith(("=", "+", "@")), value
