"""The actions page under AppTest: renders for a blank and the demo workshop, groups by kind,
and every edit path (add, quick status, edit, delete, take an idea from the map) changes the
store."""

from __future__ import annotations

from workshop.services.live import snapshot


def _actions(app) -> dict[str, dict]:
    return {a["id"]: a for a in snapshot(app.store, app.me.workshop_id).doc.get("actions", [])}


def _version(app, eid: str) -> int:
    return snapshot(app.store, app.me.workshop_id).element(eid).version


def test_demo_groups_by_kind_with_status(app):
    at = app.open("actions", "demo")
    assert not at.exception
    heads = [s.value for s in at.subheader]
    assert heads == [":material/menu_book: Buyer enablement", ":material/work: Activity in a deal"]
    assert at.segmented_control(key=f"act:a-selfcheck:{_version(app, 'a-selfcheck')}").value == "doing"
    captions = " ".join(c.value for c in at.caption)
    assert "Stage\\: Recognise the problem" in captions and "Deal\\: Nordfrakt AB" in captions


def test_blank_tells_what_to_do_and_adds_an_action(app):
    at = app.open("actions", "blank")
    assert not at.exception
    assert any("No actions yet" in i.value for i in at.info)
    at.text_area(key="add_action:text").input("Write a one-page buying guide")
    at.selectbox(key="add_action:kind").select("buyer_enablement")
    at.text_input(key="add_action:owner").input("Omar")
    at.button(key="FormSubmitter:add_action-Add an action").click().run()
    assert not at.exception
    [a] = _actions(app).values()
    assert (a["text"], a["kind"], a["owner"]) == ("Write a one-page buying guide", "buyer_enablement", "Omar")


def test_add_action_about_an_element(app):
    at = app.open("actions", "demo")
    at.text_area(key="add_action:text").input("Find out who signs in procurement")
    at.selectbox(key="add_action:kind").select("research")
    at.selectbox(key="add_action:about").select("r-proc")
    at.button(key="FormSubmitter:add_action-Add an action").click().run()
    assert not at.exception
    [a] = [a for a in _actions(app).values() if a["text"].startswith("Find out who signs")]
    assert (a["kind"], a["about"]) == ("research", "r-proc")


def test_quick_status_change(app):
    at = app.open("actions", "demo")
    at.segmented_control(key=f"act:a-cfo:{_version(app, 'a-cfo')}").set_value("done").run()
    assert not at.exception
    assert _actions(app)["a-cfo"]["status"] == "done"
    summary = " ".join(m.value for m in at.markdown)
    assert "Open] **0**" in summary and "In progress] **1**" in summary and "Done] **1**" in summary  # the tally


def test_edit_action_keeps_about_and_sets_due(app):
    import datetime as dt

    at = app.open("actions", "demo")
    at.button(key="action:a-cfo:open").click().run()
    v = _version(app, "a-cfo")
    at.text_input(key=f"action:a-cfo:edit:{v}:owner").input("Lars")
    at.date_input(key=f"action:a-cfo:edit:{v}:due").set_value(dt.date(2020, 1, 2))
    at.button(key=f"FormSubmitter:action:a-cfo:edit:{v}-Save").click().run()
    assert not at.exception
    a = _actions(app)["a-cfo"]
    assert (a["owner"], a["due"], a["about"]) == ("Lars", "2020-01-02", "d-nordfrakt")
    assert any("Overdue] **1**" in m.value for m in at.markdown)
    assert any("overdue" in c.value for c in at.caption)  # the action's due date is shown as late


def test_delete_action(app):
    at = app.open("actions", "demo")
    at.button(key="action:a-selfcheck:open").click().run()
    v = _version(app, "a-selfcheck")
    at.button(key=f"FormSubmitter:action:a-selfcheck:edit:{v}-Delete").click().run()
    assert not at.exception
    assert "a-selfcheck" not in _actions(app)


def test_take_an_idea_from_the_map(app):
    at = app.open("actions", "demo")
    at.button(key="idea:objection_unanswered:o-budget:").click().run()
    assert not at.exception
    [a] = [a for a in _actions(app).values() if a.get("about") == "o-budget"]
    assert a["kind"] == "sales_enablement" and "No budget this year" in a["text"]
    assert not [b for b in at.button if b.key == "idea:objection_unanswered:o-budget:"]  # taken: no longer offered


def test_hostile_map_renders_and_keeps_user_text_out_of_html(app):
    from hostile_support import assert_no_user_text_in_html, open_hostile

    at = open_hostile(app, "actions")
    assert not at.exception
    assert_no_user_text_in_html(at)
