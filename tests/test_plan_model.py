"""The deal plan's pure rules (workshop.model.plan, docs/spec/deal-plan.md): a plan drafted from
the map, what the customer may see of it, and the file format's round trip with plans."""

from __future__ import annotations

import copy
import datetime as dt
import itertools

import pytest

from workshop import demo
from workshop.errors import MapFormatError
from workshop.model import plan
from workshop.model.elements import assemble, flatten
from workshop.model.reader import validate


def _fleet():
    doc = copy.deepcopy(demo.example("fleet"))
    seg = doc["segments"][0]
    deal = next(d for d in doc["deals"] if d["segment"] == seg["id"])
    return doc, seg, deal


def _ids():
    counter = itertools.count(1)
    return lambda: f"pl{next(counter)}"


def test_a_plan_runs_from_the_deals_stage_to_the_last():
    doc, seg, deal = _fleet()
    stages = [s["id"] for s in seg["stages"]]
    deal["stage"] = stages[2]
    lines = plan.draft(seg, deal, _ids())
    assert [line["stage"] for line in lines] == sorted((line["stage"] for line in lines), key=stages.index)
    assert {line["stage"] for line in lines} == set(stages[2:])
    for stage in seg["stages"][2:]:
        mine = [line for line in lines if line["stage"] == stage["id"]]
        assert [line["text"] for line in mine if line["kind"] == "milestone"] == stage.get("exit_criteria", [])
        customer = [line for line in mine if line["kind"] == "customer"]
        assert [line["step"] for line in customer] == [st["id"] for st in stage.get("steps", [])]
        assert [line.get("role") for line in customer] == [st.get("owner") for st in stage.get("steps", [])]
        assert [line["text"] for line in mine if line["kind"] == "ours"] == stage.get("seller_activities", [])
        kinds = [line["kind"] for line in mine]
        assert kinds == sorted(kinds, key=plan.LINE_KINDS.index)  # milestones, the customer's, ours
    assert all("due" not in line and "owner" not in line for line in lines)  # the seller's and customer's to set


def test_a_deal_without_a_stage_gets_every_stage():
    doc, seg, deal = _fleet()
    deal.pop("stage", None)
    assert {line["stage"] for line in plan.draft(seg, deal, _ids())} == {s["id"] for s in seg["stages"] if s.get("exit_criteria") or s.get("steps") or s.get("seller_activities")}


def test_a_drafted_plan_is_a_valid_map_and_survives_the_round_trip():
    doc, seg, deal = _fleet()
    deal["plan"] = plan.draft(seg, deal, _ids())
    deal["plan"][0].update(owner="Kim Berg", due="2027-01-15", status="under_way",
                           comments=[{"text": "Board meets on the 12th", "by": "Kim", "at": "2027-01-02T09:00:00Z", "customer": True}])
    validate(doc)
    flat = flatten(doc)
    assert assemble(flat.workshop, flat.lists, flat.elements) == doc


@pytest.mark.parametrize("field,value", [("stage", "nope"), ("role", "nope"), ("step", "nope")])
def test_a_plan_line_names_only_its_deals_segment(field, value):
    doc, seg, deal = _fleet()
    deal["plan"] = [{"id": "pl1", "stage": seg["stages"][0]["id"], "kind": "customer", "text": "x", field: value}]
    with pytest.raises(MapFormatError) as exc:
        validate(doc)
    assert f"deals[{doc['deals'].index(deal)}].plan[0].{field}" in str(exc.value)


def test_a_bad_status_or_date_is_refused():
    doc, seg, deal = _fleet()
    deal["plan"] = [{"id": "pl1", "stage": seg["stages"][0]["id"], "kind": "customer", "text": "x", "due": "2027-02-30"}]
    with pytest.raises(MapFormatError):
        validate(doc)
    deal["plan"] = [{"id": "pl1", "stage": seg["stages"][0]["id"], "kind": "customer", "text": "x", "status": "finished"}]
    with pytest.raises(MapFormatError):
        validate(doc)


def test_the_customer_sees_the_plan_and_nothing_internal():
    doc, seg, deal = _fleet()
    secret = "SECRET-personal-risk-7731"
    for role in seg["roles"]:
        role["personal_risk"] = secret
        role["stance"] = -2
    deal["notes"] = "SECRET-deal-note-4410"
    deal["plan"] = plan.draft(seg, deal, _ids())
    view = plan.customer_view(doc, deal["id"])
    text = repr(view)
    for hidden in (secret, "SECRET-deal-note-4410", "stance", "influence", "personal_risk", "objection"):
        assert hidden not in text
    for other in doc["deals"]:
        if other["id"] != deal["id"]:
            assert other["name"] not in text
    lines = [line for stage in view["stages"] for line in stage["lines"]]
    assert len(lines) == len(deal["plan"])
    assert all(set(line) <= set(plan.CUSTOMER_FIELDS) | {"role_name"} for line in lines)
    assert view["deal"] == deal["name"] and view["title"] == doc["workshop"]["title"]


def test_activity_overdue_and_progress():
    lines = [
        {"id": "a", "stage": "s", "kind": "customer", "text": "x", "due": "2027-01-10", "status": "done"},
        {"id": "b", "stage": "s", "kind": "customer", "text": "y", "due": "2027-01-10", "customer_changed": "2027-01-03T10:00:00+01:00"},
        {"id": "c", "stage": "s", "kind": "milestone", "text": "z",
         "comments": [{"text": "ok", "by": "Kim", "at": "2027-01-05T08:00:00Z", "customer": True},
                      {"text": "ours", "by": "Sam", "at": "2027-01-09T08:00:00Z"}]},
    ]
    assert plan.last_customer_activity(lines) == dt.datetime(2027, 1, 5, 8, tzinfo=dt.timezone.utc)
    assert [plan.overdue(line, dt.date(2027, 1, 11)) for line in lines] == [False, True, False]
    assert plan.progress(lines) == (1, 3)


def test_a_plan_over_its_limits_is_refused_with_the_place_named():
    """docs/limits.md: at most 500 lines a deal's plan, 50 comments a line."""
    from workshop.model import limits

    doc, seg, deal = _fleet()
    stage = seg["stages"][0]["id"]
    deal["plan"] = [{"id": f"pl{i}", "stage": stage, "kind": "customer", "text": "x"} for i in range(limits.PLAN_LINES.limit + 1)]
    with pytest.raises(MapFormatError) as exc:
        validate(doc)
    assert f"deals[{doc['deals'].index(deal)}].plan: holds 501 plan lines; the limit is 500" in str(exc.value)
    comment = {"text": "c", "by": "Kim", "at": "2027-01-01T00:00:00Z"}
    deal["plan"] = [{"id": "pl1", "stage": stage, "kind": "customer", "text": "x", "comments": [comment] * 51}]
    with pytest.raises(MapFormatError) as exc:
        validate(doc)
    assert "plan[0].comments: holds 51 comments" in str(exc.value)
