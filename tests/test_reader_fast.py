"""The reader's fast schema check (``jsonschema_rs``) never accepts what the authority
(``jsonschema``) refuses (issue 18, item 5).

The fast check only answers yes or no, and a yes skips the authority; so on every document
here, generated valid maps and the same maps broken in one place (a value of another type, a
text too long or empty, a bad id or date, an unknown or missing key), a yes from the fast check
must be a yes from the authority. The bundled examples, the hostile map and the biggest legal
map are accepted by both.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import maps

from workshop import demo
from workshop.model import reader


def authority_valid(doc: Any) -> bool:
    return reader._validator().is_valid(doc)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _at(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


#: what a value is replaced with: other types, edge texts, bad ids and dates, big numbers
ODD_VALUES = st.sampled_from([
    None, True, False, 0, 1, -1, 1.0, 2.5, 2**70, -(2**70), "", " ", "x" * 201, "x" * 4001, "bad id!", "a\n",
    "2026-02-30", "2026-10-14T09:00:00", "2026-10-14 09:00:00Z", "2026-13-01", [], {}, ["x", "x"], {"x": 1}, "🚚" * 201,
])


@given(maps(), st.data())
def test_the_fast_check_never_accepts_a_map_the_authority_refuses(doc, data):
    doc = copy.deepcopy(doc)
    assert reader.schema_valid_fast(doc) is True and authority_valid(doc)
    path = data.draw(st.sampled_from(_paths(doc)[1:]), label="path")
    parent, last = _at(doc, path[:-1]), path[-1]
    how = data.draw(st.sampled_from(["replace", "delete", "unknown key"]), label="how")
    if how == "replace":
        parent[last] = data.draw(ODD_VALUES, label="value")
    elif how == "delete":
        del parent[last]
    else:
        target = parent[last] if isinstance(parent[last], dict) else parent
        if isinstance(target, dict):
            target["unexpected_key"] = 1
    fast = reader.schema_valid_fast(doc)
    if fast:
        assert authority_valid(doc), f"the fast check accepted what jsonschema refuses: {how} at {path}"


@pytest.mark.parametrize("doc", [
    pytest.param(demo.example("fleet"), id="fleet"),
    pytest.param(demo.example("kommun"), id="kommun"),
    pytest.param(demo.hostile_map(), id="hostile"),
    pytest.param(demo.synthetic_map(), id="synthetic"),
    pytest.param(demo.biggest_map(segments=2), id="biggest"),
])
def test_real_maps_pass_both_checks(doc):
    assert reader.schema_valid_fast(doc) is True
    assert authority_valid(doc)


def test_a_value_the_fast_check_cannot_take_is_left_to_the_authority():
    doc = demo.example("fleet")
    doc["segments"][0]["roles"][0]["influence"] = 2**70  # beyond 64 bits
    assert reader.schema_valid_fast(doc) in (None, False)
    with pytest.raises(reader.MapFormatError) as info:
        reader.validate(doc)
    assert info.value.problems[0].place == "segments[0].roles[0].influence"
