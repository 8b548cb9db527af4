"""The matrix logic behind the group and motives pages: grids out, changed rows back."""

from __future__ import annotations

import pytest

from workshop.analysis.matrices import NONE, involvement_changes, involvement_grid, served_by, usp_changes, usp_grid

ROLES = [
    {"id": "a", "name": "A", "involvement": {"s2": "decides", "s1": "informed"}},
    {"id": "b", "name": "B"},
]


def test_involvement_grid_has_every_role_and_stage():
    assert involvement_grid(ROLES, ["s1", "s2", "s3"]) == {
        "a": {"s1": "informed", "s2": "decides", "s3": NONE},
        "b": {"s1": NONE, "s2": NONE, "s3": NONE},
    }


def test_unchanged_grid_changes_nothing():
    base = {r["id"]: r.get("involvement") for r in ROLES}
    assert involvement_changes(base, involvement_grid(ROLES, ["s1", "s2", "s3"])) == {}


def test_changed_cells_give_the_new_involvement_in_stage_order():
    base = {r["id"]: r.get("involvement") for r in ROLES}
    edited = involvement_grid(ROLES, ["s1", "s2", "s3"])
    edited["a"]["s3"] = "approves"
    edited["b"]["s1"] = "consulted"
    assert involvement_changes(base, edited) == {"a": {"s1": "informed", "s2": "decides", "s3": "approves"}, "b": {"s1": "consulted"}}


@pytest.mark.parametrize("empty", [NONE, None, "", float("nan")])
def test_clearing_a_cell_removes_the_stage(empty):
    assert involvement_changes({"a": {"s1": "informed", "s2": "decides"}}, {"a": {"s1": empty, "s2": "decides"}}) == {"a": {"s2": "decides"}}


def test_stages_not_shown_are_kept():
    assert involvement_changes({"a": {"s9": "decides"}}, {"a": {"s1": "informed"}}) == {"a": {"s1": "informed", "s9": "decides"}}


def test_clearing_everything_gives_an_empty_involvement():
    assert involvement_changes({"a": {"s1": "informed"}}, {"a": {"s1": NONE}}) == {"a": {}}


def test_unknown_code_is_refused():
    with pytest.raises(ValueError):
        involvement_changes({}, {"a": {"s1": "rules"}})


USPS = [{"id": "u1", "text": "x", "motives": ["far", "m1"]}, {"id": "u2", "text": "y"}]


def test_usp_grid_shows_only_the_segments_motives():
    assert usp_grid(USPS, ["m1", "m2"]) == {"u1": {"m1": True, "m2": False}, "u2": {"m1": False, "m2": False}}


def test_usp_changes_keep_other_segments_motives_in_place():
    base = {u["id"]: u.get("motives") for u in USPS}
    assert usp_changes(base, usp_grid(USPS, ["m1", "m2"])) == {}
    assert usp_changes(base, {"u1": {"m1": False, "m2": True}, "u2": {"m1": True, "m2": None}}) == {"u1": ["far", "m2"], "u2": ["m1"]}
    assert usp_changes(base, {"u1": {"m1": float("nan"), "m2": False}}) == {"u1": ["far"]}


def test_served_by():
    assert served_by(USPS + [{"id": "u3", "text": "z", "motives": ["m1"]}]) == {"far": ["u1"], "m1": ["u1", "u3"]}
