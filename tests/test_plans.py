"""Deal plans through the services on every engine (issue 20): drafted from the map as one change,
edited, reordered and removed by the seller with stale edits refused and undo, shared with a link
that reaches one deal's plan only, the customer's ticks, dates, comments and steps, an ended link
refused, and the plan in the map file and in the analysis."""

from __future__ import annotations

import datetime as dt

import pytest

from workshop.analysis import analyze
from workshop.errors import BadInput, Conflict, NotFound, StaleEdit
from workshop.services import facilitation as fs
from workshop.services import editing, live, plans
from workshop.services.facilitator import Facilitator
from workshop.services.maps import export_document, import_document

W = "fleet-launch"


@pytest.fixture
def seller(any_store, fleet):
    created = import_document(any_store, fleet, actor="test").created
    me = live.join(any_store, created.join_code, "Sam Seller", "sales")
    return any_store, me, Facilitator(W, created.facilitator_key)


def _deals(store):
    return [d for d in live.snapshot(store, W).doc["deals"]]


def _plan(store, deal_id):
    return plans.lines(live.snapshot(store, W), deal_id)


def test_a_drafted_plan_is_one_change_that_one_undo_takes_back(seller):
    store, me, _ = seller
    deal = _deals(store)[0]
    before = live.version(store, W)
    made = plans.draft(store, me, deal["id"])
    assert len(made) > 3 and live.version(store, W) == before + 1
    assert [el.eid for el in _plan(store, deal["id"])] == [el.eid for el in made]
    assert {el.data["kind"] for el in made} == {"milestone", "customer", "ours"}
    with pytest.raises(Conflict):
        plans.draft(store, me, deal["id"])  # no second draft on top
    plans.undo(store, me)
    assert _plan(store, deal["id"]) == []


def test_the_seller_edits_reorders_and_removes_lines_and_stale_edits_are_refused(seller):
    store, me, _ = seller
    deal = _deals(store)[0]
    first, second = plans.draft(store, me, deal["id"])[:2]
    changed = plans.change_line(store, me, first.eid, {"owner": "Kim Berg", "due": "2027-02-01", "status": "under_way"}, first.version)
    assert changed.data["owner"] == "Kim Berg"
    with pytest.raises(StaleEdit):
        plans.change_line(store, me, first.eid, {"owner": "Someone else"}, first.version)
    plans.move_line(store, me, second.eid, 0)
    assert _plan(store, deal["id"])[0].eid == second.eid
    added = plans.add_line(store, me, deal["id"], {"stage": first.data["stage"], "kind": "ours", "text": "Send the reference case"})
    assert _plan(store, deal["id"])[-1].eid == added.eid
    plans.remove_line(store, me, added.eid, added.version)
    assert added.eid not in {el.eid for el in _plan(store, deal["id"])}
    with pytest.raises(BadInput):  # a bad status is refused by the schema
        plans.change_line(store, me, first.eid, {"status": "finished"}, changed.version)


def test_plans_change_after_the_workshop_has_ended(seller):
    store, me, fac = seller
    deal = _deals(store)[0]
    fs.end_workshop(store, fac)
    line = plans.draft(store, me, deal["id"])[0]
    plans.change_line(store, me, line.eid, {"status": "done"}, line.version)


def test_a_link_opens_one_deals_plan_and_nothing_internal(seller):
    store, me, _ = seller
    deal_a = _deals(store)[0]
    editing.add(store, me, "deal", {"name": "Other customer AB", "segment": deal_a["segment"]})
    deal_b = _deals(store)[1]
    plans.draft(store, me, deal_a["id"])
    plans.draft(store, me, deal_b["id"])
    token = plans.share(store, me, deal_a["id"])
    assert len(token) >= 32  # 24 random bytes: 192 bits
    shared = plans.open_shared(store, token)
    assert shared.deal_id == deal_a["id"] and shared.view["deal"] == deal_a["name"]
    text = repr(shared.view)
    assert deal_b["name"] not in text
    assert all(line_id not in shared.versions for line_id in (el.eid for el in _plan(store, deal_b["id"])))
    doc = live.snapshot(store, W).doc
    for role in doc["segments"][0]["roles"]:
        if role.get("personal_risk"):
            assert role["personal_risk"] not in text
    # a line of deal B cannot be changed with deal A's link
    other = _plan(store, deal_b["id"])[0]
    with pytest.raises(NotFound):
        plans.customer_change(store, token, other.eid, {"status": "done"}, other.version)


def test_the_customer_ticks_dates_comments_and_adds_a_step(seller):
    store, me, _ = seller
    deal = _deals(store)[0]
    line = plans.draft(store, me, deal["id"])[0]
    token = plans.share(store, me, deal["id"])
    ticked = plans.customer_change(store, token, line.eid, {"status": "done", "due": "2027-03-01"}, line.version)
    assert ticked.data["status"] == "done" and ticked.data["due"] == "2027-03-01" and ticked.data["customer_changed"]
    with pytest.raises(BadInput):
        plans.customer_change(store, token, line.eid, {"text": "rewritten"}, ticked.version)
    with pytest.raises(BadInput):
        plans.customer_change(store, token, line.eid, {"owner": "x"}, ticked.version)
    with pytest.raises(StaleEdit):
        plans.customer_change(store, token, line.eid, {"status": "stuck"}, line.version)
    commented = plans.customer_comment(store, token, line.eid, "Board meets on the 12th <b>really</b>", "Kim Berg", ticked.version)
    assert commented.data["comments"][-1] == {"text": "Board meets on the 12th <b>really</b>", "by": "Kim Berg",
                                              "at": commented.data["comments"][-1]["at"], "customer": True}
    stage = plans.open_shared(store, token).stages[-1][0]
    added = plans.customer_add(store, token, stage, "Legal reads the data processing agreement", owner="Eva", due="2027-04-01")
    assert added.data["by_customer"] is True and added.parent == deal["id"]
    with pytest.raises(BadInput):
        plans.customer_add(store, token, "no-such-stage", "x")
    # every change is in the map file, valid, and the analysis reads it
    doc = export_document(store, W)
    mine = next(d for d in doc["deals"] if d["id"] == deal["id"])
    assert len(mine["plan"]) == len(_plan(store, deal["id"]))
    analyze(doc)


def test_sharing_again_ends_the_link_before_and_an_ended_link_is_refused(seller):
    store, me, _ = seller
    deal = _deals(store)[0]
    plans.draft(store, me, deal["id"])
    first = plans.share(store, me, deal["id"])
    second = plans.share(store, me, deal["id"])
    with pytest.raises(NotFound):
        plans.open_shared(store, first)
    assert plans.open_shared(store, second).deal_id == deal["id"]
    assert set(plans.shared(store, W)) == {deal["id"]}
    plans.revoke(store, me, deal["id"])
    with pytest.raises(NotFound):
        plans.open_shared(store, second)
    with pytest.raises(NotFound):
        plans.open_shared(store, "not-a-token")
    assert plans.shared(store, W) == {}


def test_another_workshops_deal_cannot_be_shared(seller, kommun):
    store, me, _ = seller
    import_document(store, kommun, actor="test")
    other_deal = kommun["deals"][0]["id"] if kommun.get("deals") else "nope"
    with pytest.raises(NotFound):
        plans.share(store, me, other_deal)


def test_the_analysis_reads_energy_from_the_plan(seller):
    store, me, _ = seller
    deal = _deals(store)[0]
    lines = plans.draft(store, me, deal["id"])
    customer = next(el for el in lines if el.data["kind"] == "customer")
    plans.change_line(store, me, customer.eid, {"due": "2027-01-10"}, customer.version)
    token = plans.share(store, me, deal["id"])
    doc = export_document(store, W)
    shared = plans.shared(store, W)
    later = dt.date.today() + dt.timedelta(days=400)
    codes = [(f.code, f.about) for f in analyze(doc, today=later, shared=shared).all_findings() if f.code.startswith("plan_")]
    assert ("plan_step_overdue", customer.eid) in codes
    assert ("plan_customer_quiet", deal["id"]) in codes
    assert any(c == "plan_milestone_unowned" for c, _ in codes)
    assert not [f for f in analyze(doc, today=dt.date(2027, 1, 1), shared=shared).all_findings() if f.code == "plan_step_overdue"]
    assert token


def test_the_pipeline_and_the_coaching_sheet_read_the_plan(seller):
    """Issue 20, item 3: the pipeline's red flag and the coaching sheet use the plan."""
    from workshop.services import pipeline as pl

    store, me, _ = seller
    deal = _deals(store)[0]
    lines = plans.draft(store, me, deal["id"])
    line = next(el for el in lines if el.data["kind"] == "customer")
    plans.change_line(store, me, line.eid, {"due": "2001-01-31", "owner": "Kim Berg"}, line.version)
    [card] = [c for c in pl.pipeline(store, [W], "en").cards if c.id == deal["id"]]
    assert "plan_step_overdue" in card.codes and card.lacks_energy
    assert any(line.data["text"][:20] in f.message for f in card.findings)
    sheet = pl.coaching(store, [W], W, deal["id"], "en")
    assert "## The plan with the customer" in sheet
    assert f"0 of {len(lines)} done" in sheet and "Kim Berg" in sheet
    assert "was due on 2001-01-31" in sheet  # the overdue line among the deal's findings


def test_guessing_plan_links_is_slowed_then_locked_and_the_customer_still_gets_in(seller):
    """Issue 20: the share token is rate-limited like the other keys (workshop.services.guard)."""
    from workshop.services.guard import Caller, TooManyAttempts

    store, me, _ = seller
    deal = _deals(store)[0]
    plans.draft(store, me, deal["id"])
    token = plans.share(store, me, deal["id"])
    guesser = Caller(session="guesser", address="203.0.113.9")
    refused = 0
    for i in range(30):
        try:
            plans.open_shared(store, f"wrong-{i}", caller=guesser)
        except TooManyAttempts:
            refused += 1
        except NotFound:
            pass
    assert refused > 0  # slowed down, then locked out
    with pytest.raises(TooManyAttempts):
        plans.open_shared(store, token, caller=guesser)  # locked out: not even the right link is looked at
    customer = Caller(session="customer", address="203.0.113.9")  # the same office's address
    assert plans.open_shared(store, token, caller=customer).deal_id == deal["id"]
