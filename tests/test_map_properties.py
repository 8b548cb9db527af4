"""Properties of the map format, over generated valid maps (see ``strategies.maps``).

Valid maps are accepted, survive flatten/assemble and JSON unchanged (rule 6), and one broken
reference or one duplicated id is refused with a problem at the right place (rules 1, 2, 5).
Hostile bytes never raise anything but MapFormatError.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import maps

from workshop.errors import MapFormatError
from workshop.model.elements import assemble, flatten
from workshop.model.reader import read_map, validate

Path = tuple[Any, ...]


def where(path: Path) -> str:
    """Written independently of the reader: ``segments[1].flows[3].to``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def reference_sites(doc: dict[str, Any]) -> Iterator[Path]:
    """The path of every reference in the document (rule 2), found by walking it generically."""
    for si, seg in enumerate(doc["segments"]):
        base: Path = ("segments", si)
        for gi, stage in enumerate(seg["stages"]):
            for ti, step in enumerate(stage.get("steps", [])):
                if "owner" in step:
                    yield (*base, "stages", gi, "steps", ti, "owner")
        for key in ("flows", "relations"):
            for i, _ in enumerate(seg.get(key, [])):
                yield (*base, key, i, "from")
                yield (*base, key, i, "to")
        for ri, role in enumerate(seg.get("roles", [])):
            for stage_id in role.get("involvement", {}):
                yield (*base, "roles", ri, "involvement", stage_id)
        for key in ("motives", "objections"):
            for i, item in enumerate(seg.get(key, [])):
                for k, _ in enumerate(item.get("roles", [])):
                    yield (*base, key, i, "roles", k)
                if "stage" in item:
                    yield (*base, key, i, "stage")
    for ui, usp in enumerate(doc.get("usps", [])):
        for k, _ in enumerate(usp.get("motives", [])):
            yield ("usps", ui, "motives", k)
    for key, fields in (("notes", ("author", "about")), ("votes", ("participant", "about")),
                        ("actions", ("about",)), ("deals", ("segment", "stage"))):
        for i, item in enumerate(doc.get(key, [])):
            for field in fields:
                if field in item:
                    yield (key, i, field)
    for di, deal in enumerate(doc.get("deals", [])):
        for k, _ in enumerate(deal.get("roles_engaged", [])):
            yield ("deals", di, "roles_engaged", k)


def id_sites(doc: Any, path: Path = ()) -> Iterator[Path]:
    """Paths of every element with an id (dicts with ``id`` inside lists), in document order."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if path == () and key == "workshop":
                continue
            yield from id_sites(value, (*path, key))
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            if isinstance(item, dict) and "id" in item:
                yield (*path, i)
            yield from id_sites(item, (*path, i))


def get(doc: Any, path: Path) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def break_reference(doc: dict[str, Any], path: Path) -> str:
    """Point the reference at ``path`` at nothing; return the place the reader must name."""
    *parent_path, last = path
    parent = get(doc, tuple(parent_path))
    if parent_path[-1] == "involvement":  # the reference is the key itself
        parent["missing-id"] = parent.pop(last)
        return where((*parent_path, "missing-id"))
    parent[last] = "missing-id"
    return where(path)


def problems_of(doc_or_text: Any) -> list[tuple[str, str]]:
    with pytest.raises(MapFormatError) as info:
        if isinstance(doc_or_text, dict):
            validate(doc_or_text)
        else:
            read_map(doc_or_text)
    return [(p.place, p.message) for p in info.value.problems]


@given(maps())
def test_generated_maps_are_valid(doc):
    before = copy.deepcopy(doc)
    validate(doc)
    assert doc == before  # validation changes nothing


@given(maps())
def test_flatten_then_assemble_round_trips(doc):
    flat = flatten(doc)
    assert assemble(flat.workshop, flat.lists, flat.elements) == doc


@given(maps(), st.booleans(), st.booleans())
def test_json_round_trip_through_the_reader(doc, as_bytes, ascii_only):
    text = json.dumps(doc, ensure_ascii=ascii_only, indent=2)
    assert read_map(text.encode("utf-8") if as_bytes else text) == doc


@given(maps(), st.data())
def test_a_broken_reference_is_named(doc, data):
    sites = list(reference_sites(doc))
    if not sites:  # nothing refers to anything: add a deal in a segment that does not exist
        doc.setdefault("deals", []).append({"id": "deal-x", "name": "X", "segment": "seg-1"})
        sites = [("deals", len(doc["deals"]) - 1, "segment")]
    path = data.draw(st.sampled_from(sites), label="reference")
    expected = break_reference(doc, path)
    problems = problems_of(json.dumps(doc))
    assert [p for p, _ in problems] == [expected]
    assert "'missing-id'" in problems[0][1]
    assert problems[0][1].startswith("no ")


@given(maps(), st.data())
def test_a_duplicate_id_is_named(doc, data):
    if len(list(id_sites(doc))) < 2:  # a lone segment: give it company
        doc.setdefault("notes", []).append({"id": "note-extra", "text": "x"})
    sites = list(id_sites(doc))
    i = data.draw(st.integers(0, len(sites) - 2), label="first")
    j = data.draw(st.integers(i + 1, len(sites) - 1), label="second")
    first, second = sites[i], sites[j]
    taken = get(doc, first)["id"]
    get(doc, second)["id"] = taken
    problems = problems_of(doc)
    assert (where((*second, "id")), f"id '{taken}' is already used at {where((*first, 'id'))}") in problems


@given(maps(), st.data())
def test_a_truncated_file_is_refused_cleanly(doc, data):
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    cut = data.draw(st.integers(0, len(raw) - 1), label="cut")
    problems_of(raw[:cut])


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(raw):
    try:
        read_map(raw)
    except MapFormatError as e:
        assert e.problems and all(p.message for p in e.problems)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@given(maps(), st.data())
def test_a_wrong_value_anywhere_is_refused_cleanly(doc, data):
    """Replace one value somewhere with arbitrary JSON: the reader accepts or names a problem."""
    paths: list[Path] = []

    def collect(node: Any, path: Path) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                collect(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                collect(v, (*path, i))

    collect(doc, ())
    path = data.draw(st.sampled_from(paths[1:]), label="path")
    get(doc, path[:-1])[path[-1]] = data.draw(_json, label="value")
    try:
        read_map(json.dumps(doc))
    except MapFormatError as e:
        assert e.problems and all(p.message for p in e.problems)
