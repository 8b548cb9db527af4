"""The deals page under AppTest: renders for a blank and the demo workshop, shows where a deal
lacks energy, and every edit path (add, edit, delete) changes the store."""

from __future__ import annotations

from workshop.services.live import snapshot


def _deals(app) -> dict[str, dict]:
    return {d["id"]: d for d in snapshot(app.store, app.me.workshop_id).doc.get("deals", [])}


def _version(app, eid: str) -> int:
    return snapshot(app.store, app.me.workshop_id).element(eid).version


def test_demo_places_deal_on_its_stage_with_findings(app):
    at = app.open("deals", "demo")
    assert not at.exception
    md = " ".join(m.value for m in at.markdown)
    assert "#### 3. Build requirements and business case" in md
    assert "Nordfrakt AB" in md
    assert "Lacks energy" in md and "CFO \\(Approves\\)" in md  # the CFO approves in s3 and is not engaged
    texts = " ".join(t.value for t in at.text)
    assert "Requirements list agreed by fleet, IT and finance" in texts  # exit criterion to verify
    assert "How does the CFO judge an investment like this?" in texts  # question to ask
    assert [m.value for m in at.metric] == ["1", "0", "1"]


def test_blank_tells_what_to_do_and_adds_a_deal_without_stage(app):
    at = app.open("deals", "blank")
    assert not at.exception
    assert any("No live deals" in i.value for i in at.info)
    assert any("no buying stages yet" in c.value for c in at.caption)
    at.text_input(key="add_deal:name").input("Acme Haulage")
    at.button(key="FormSubmitter:add_deal-Add a live deal").click().run()
    assert not at.exception
    [deal] = _deals(app).values()
    assert deal["name"] == "Acme Haulage" and deal["segment"] == "seg-1"
    assert any("Place the deal on the customer's buying stage" in c.value for c in at.caption)


def test_add_deal_on_a_stage(app):
    at = app.open("deals", "demo")
    at.text_input(key="add_deal:name").input("Bergström Transport")
    at.selectbox(key="add_deal:stage").select("s2")
    at.multiselect(key="add_deal:roles_engaged").select("r-fleet")
    at.button(key="FormSubmitter:add_deal-Add a live deal").click().run()
    assert not at.exception
    [new] = [d for d in _deals(app).values() if d["name"] == "Bergström Transport"]
    assert (new["segment"], new["stage"], new["roles_engaged"]) == ("midsize", "s2", ["r-fleet"])
    assert any("Nobody knows the customer's next internal step" in w.value for w in at.warning)


def test_edit_deal_engages_the_missing_role(app):
    at = app.open("deals", "demo")
    at.button(key="deal:d-nordfrakt:open").click().run()
    v = _version(app, "d-nordfrakt")
    at.multiselect(key=f"deal:d-nordfrakt:edit:{v}:roles_engaged").select("r-cfo")
    at.button(key=f"FormSubmitter:deal:d-nordfrakt:edit:{v}-Save").click().run()
    assert not at.exception
    assert _deals(app)["d-nordfrakt"]["roles_engaged"] == ["r-fleet", "r-it", "r-cfo"]
    assert any("Every deciding role is engaged" in s.value for s in at.success)


def test_delete_deal(app):
    at = app.open("deals", "demo")
    at.text_input(key="add_deal:name").input("Short-lived")
    at.button(key="FormSubmitter:add_deal-Add a live deal").click().run()
    [eid] = [k for k, d in _deals(app).items() if d["name"] == "Short-lived"]
    at.button(key=f"deal:{eid}:open").click().run()
    v = _version(app, eid)
    at.button(key=f"FormSubmitter:deal:{eid}:edit:{v}-Delete").click().run()
    assert not at.exception
    assert eid not in _deals(app)


def test_deal_an_action_refers_to_is_not_deleted(app):
    at = app.open("deals", "demo")
    at.button(key="deal:d-nordfrakt:open").click().run()
    v = _version(app, "d-nordfrakt")
    at.button(key=f"FormSubmitter:deal:d-nordfrakt:edit:{v}-Delete").click().run()
    assert not at.exception
    assert "d-nordfrakt" in _deals(app)
    assert at.error  # the refusal is shown


def test_hostile_map_renders_and_keeps_user_text_out_of_html(app):
    from hostile_support import assert_no_user_text_in_html, open_hostile

    at = open_hostile(app, "deals")
    assert not at.exception
    assert_no_user_text_in_html(at)


def test_a_deal_in_a_stage_where_nobody_decides_is_not_called_on_track(app):
    """Issue 17: a deal in a stage with no deciding or approving role showed green "Every
    deciding role is engaged"; there is nothing to check it against, and the page says so."""
    at = app.open("deals", "demo")
    stage = app.store.add(app.me.workshop_id, "stage", {"id": "s-pilot", "name": "Pilot nobody owns"}, parent="midsize")
    app.store.add(
        app.me.workshop_id, "deal",
        {"id": "d-pilot", "name": "Pilot AB", "segment": "midsize", "stage": stage.eid,
         "next_internal_step": "Fleet manager books the kick-off"},
    )
    at.run()
    assert not at.exception
    assert any("Nobody on the map decides or approves in this stage yet" in i.value for i in at.info)
    assert not any("Every deciding role is engaged" in s.value for s in at.success)
