"""The DuckDB store on a real file: migrations, round trip, edits, stale edits, undo, events."""

from __future__ import annotations

import json

import duckdb
import pytest

from workshop.errors import BadInput, Conflict, MapFormatError, NotFound, StaleEdit
from workshop.model.elements import flatten
from workshop.services.maps import export_document, import_document
from workshop.store import open_store
from workshop.store.duckdb.migrations import MIGRATIONS
from workshop.rules.workshops import JOIN_ALPHABET, JOIN_LENGTH

W = "fleet-launch"


#: for a test of the DuckDB engine's own machinery (its file, its writer thread)
DUCKDB_ONLY = pytest.mark.parametrize("any_store", ["duckdb"], indirect=True)


@pytest.fixture
def store(any_store):
    """The rules here run on every engine (``conftest.ENGINES``): they must not lean on DuckDB."""
    return any_store


def test_migrations_are_recorded_once(db_path):
    open_store(db_path).close()
    open_store(db_path).close()
    con = duckdb.connect(str(db_path))
    rows = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    con.close()
    assert [r[0] for r in rows] == [m[0] for m in MIGRATIONS]


def test_examples_round_trip_exactly(store, fleet, kommun):
    for doc in (fleet, kommun):
        import_document(store, doc)
        assert export_document(store, doc["workshop"]["id"]) == doc


def test_import_of_existing_id_is_refused_and_changes_nothing(fleet_store, fleet):
    before = export_document(fleet_store, W)
    version = fleet_store.version(W)
    changed = json.loads(json.dumps(fleet))
    changed["workshop"]["title"] = "Other"
    with pytest.raises(Conflict):
        import_document(fleet_store, changed)
    assert export_document(fleet_store, W) == before
    assert fleet_store.version(W) == version


def test_replace_swaps_content_and_keeps_join_code(fleet_store, fleet):
    code = fleet_store.workshop(W).join_code
    changed = json.loads(json.dumps(fleet))
    changed["workshop"]["title"] = "Replaced"
    del changed["votes"]
    result = import_document(fleet_store, changed, mode="replace")
    assert result.replaced and result.created is None
    assert export_document(fleet_store, W) == changed
    assert fleet_store.workshop(W).join_code == code


def test_as_new_gets_a_fresh_id(fleet_store, fleet):
    result = import_document(fleet_store, fleet, mode="as_new")
    assert result.workshop_id != W and result.workshop_id.startswith(W)
    doc = export_document(fleet_store, result.workshop_id)
    assert doc["segments"] == fleet["segments"]


def test_failed_import_is_rolled_back_completely(fleet_store, fleet):
    before = export_document(fleet_store, W)
    version = fleet_store.version(W)
    flat = flatten(fleet)
    flat.elements[-1].data = {"id": "x", "text": {1, 2}}  # cannot be stored: fails after the old rows went
    with pytest.raises(TypeError):
        fleet_store.import_map(flat, replace=True)
    assert export_document(fleet_store, W) == before
    assert fleet_store.version(W) == version
    # and the writer still works afterwards
    fleet_store.add(W, "note", {"text": "still alive"}, actor="p-anna")


def test_join_code_and_key(store, fleet, kommun, db_path):
    a = import_document(store, fleet).created
    b = import_document(store, kommun).created
    for created in (a, b):
        assert len(created.join_code) == JOIN_LENGTH
        assert set(created.join_code) <= set(JOIN_ALPHABET)
        assert len(created.facilitator_key) >= 24
    assert a.join_code != b.join_code
    assert store.find_by_join_code(a.join_code.lower()) == W
    with pytest.raises(NotFound) as err:
        store.find_by_join_code("ZZZZZZ")
    assert "fleet" not in str(err.value)
    assert store.check_facilitator_key(W, a.facilitator_key)
    assert not store.check_facilitator_key(W, b.facilitator_key)
    assert not store.check_facilitator_key(W, "")
    store.close()
    if store.path is not None:  # an engine with a file: the key is not in it
        raw = store.path.read_bytes()
        assert a.facilitator_key.encode() not in raw  # only a hash is stored


def test_ambiguous_characters_never_in_join_codes():
    for ch in "0O1IL2Z5S8B":
        assert ch not in JOIN_ALPHABET


def test_add_update_and_events(fleet_store):
    v0 = fleet_store.version(W)
    step = fleet_store.add(W, "step", {"text": "Reads the analyst report", "owner": "r-it"}, parent="s2", actor="p-mia")
    assert fleet_store.version(W) == v0 + 1 == step.version
    doc = export_document(fleet_store, W)
    assert doc["segments"][0]["stages"][1]["steps"][-1] == {"text": "Reads the analyst report", "owner": "r-it", "id": step.eid}
    new = fleet_store.update(W, step.eid, {"behind_the_scenes": True}, based_on=step.version, actor="p-lars")
    assert new.version == v0 + 2
    events = fleet_store.events(W, limit=2)
    assert [e["op"] for e in events] == ["update", "add"]
    assert events[0]["actor"] == "p-lars" and events[1]["actor"] == "p-mia"
    assert events[0]["before"][0]["data"].get("behind_the_scenes") is None
    assert events[0]["after"][0]["data"]["behind_the_scenes"] is True
    assert events[0]["at"] is not None


def test_stale_update_is_refused_with_current_value(fleet_store):
    el = fleet_store.element(W, "st1")
    fleet_store.update(W, "st1", {"text": "Anna's version"}, based_on=el.version, actor="p-anna")
    with pytest.raises(StaleEdit) as err:
        fleet_store.update(W, "st1", {"text": "Lars's version"}, based_on=el.version, actor="p-lars")
    assert err.value.current["text"] == "Anna's version"
    assert err.value.by == "p-anna"
    assert fleet_store.element(W, "st1").data["text"] == "Anna's version"


def test_invalid_fields_and_references_are_refused(fleet_store):
    v = fleet_store.version(W)
    with pytest.raises(MapFormatError) as err:
        fleet_store.add(W, "step", {"text": "x", "kind": "party"}, parent="s1")
    assert err.value.problems[0].place == "kind"
    with pytest.raises(MapFormatError) as err:
        fleet_store.add(W, "step", {"text": "x", "owner": "r-nobody"}, parent="s1")
    assert str(err.value) == "owner: no role 'r-nobody' in segment 'midsize'"
    with pytest.raises(MapFormatError):
        fleet_store.add(W, "vote", {"participant": "p-anna", "about": "nothing-here", "dots": 1})
    with pytest.raises(BadInput):
        fleet_store.add(W, "step", {"text": "x"}, parent="r-cfo")  # a step lives in a stage
    with pytest.raises(Conflict):
        fleet_store.add(W, "step", {"id": "st1", "text": "dup"}, parent="s1")
    assert fleet_store.version(W) == v


def test_cross_segment_reference_is_refused(store, fleet):
    doc = json.loads(json.dumps(fleet))
    other = {"id": "big", "name": "Big firms", "stages": [{"id": "b1", "name": "B1"}], "roles": [{"id": "rb", "name": "RB"}]}
    doc["segments"].append(other)
    import_document(store, doc)
    with pytest.raises(MapFormatError) as err:
        store.add(W, "step", {"text": "x", "owner": "rb"}, parent="s1")
    assert "segment 'midsize'" in str(err.value)


def test_delete_cascades_and_refuses_when_referenced(fleet_store):
    with pytest.raises(Conflict) as err:
        fleet_store.delete(W, "r-cfo", actor="p-anna")
    assert "still referred to" in str(err.value)
    stage = fleet_store.add(W, "stage", {"name": "Renew"}, parent="midsize", actor="p-anna")
    fleet_store.add(W, "step", {"text": "Reviews the contract"}, parent=stage.eid, actor="p-anna")
    fleet_store.delete(W, stage.eid, actor="p-anna")
    doc = export_document(fleet_store, W)
    assert [s["id"] for s in doc["segments"][0]["stages"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]


def test_move_reorders(fleet_store):
    fleet_store.move(W, "s6", 0, actor="p-eva")
    fleet_store.move(W, "s1", 3, actor="p-eva")
    ids = [s["id"] for s in export_document(fleet_store, W)["segments"][0]["stages"]]
    assert ids == ["s6", "s2", "s3", "s1", "s4", "s5"]
    for _ in range(80):  # positions wear out; the list is renumbered and stays right
        fleet_store.move(W, "s5", 1, actor="p-eva")
        fleet_store.move(W, "s4", 1, actor="p-eva")
    ids = [s["id"] for s in export_document(fleet_store, W)["segments"][0]["stages"]]
    assert ids == ["s6", "s4", "s5", "s2", "s3", "s1"]


def test_undo_own_last_change(fleet_store, fleet):
    el = fleet_store.element(W, "st3")
    fleet_store.update(W, "st3", {"text": "Changed"}, based_on=el.version, actor="p-lars")
    note = fleet_store.add(W, "note", {"text": "Remember", "about": "st3", "author": "p-lars"}, actor="p-lars")
    fleet_store.delete(W, "n1", actor="p-lars")
    undone = fleet_store.undo_last(W, "p-lars")
    assert undone["op"] == "delete"
    assert fleet_store.undo_last(W, "p-lars")["eid"] == note.eid
    assert fleet_store.undo_last(W, "p-lars")["op"] == "update"
    assert export_document(fleet_store, W) == fleet
    with pytest.raises(NotFound):
        fleet_store.undo_last(W, "p-lars")


def test_undo_refused_when_someone_changed_it_since(fleet_store):
    el = fleet_store.element(W, "st4")
    mine = fleet_store.update(W, "st4", {"text": "Mine"}, based_on=el.version, actor="p-anna")
    fleet_store.update(W, "st4", {"text": "Theirs"}, based_on=mine.version, actor="p-mia")
    v = fleet_store.version(W)
    with pytest.raises(Conflict):
        fleet_store.undo_last(W, "p-anna")
    assert fleet_store.element(W, "st4").data["text"] == "Theirs"
    assert fleet_store.version(W) == v


def test_version_survives_reopen(db_path, fleet):
    s = open_store(db_path)
    import_document(s, fleet)
    s.add(W, "note", {"text": "a"})
    v = s.version(W)
    s.close()
    s2 = open_store(db_path)
    try:
        assert s2.version(W) == v == 2
        assert s2.add(W, "note", {"text": "b"}).version == 3
    finally:
        s2.close()


def test_list_workshops(fleet_store, kommun):
    import_document(fleet_store, kommun)
    rows = {w.id: w for w in fleet_store.list_workshops()}
    assert set(rows) == {W, "kommun-lansering"}
    assert rows[W].counts["step"] == 12 and rows[W].language == "en"
    assert rows["kommun-lansering"].language == "sv"
    assert rows[W].last_change is not None


@DUCKDB_ONLY
def test_backup_is_a_consistent_copy(fleet_store, tmp_path, fleet):
    out = fleet_store.backup(tmp_path / "copy.duckdb")
    copy = open_store(out)
    try:
        assert export_document(copy, W) == fleet
    finally:
        copy.close()
    with pytest.raises(BadInput):
        fleet_store.backup(out)


def test_delete_workshop(fleet_store):
    fleet_store.delete_workshop(W)
    assert not fleet_store.exists(W)
    with pytest.raises(NotFound):
        export_document(fleet_store, W)


def test_a_new_segment_is_a_valid_map_part_and_the_last_cannot_go(fleet_store):
    from workshop.model.reader import validate

    seg = fleet_store.add(W, "segment", {"name": "Large enterprises"}, actor="p-anna")
    doc = export_document(fleet_store, W)
    assert doc["segments"][-1] == {"name": "Large enterprises", "id": seg.eid, "stages": []}
    validate(doc)
    with pytest.raises(Conflict):
        fleet_store.delete(W, "midsize", actor="p-anna")  # deals and roles refer to it anyway
    fleet_store.delete(W, seg.eid, actor="p-anna")
    store2 = fleet_store
    only = export_document(store2, W)["segments"]
    assert [s["id"] for s in only] == ["midsize"]


def test_the_last_segment_cannot_be_deleted(store):
    from workshop.templates import template_map

    import_document(store, template_map("blank", workshop_id="w-blank", title="Blank", lang="en"))
    with pytest.raises(Conflict) as err:
        store.delete("w-blank", "seg-1")
    assert "at least one customer segment" in str(err.value)
