"""The safe map reader: the examples read, and every hostile input is a clear MapFormatError.

Each refusal must be a :class:`MapFormatError` (never RecursionError, UnicodeDecodeError or a
jsonschema exception) whose problems name the place, so a user can fix the file.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import pytest

from workshop.errors import BadInput, MapFormatError
from workshop.model.reader import MAX_DEPTH, MAX_MAP_BYTES, read_map, read_map_file, validate

DATA = Path(resources.files("workshop") / "data")
EXAMPLES = sorted(DATA.glob("*.json"))


def fleet() -> dict:
    return json.loads((DATA / "fleet-telematics.en.json").read_text(encoding="utf-8"))


def refused(data: bytes | str | dict) -> MapFormatError:
    """The error reading ``data`` gives (it must be a MapFormatError and nothing else)."""
    with pytest.raises(MapFormatError) as info:
        if isinstance(data, dict):
            validate(data)
        else:
            read_map(data)
    assert info.value.problems, "a refusal always names at least one problem"
    return info.value


def places(err: MapFormatError) -> list[str]:
    return [p.place for p in err.problems]


def messages(err: MapFormatError) -> list[str]:
    return [str(p) for p in err.problems]


# --- the examples --------------------------------------------------------------------------


def test_there_are_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_read(path):
    doc = read_map_file(path)
    assert doc == json.loads(path.read_text(encoding="utf-8"))
    assert read_map(path.read_bytes()) == doc
    assert read_map(path.read_text(encoding="utf-8")) == doc
    validate(doc)


def test_utf8_bom_is_accepted():
    raw = (DATA / "fleet-telematics.en.json").read_bytes()
    assert read_map(b"\xef\xbb\xbf" + raw) == read_map(raw)
    assert read_map("\ufeff" + raw.decode("utf-8")) == read_map(raw)


def test_reader_is_pure():
    src = resources.files("workshop.model")
    for name in ("reader.py", "rules.py"):
        text = (src / name).read_text(encoding="utf-8")
        for lib in ("streamlit", "duckdb", "pyvis"):
            assert f"import {lib}" not in text and f"from {lib}" not in text


# --- files ---------------------------------------------------------------------------------


def test_missing_file_is_bad_input_naming_the_path(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(BadInput) as info:
        read_map_file(path)
    assert not isinstance(info.value, MapFormatError)
    assert str(path) in str(info.value) and "no such file" in str(info.value)


def test_directory_is_bad_input(tmp_path):
    with pytest.raises(BadInput) as info:
        read_map_file(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_file_over_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as f:  # sparse: 12.3 MB on paper, almost nothing on disk or in memory
        f.truncate(int(12.3 * 1024 * 1024))
    err = refused_file(path)
    assert str(err) == "the file is 12.3 MB; the limit is 10 MB (10,485,760 bytes)"


def test_file_just_over_the_limit_shows_bytes(tmp_path):
    path = tmp_path / "edge.json"
    with path.open("wb") as f:
        f.truncate(MAX_MAP_BYTES + 1)
    err = refused_file(path)
    assert "10,485,761 bytes" in str(err) and "limit is 10 MB" in str(err)


def test_bytes_over_the_limit_are_refused():
    err = refused(b" " * (MAX_MAP_BYTES + 1))
    assert "limit is 10 MB" in str(err)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    assert "empty" in str(refused_file(path))
    assert "empty" in str(refused(b"  \n\t "))


def refused_file(path: Path) -> MapFormatError:
    with pytest.raises(MapFormatError) as info:
        read_map_file(path)
    return info.value


# --- bytes and JSON ------------------------------------------------------------------------


def test_not_utf8_names_the_byte():
    err = refused(b'{"format": "kopkarta-map",\n "x": "\xe9t\xe9"}')
    assert "not UTF-8" in str(err) and "offset 34 (line 2)" in str(err) and "0xe9" in str(err)
    err = refused(b"\xef\xbb\xbf{\"x\": \"\xc3\x28\"}")  # offsets count the byte order mark too
    assert "offset 10 (line 1) is 0xc3" in str(err)


def test_utf16_is_named():
    err = refused("{}".encode("utf-16"))
    assert "UTF-16" in str(err)
    assert "UTF-8" in str(refused(b"\xff\xfe\x00garbage"))


def test_lone_surrogate_in_text():
    assert "surrogate" in str(refused('{"a": "\ud800"}'))


def test_not_json_gives_line_and_column():
    err = refused(b'{\n  "format": "kopkarta-map",\n  "version": 1,,\n}')
    assert str(err).startswith("the file is not valid JSON:")
    assert "line 3, column 16" in str(err)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_refused(value):
    err = refused(f'{{"format": "kopkarta-map", "x": {value}}}')
    assert value.lstrip("-") in str(err) and "not allowed" in str(err)


def test_huge_float_refused():
    assert "too large" in str(refused('{"x": 1e999}'))


def test_huge_integer_refused():
    assert "too many digits" in str(refused('{"x": ' + "9" * 5000 + "}"))


def test_duplicate_key_names_the_key():
    err = refused('{"format": "kopkarta-map", "version": 1, "version": 1}')
    assert str(err) == "the key 'version' appears twice in the same object; JSON keys must be unique"


@pytest.mark.parametrize(
    "text, kind",
    [("[]", "an array"), ('[{"format": "kopkarta-map"}]', "an array"), ('"map"', "a string"),
     ("42", "a number"), ("null", "null"), ("true", "true")],
)
def test_top_level_must_be_an_object(text, kind):
    assert str(refused(text)) == f"a map file is a JSON object, not {kind}"


@pytest.mark.parametrize("data", ["[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000],
                         ids=["arrays", "objects", "closed-arrays"])
def test_deep_nesting_is_a_clear_error(data):
    err = refused(data)
    assert "nested too deeply" in str(err) and str(MAX_DEPTH) in str(err)


def test_moderate_nesting_is_caught_after_parsing():
    deep: dict = {"format": "kopkarta-map", "version": 1}
    node = deep
    for _ in range(MAX_DEPTH + 5):
        node["x"] = {}
        node = node["x"]
    err = refused(json.dumps(deep))
    assert "nested too deeply" in str(err) and err.problems[0].place.startswith("x.x.x")


# --- format and version --------------------------------------------------------------------


def test_wrong_format():
    doc = fleet()
    doc["format"] = "trello-board"
    err = refused(json.dumps(doc))
    assert places(err) == ["format"] and "not a Köpkarta map" in str(err)


def test_missing_format():
    doc = fleet()
    del doc["format"]
    assert places(refused(doc)) == ["format"]


@pytest.mark.parametrize("version, shown", [(2, "2"), (0, "0"), ("1", '"1"'), (True, "true"), (1.5, "1.5")])
def test_unknown_version_refused(version, shown):
    doc = fleet()
    doc["version"] = version
    err = refused(json.dumps(doc))
    assert messages(err) == [f"version: version {shown} is not supported; this reader knows version 1"]


def test_missing_version():
    doc = fleet()
    del doc["version"]
    assert places(refused(doc)) == ["version"]


# --- the schema ----------------------------------------------------------------------------


def test_missing_required_is_named():
    doc = fleet()
    del doc["segments"][0]["stages"][1]["name"]
    err = refused(doc)
    assert messages(err) == ["segments[0].stages[1].name: is required but missing"]


def test_bad_enum():
    doc = fleet()
    doc["segments"][0]["stages"][0]["steps"][1]["kind"] = "party"
    err = refused(doc)
    assert places(err) == ["segments[0].stages[0].steps[1].kind"]
    assert '"party" is not one of: action, meeting' in str(err)


def test_additional_property_names_the_key():
    doc = fleet()
    doc["segments"][0]["flows"][2]["weight"] = 3
    doc["colour"] = "red"
    err = refused(doc)
    assert set(places(err)) == {"segments[0].flows[2].weight", "colour"}
    assert all("unexpected key" in p.message for p in err.problems)


def test_bad_id_pattern():
    doc = fleet()
    doc["segments"][0]["roles"][0]["id"] = "r fleet!"
    err = refused(doc)
    assert places(err)[0] == "segments[0].roles[0].id"
    assert "not a valid id" in err.problems[0].message


def test_bad_involvement_key():
    doc = fleet()
    doc["segments"][0]["roles"][0]["involvement"]["bad key"] = "informed"
    err = refused(doc)
    assert places(err) == ["segments[0].roles[0].involvement"]
    assert "bad key" in err.problems[0].message


def test_too_long_line_is_named_and_short():
    doc = fleet()
    doc["segments"][0]["name"] = "x" * 5000
    err = refused(doc)
    assert messages(err) == ["segments[0].name: is 5000 characters long; the limit is 200"]


def test_wrong_type_message_is_short():
    doc = fleet()
    doc["workshop"]["title"] = ["a"] * 10_000
    err = refused(doc)
    assert messages(err) == ["workshop.title: should be a string, not a list of 10000 items"]


def test_long_bad_value_is_truncated():
    doc = fleet()
    doc["actions"][0]["status"] = "y" * 10_000
    err = refused(doc)
    assert places(err) == ["actions[0].status"] and len(str(err)) < 200


@pytest.mark.parametrize("value", ["2026-13-01T00:00:00Z", "2026-10-14 09:00:00Z", "2026-10-14T09:00:00",
                                   "2026-10-14", "yesterday", "2026-02-30T10:00:00+01:00"])
def test_bad_date_time(value):
    doc = fleet()
    doc["workshop"]["created_at"] = value
    err = refused(doc)
    assert places(err) == ["workshop.created_at"] and "date-time" in str(err)


@pytest.mark.parametrize("value", ["2026-10-14T09:00:00Z", "2026-10-14T09:00:00.123+02:00", "2026-10-14t09:00:00z"])
def test_good_date_time(value):
    doc = fleet()
    doc["workshop"]["created_at"] = value
    validate(doc)


@pytest.mark.parametrize("value", ["2026-02-30", "20261215", "2026-12-15T00:00:00Z", "15.12.2026"])
def test_bad_date(value):
    doc = fleet()
    doc["actions"][0]["due"] = value
    assert places(refused(doc)) == ["actions[0].due"]


def test_several_schema_errors_in_document_order():
    doc = fleet()
    doc["actions"][0]["status"] = "nope"
    doc["segments"][0]["roles"][2]["influence"] = 9
    doc["workshop"]["language"] = "de"
    err = refused(doc)
    assert places(err) == ["workshop.language", "segments[0].roles[2].influence", "actions[0].status"]
    assert "(and 2 more problems)" in str(err)


def test_many_errors_are_capped():
    doc = fleet()
    doc["notes"] = [{"id": f"n{i}", "text": ""} for i in range(500)]
    err = refused(doc)
    assert len(err.problems) == 51 and "450 more" in err.problems[-1].message


def test_empty_segments_refused():
    doc = fleet()
    doc["segments"] = []
    assert places(refused(doc)) == ["segments"]


# --- rule 1: ids are unique across the document ---------------------------------------------


def test_duplicate_id_names_both_places():
    doc = fleet()
    doc["segments"][0]["roles"][2]["id"] = doc["segments"][0]["stages"][0]["id"]
    sid = doc["segments"][0]["stages"][0]["id"]
    err = refused(doc)
    assert f"segments[0].roles[2].id: id '{sid}' is already used at segments[0].stages[0].id" in messages(err)


def test_duplicate_id_across_top_level_lists():
    doc = fleet()
    doc["actions"][0]["id"] = doc["participants"][0]["id"]
    err = refused(doc)
    assert "actions[0].id: id 'p-anna' is already used at participants[0].id" in messages(err)


def test_workshop_id_is_not_in_the_namespace():
    doc = fleet()
    doc["workshop"]["id"] = doc["segments"][0]["id"]
    validate(doc)


# --- rule 2: references resolve, in their segment -------------------------------------------


def broken(mutate) -> list[str]:
    doc = fleet()
    mutate(doc)
    return messages(refused(json.dumps(doc)))


def seg(doc: dict) -> dict:
    return doc["segments"][0]


def test_flow_to_unknown_step_exact_message():
    def mutate(doc):
        seg(doc)["flows"][3]["to"] = "st-9"

    assert broken(mutate) == ["segments[0].flows[3].to: no step 'st-9' in segment 'midsize'"]


def test_flow_in_second_segment_exact_message():
    doc = fleet()
    other = copy.deepcopy(seg(doc))
    other["id"] = "smb"
    renamed = {}

    def rename(x, prefix="smb-"):
        renamed[x["id"]] = prefix + x["id"]
        x["id"] = prefix + x["id"]

    for stage in other["stages"]:
        rename(stage)
        for step in stage.get("steps", []):
            rename(step)
    for key in ("roles", "motives", "objections"):
        for x in other.get(key, []):
            rename(x)
    # references inside the copy follow the renaming
    for flow in other["flows"]:
        flow["from"], flow["to"] = renamed[flow["from"]], renamed[flow["to"]]
    for rel in other.get("relations", []):
        rel["from"], rel["to"] = renamed[rel["from"]], renamed[rel["to"]]
    for stage in other["stages"]:
        for step in stage.get("steps", []):
            if "owner" in step:
                step["owner"] = renamed[step["owner"]]
    for role in other["roles"]:
        role["involvement"] = {renamed[k]: v for k, v in role.get("involvement", {}).items()}
    for key in ("motives", "objections"):
        for x in other.get(key, []):
            if "roles" in x:
                x["roles"] = [renamed[r] for r in x["roles"]]
            if "stage" in x:
                x["stage"] = renamed[x["stage"]]
    doc["segments"].append(other)
    validate(doc)
    # a flow pointing at a step of the *other* segment is as broken as one to nothing
    other["flows"][3]["to"] = "st1"
    assert messages(refused(doc)) == ["segments[1].flows[3].to: no step 'st1' in segment 'smb'"]
    other["flows"][3]["to"] = "st-9"
    assert messages(refused(doc)) == ["segments[1].flows[3].to: no step 'st-9' in segment 'smb'"]


def test_flow_from_unknown_step():
    assert broken(lambda d: seg(d)["flows"][0].update({"from": "r-fleet"})) == [
        "segments[0].flows[0].from: no step 'r-fleet' in segment 'midsize'"
    ]


def test_step_owner():
    assert broken(lambda d: seg(d)["stages"][1]["steps"][0].update({"owner": "r-x"})) == [
        "segments[0].stages[1].steps[0].owner: no role 'r-x' in segment 'midsize'"
    ]


def test_relation_end():
    assert broken(lambda d: seg(d)["relations"][1].update({"to": "r-x"})) == [
        "segments[0].relations[1].to: no role 'r-x' in segment 'midsize'"
    ]


def test_objection_stage():
    assert broken(lambda d: seg(d)["objections"][2].update({"stage": "k9"})) == [
        "segments[0].objections[2].stage: no stage 'k9' in segment 'midsize'"
    ]


def test_objection_and_motive_roles():
    def mutate(doc):
        seg(doc)["objections"][0]["roles"] = ["r-fleet", "r-x"]
        seg(doc)["motives"][0]["roles"] = ["r-y"]

    assert broken(mutate) == [
        "segments[0].motives[0].roles[0]: no role 'r-y' in segment 'midsize'",
        "segments[0].objections[0].roles[1]: no role 'r-x' in segment 'midsize'",
    ]


def test_involvement_key():
    assert broken(lambda d: seg(d)["roles"][1]["involvement"].update({"k9": "informed"})) == [
        "segments[0].roles[1].involvement.k9: no stage 'k9' in segment 'midsize'"
    ]


def test_usp_motive():
    assert broken(lambda d: d["usps"][0].update({"motives": ["m-cost", "m-9"]})) == [
        "usps[0].motives[1]: no motive 'm-9'"
    ]


def test_note_author_and_about():
    def mutate(doc):
        doc["notes"][0]["author"] = "p-9"
        doc["notes"][1]["about"] = "x"

    assert broken(mutate) == ["notes[0].author: no participant 'p-9'", "notes[1].about: no element 'x'"]


def test_vote_participant_and_about():
    def mutate(doc):
        doc["votes"][2]["participant"] = "p-9"
        doc["votes"][0]["about"] = "fleet-launch"  # the workshop's id is not an element

    assert broken(mutate) == [
        "votes[0].about: no element 'fleet-launch'",
        "votes[2].participant: no participant 'p-9'",
    ]


def test_action_about():
    assert broken(lambda d: d["actions"][0].update({"about": "zz"})) == ["actions[0].about: no element 'zz'"]


def test_about_may_name_any_kind_of_element():
    doc = fleet()
    targets = [doc["participants"][0]["id"], doc["usps"][0]["id"], seg(doc)["id"], seg(doc)["stages"][0]["id"],
               seg(doc)["stages"][0]["steps"][0]["id"], seg(doc)["roles"][0]["id"], seg(doc)["motives"][0]["id"],
               seg(doc)["objections"][0]["id"], doc["deals"][0]["id"], doc["actions"][0]["id"], doc["notes"][0]["id"]]
    for target in targets:
        doc["notes"][1]["about"] = target
        validate(doc)


def test_deal_segment_stage_and_roles():
    assert broken(lambda d: d["deals"][0].update({"segment": "x"})) == ["deals[0].segment: no segment 'x'"]

    def mutate(doc):
        doc["deals"][0]["stage"] = "k9"
        doc["deals"][0]["roles_engaged"] = ["r-fleet", "r-x"]

    assert broken(mutate) == [
        "deals[0].stage: no stage 'k9' in segment 'midsize'",
        "deals[0].roles_engaged[1]: no role 'r-x' in segment 'midsize'",
    ]


def test_rules_run_only_after_the_schema_passes():
    doc = fleet()
    seg(doc)["flows"][3]["to"] = "st-9"
    seg(doc)["name"] = ""
    assert messages(refused(doc)) == ["segments[0].name: must not be empty"]


def test_validate_changes_nothing():
    doc = fleet()
    before = copy.deepcopy(doc)
    validate(doc)
    seg(doc)["flows"][3]["to"] = "st-9"
    broken_before = copy.deepcopy(doc)
    refused(doc)
    assert doc == broken_before and before != broken_before
