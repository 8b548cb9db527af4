"""No map too big (issue 18, item 5): the limits per kind of element, for files and live adds.

A file over a limit is refused before the schema is checked, with the place named, in every
language, and nothing is written (the command line's import and the create form's upload);
the biggest legal map is accepted; a live add to a full list is refused with a clear message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workshop import demo
from workshop.errors import BadInput, MapFormatError
from workshop.i18n import error_text
from workshop.model import limits as L
from workshop.model.reader import read_map
from workshop.services import editing, live
from workshop.store import open_store

from test_cli import run

BASE = {"format": "kopkarta-map", "version": 1, "workshop": {"id": "w-big", "title": "Big"}}


def _segment(**lists) -> dict:
    return {"id": "g", "name": "G", "stages": [{"id": "s", "name": "S", "steps": [{"id": "t", "text": "x"}]}], **lists}


def over(key: str, lim: L.Limit, make) -> dict:
    """A map with one list of ``key`` one element longer than its limit."""
    items = [make(i) for i in range(lim.limit + 1)]
    if lim.scope == "map":
        return {**BASE, "segments": [_segment()], key: items} if key != "segments" else {**BASE, "segments": items}
    if key == "steps":  # counted over the segment's stages: spread over two
        half = len(items) // 2
        return {**BASE, "segments": [_segment(stages=[
            {"id": "s1", "name": "A", "steps": items[:half]}, {"id": "s2", "name": "B", "steps": items[half:]},
        ])]}
    return {**BASE, "segments": [_segment(**{key: items})]}


#: (list key, limit, one element, the place named)
CASES = [
    ("segments", L.SEGMENTS, lambda i: {"id": f"g{i}", "name": "G", "stages": []}, "segments"),
    ("participants", L.PARTICIPANTS, lambda i: {"id": f"p{i}", "name": "P"}, "participants"),
    ("usps", L.USPS, lambda i: {"id": f"u{i}", "text": "U"}, "usps"),
    ("notes", L.NOTES, lambda i: {"id": f"n{i}", "text": "N"}, "notes"),
    ("votes", L.VOTES, lambda i: {"participant": "p", "about": "t", "dots": 1}, "votes"),
    ("deals", L.DEALS, lambda i: {"id": f"d{i}", "name": "D", "segment": "g"}, "deals"),
    ("actions", L.ACTIONS, lambda i: {"id": f"a{i}", "text": "A"}, "actions"),
    ("stages", L.STAGES, lambda i: {"id": f"s{i}", "name": "S"}, "segments[0].stages"),
    ("steps", L.STEPS, lambda i: {"id": f"t{i}", "text": "T"}, "segments[0].steps"),
    ("flows", L.FLOWS, lambda i: {"from": "t", "to": "t"}, "segments[0].flows"),
    ("roles", L.ROLES, lambda i: {"id": f"r{i}", "name": "R"}, "segments[0].roles"),
    ("relations", L.RELATIONS, lambda i: {"from": "r", "to": "q", "kind": "trusts"}, "segments[0].relations"),
    ("motives", L.MOTIVES, lambda i: {"id": f"m{i}", "text": "M"}, "segments[0].motives"),
    ("objections", L.OBJECTIONS, lambda i: {"id": f"o{i}", "text": "O"}, "segments[0].objections"),
]


def own_list_cases():
    """An element's own lists: texts, ids and a role's involvement, one over."""
    texts = [f"t{i}" for i in range(L.TEXTS.limit + 1)]
    ids = [f"r{i}" for i in range(L.IDS.limit + 1)]
    stage = {"id": "s", "name": "S", "questions": texts}
    yield "stage questions", {**BASE, "segments": [_segment(stages=[stage])]}, "segments[0].stages[0].questions", L.TEXTS
    yield "objection responses", {**BASE, "segments": [_segment(objections=[{"id": "o", "text": "O", "responses": texts}])]}, \
        "segments[0].objections[0].responses", L.TEXTS
    yield "motive roles", {**BASE, "segments": [_segment(motives=[{"id": "m", "text": "M", "roles": ids}])]}, \
        "segments[0].motives[0].roles", L.IDS
    yield "usp motives", {**BASE, "segments": [_segment()], "usps": [{"id": "u", "text": "U", "motives": ids}]}, "usps[0].motives", L.IDS
    yield "deal roles", {**BASE, "segments": [_segment()], "deals": [{"id": "d", "name": "D", "segment": "g", "roles_engaged": ids}]}, \
        "deals[0].roles_engaged", L.IDS
    involvement = {f"s{i}": "informed" for i in range(L.INVOLVEMENT.limit + 1)}
    yield "role involvement", {**BASE, "segments": [_segment(roles=[{"id": "r", "name": "R", "involvement": involvement}])]}, \
        "segments[0].roles[0].involvement", L.INVOLVEMENT


ALL = [(key, over(key, lim, make), place, lim) for key, lim, make, place in CASES] + list(own_list_cases())


def refused(doc: dict) -> MapFormatError:
    with pytest.raises(MapFormatError) as info:
        read_map(json.dumps(doc))
    return info.value


@pytest.mark.parametrize("name,doc,place,lim", ALL, ids=[c[0] for c in ALL])
def test_a_list_over_its_limit_is_refused_with_the_place_named(name, doc, place, lim):
    err = refused(doc)
    assert [p.place for p in err.problems] == [place]
    assert f"the limit is {lim.limit:,}" in str(err)
    count = lim.limit + 1
    assert f"holds {count:,}" in str(err)
    sv, nb = error_text(err, "sv"), error_text(err, "nb")
    assert sv.startswith(f"{place}: innehåller {count} ") and f"gränsen är {lim.limit}" in sv
    assert nb.startswith(f"{place}: inneholder {count} ") and f"grensen er {lim.limit}" in nb
    assert "limit.what" not in sv + nb


def test_steps_in_swedish_are_kundsteg():
    err = refused(over("steps", L.STEPS, lambda i: {"id": f"t{i}", "text": "T"}))
    assert error_text(err, "sv") == "segments[0].steps: innehåller 2001 kundsteg; gränsen är 2000"


def hundred_thousand_steps() -> bytes:
    """The issue's file: 100,000 steps in one segment, 3.6 MB, under the 10 MB limit."""
    steps = [{"id": f"step-{i:06d}", "text": "A customer step"} for i in range(100_000)]
    doc = {**BASE, "segments": [{"id": "g", "name": "G", "stages": [{"id": "s", "name": "S", "steps": steps}]}]}
    return json.dumps(doc).encode()


def test_the_issues_100000_step_file_is_refused_naming_the_place():
    data = hundred_thousand_steps()
    assert 3_000_000 < len(data) < 10 * 1024 * 1024
    with pytest.raises(MapFormatError) as info:
        read_map(data)
    assert str(info.value) == "segments[0].steps: holds 100,000 customer steps; the limit is 2,000"


def test_the_cli_refuses_the_100000_step_file_and_writes_nothing(tmp_path):
    db = tmp_path / "k.duckdb"
    assert run("import", str(Path(__file__).parent.parent / "workshop" / "data" / "fleet-telematics.en.json"), "--db", str(db)).returncode == 0
    before = _workshops(db)
    path = tmp_path / "big.json"
    path.write_bytes(hundred_thousand_steps())
    result = run("import", str(path), "--db", str(db))
    assert result.returncode == 2
    assert "segments[0].steps: holds 100,000 customer steps; the limit is 2,000" in result.stderr
    assert _workshops(db) == before


@pytest.mark.parametrize("name,doc,place,lim", ALL[::3], ids=[c[0] for c in ALL[::3]])
def test_the_cli_refuses_a_file_over_a_limit(name, doc, place, lim, tmp_path):
    path = tmp_path / "over.json"
    path.write_text(json.dumps(doc))
    result = run("import", str(path), "--db", str(tmp_path / "k.duckdb"))
    assert result.returncode == 2
    assert f"{place}: holds {lim.limit + 1:,}" in result.stderr
    assert not (tmp_path / "k.duckdb").exists()  # refused before the database is opened


def _workshops(db: Path) -> list:
    store = open_store(db)
    try:
        return [(w.id, w.title, w.counts, w.version) for w in store.list_workshops()]
    finally:
        store.close()


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "k.duckdb")
    yield s
    s.close()


@pytest.mark.parametrize("name,doc,place,lim", ALL, ids=[c[0] for c in ALL])
def test_the_create_form_refuses_an_upload_over_a_limit_and_writes_nothing(name, doc, place, lim, store):
    before = [w.id for w in store.list_workshops()]
    with pytest.raises(MapFormatError) as info:
        live.create_workshop(store, title="", language="sv", template="blank", name="Ann", function="sales",
                          upload=json.dumps(doc).encode())
    assert error_text(info.value, "sv").startswith(f"{place}: innehåller {lim.limit + 1} ")
    assert [w.id for w in store.list_workshops()] == before


def test_the_biggest_legal_map_reaches_every_limit_and_is_accepted():
    doc = demo.biggest_map()
    assert L.document_problems(doc) == []
    read_map(json.dumps(doc))  # schema and rules too
    assert len(doc["segments"]) == L.SEGMENTS.limit
    assert len(doc["participants"]) == L.PARTICIPANTS.limit - 1  # room for the one who opens it
    for key, lim in (("usps", L.USPS), ("notes", L.NOTES), ("votes", L.VOTES),
                     ("deals", L.DEALS), ("actions", L.ACTIONS)):
        assert len(doc[key]) == lim.limit
    seg = doc["segments"][-1]
    assert sum(len(s["steps"]) for s in seg["stages"]) == L.STEPS.limit
    for key, lim in (("stages", L.STAGES), ("flows", L.FLOWS), ("roles", L.ROLES), ("relations", L.RELATIONS),
                     ("motives", L.MOTIVES), ("objections", L.OBJECTIONS)):
        assert len(seg[key]) == lim.limit
    assert len(seg["stages"][0]["questions"]) == L.TEXTS.limit
    assert len(seg["motives"][0]["roles"]) == L.IDS.limit
    assert len(seg["roles"][0]["involvement"]) == L.INVOLVEMENT.limit
    assert len(json.dumps(doc).encode()) < 10 * 1024 * 1024


def test_the_biggest_legal_map_is_created_through_the_create_form(store):
    made = live.create_workshop(store, title="", language="en", template="blank", name="Ann", function="sales",
                             upload=json.dumps(demo.biggest_map(segments=1)).encode())
    assert store.exists(made.workshop_id)


def test_a_map_with_no_room_for_its_creator_is_refused_before_anything_is_written(store):
    doc = {**BASE, "segments": [_segment()], "participants": [{"id": f"p{i}", "name": "P"} for i in range(L.PARTICIPANTS.limit)]}
    with pytest.raises(BadInput) as info:
        live.create_workshop(store, title="", language="en", template="blank", name="Ann", function="sales",
                             upload=json.dumps(doc).encode())
    assert info.value.key == "error.limit"
    assert store.list_workshops() == []


# -- live adds --------------------------------------------------------------------------------
def _full(store, doc: dict):
    made = live.create_workshop(store, title="", language="sv", template="blank", name="Ann", function="sales",
                             upload=json.dumps(doc).encode())
    return made.me


def _at_limit(key: str, lim: L.Limit, make) -> dict:
    doc = over(key, lim, make)
    holder = doc if lim.scope == "map" else doc["segments"][0]
    if key == "steps":
        holder["stages"][1]["steps"].pop()
    else:
        holder[key].pop()
    return doc


def test_adding_a_step_to_a_full_segment_is_refused_until_one_goes(store):
    me = _full(store, _at_limit("steps", L.STEPS, lambda i: {"id": f"t{i}", "text": "T"}))
    with pytest.raises(BadInput) as info:
        editing.add(store, me, "step", {"text": "one more"}, parent="s1")
    assert error_text(info.value, "sv") == "Det får inte plats fler kundsteg: gränsen är 2000 per kundsegment. Ta bort några först."
    assert error_text(info.value, "en") == "There is no room for more customer steps: the limit is 2,000 per customer segment. Remove some first."
    assert "kundesteg" in error_text(info.value, "nb")
    el = store.element(me.workshop_id, "t0")
    editing.delete(store, me, "t0", el.version)
    editing.add(store, me, "step", {"text": "one more"}, parent="s1")


@pytest.mark.parametrize("key,kind,data,parent", [
    ("stages", "stage", {"name": "S"}, "g"),
    ("roles", "role", {"name": "R"}, "g"),
    ("actions", "action", {"text": "A"}, None),
    ("segments", "segment", {"name": "G"}, None),
])
def test_a_live_add_to_a_full_list_is_refused(key, kind, data, parent, store):
    case = next(c for c in CASES if c[0] == key)
    doc = _at_limit(key, case[1], case[2])
    if key == "segments":
        doc["segments"][0] = _segment()
    me = _full(store, doc)
    with pytest.raises(BadInput) as info:
        editing.add(store, me, kind, data, parent=parent)
    assert info.value.key == "error.limit"
    assert f"the limit is {case[1].limit:,}" in error_text(info.value, "en")


def test_an_edit_that_makes_an_elements_list_too_long_is_refused(store):
    me = _full(store, {**BASE, "segments": [_segment()]})
    el = store.element(me.workshop_id, "s")
    with pytest.raises(MapFormatError) as info:
        editing.update(store, me, "s", {"questions": [f"q{i}" for i in range(L.TEXTS.limit + 1)]}, el.version)
    assert error_text(info.value, "nb").startswith("questions: inneholder 51 tekster")


def test_limits_is_pure():
    text = Path(L.__file__).read_text()
    for lib in ("streamlit", "duckdb", "jsonschema", "pyvis"):
        assert f"import {lib}" not in text
    assert "workshop.model.limits" in sys.modules


def test_the_documented_limits_are_the_codes():
    doc = (Path(__file__).parent.parent / "docs" / "limits.md").read_text(encoding="utf-8")
    for what, per, limit in L.table():
        assert f"| {what} | {per} | {limit:,} |" in doc
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "docs/limits.md" in readme
    for lim in (L.STEPS, L.STAGES, L.SEGMENTS):
        assert f"{lim.limit:,}" in readme


def test_a_new_dot_when_the_map_holds_the_most_votes_is_refused(store):
    from workshop.services import facilitation as fs
    from workshop.services.live import Identity
    from workshop.services.maps import import_document

    doc = demo.example("fleet")
    people = [p["id"] for p in doc["participants"]]
    votes = doc.setdefault("votes", [])
    about = doc["segments"][0]["objections"][0]["id"]
    votes += [{"participant": people[i % len(people)], "about": about, "dots": 1} for i in range(L.VOTES.limit - len(votes))]
    created = import_document(store, doc).created
    wid = doc["workshop"]["id"]
    fac = fs.Facilitator(wid, created.facilitator_key, people[0])
    n = fs.start_vote(store, fac, "objection", budget=4, max_per_element=3, prompt="Which?", now=1_700_000_000.0).no
    with pytest.raises(BadInput) as info:
        fs.set_dots(store, Identity(wid, people[1], "P", "token"), n, about, 1)
    assert info.value.key == "error.limit"
    assert "votes" in error_text(info.value, "en") and "röster" in error_text(info.value, "sv")
