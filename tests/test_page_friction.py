"""The friction page under AppTest: renders for a blank and the demo workshop, and every edit
path (add, edit, delete, quick answer) changes the store."""

from __future__ import annotations

from workshop.services.live import snapshot


def _objections(app) -> dict[str, dict]:
    doc = snapshot(app.store, app.me.workshop_id).doc
    return {o["id"]: o for o in doc["segments"][0].get("objections", [])}


def _version(app, eid: str) -> int:
    return snapshot(app.store, app.me.workshop_id).element(eid).version


def test_demo_renders_groups_summary_and_severity(app):
    at = app.open("friction", "demo")
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    assert any("Recognise the problem" in s for s in subheaders)
    assert any("Select supplier" in s for s in subheaders)
    md = " ".join(m.value for m in at.markdown)
    assert "Fear of change" in md  # the biggest threat: severity 5
    assert "●●●●●&nbsp;5/5" in md and "#7f1d1d" in md  # severity 5 is the darkest red
    assert len(at.get("plotly_chart")) == 1
    assert any("No answer yet" in w.value for w in at.warning)


def test_blank_tells_what_to_do_and_adds_an_objection(app):
    at = app.open("friction", "blank")
    assert not at.exception
    assert any("No objections yet" in i.value for i in at.info)
    at.text_area(key="add_objection:text").input("We have always done it by hand")
    at.selectbox(key="add_objection:kind").select("risk")
    at.selectbox(key="add_objection:no_decision_cause").select("fear_of_change")
    at.select_slider(key="add_objection:severity").set_value(4)
    at.button(key="FormSubmitter:add_objection-Add an objection, risk or friction").click().run()
    assert not at.exception
    [o] = _objections(app).values()
    assert o["text"] == "We have always done it by hand"
    assert (o["kind"], o["no_decision_cause"], o["severity"]) == ("risk", "fear_of_change", 4)
    assert any("Not placed on a stage" in s.value for s in at.subheader)


def test_edit_objection_changes_severity_and_stage(app):
    at = app.open("friction", "demo")
    at.button(key="obj:o-budget:open").click().run()
    v = _version(app, "o-budget")
    at.select_slider(key=f"obj:o-budget:edit:{v}:severity").set_value(5)
    at.selectbox(key=f"obj:o-budget:edit:{v}:stage").select("s5")
    at.button(key=f"FormSubmitter:obj:o-budget:edit:{v}-Save").click().run()
    assert not at.exception
    o = _objections(app)["o-budget"]
    assert (o["severity"], o["stage"]) == (5, "s5")


def test_delete_objection(app):
    at = app.open("friction", "demo")
    at.button(key="obj:o-owner:open").click().run()
    v = _version(app, "o-owner")
    at.button(key=f"FormSubmitter:obj:o-owner:edit:{v}-Delete").click().run()
    assert not at.exception
    assert "o-owner" not in _objections(app)


def test_quick_answer_appends_a_response(app):
    at = app.open("friction", "demo")
    at.text_input(key="resp:o-budget").input("Spread the cost over two budget years")
    at.button(key="resp:o-budget:add").click().run()
    assert not at.exception
    assert _objections(app)["o-budget"]["responses"] == ["Spread the cost over two budget years"]
    at.text_input(key="resp:o-surv").input("Drivers see only their own data")
    at.button(key="resp:o-surv:add").click().run()
    assert _objections(app)["o-surv"]["responses"][-1] == "Drivers see only their own data"
    assert len(_objections(app)["o-surv"]["responses"]) == 3


def test_quick_answer_merges_with_a_change_made_meanwhile(app):
    at = app.open("friction", "demo")
    from workshop.services import editing

    editing.update(app.store, app.me, "o-budget", {"responses": ["Someone else's answer"]}, based_on=_version(app, "o-budget"))
    at.text_input(key="resp:o-budget").input("Mine")
    at.button(key="resp:o-budget:add").click().run()
    assert not at.exception
    assert _objections(app)["o-budget"]["responses"] == ["Someone else's answer", "Mine"]


def test_empty_answer_changes_nothing(app):
    at = app.open("friction", "demo")
    before = app.store.version(app.me.workshop_id)
    at.button(key="resp:o-budget:add").click().run()
    assert not at.exception
    assert app.store.version(app.me.workshop_id) == before
    assert any("Write the answer first" in w.value for w in at.sidebar.warning)


def test_filter_by_role_and_unanswered(app):
    at = app.open("friction", "demo")
    at.selectbox(key="friction_role").select("r-union").run()
    shown = " ".join(m.value for m in at.markdown)
    assert "surveillance" in shown and "No budget" not in shown
    at.selectbox(key="friction_role").select(None).run()
    at.toggle(key="friction_unanswered").set_value(True).run()
    shown = " ".join(m.value for m in at.markdown)
    assert "No budget" in shown and "surveillance" not in shown


def test_user_text_is_escaped(app):
    at = app.open("friction", "blank")
    at.text_area(key="add_objection:text").input("[click](javascript:alert(1)) <b>x</b>")
    at.button(key="FormSubmitter:add_objection-Add an objection, risk or friction").click().run()
    assert not at.exception
    md = [m.value for m in at.markdown if "click" in m.value]
    assert md and all("\\[click\\]" in m and "\\<b\\>" in m for m in md)


def test_hostile_map_renders_and_keeps_user_text_out_of_html(app):
    from hostile_support import assert_no_user_text_in_html, open_hostile

    at = open_hostile(app, "friction")
    assert not at.exception
    assert_no_user_text_in_html(at)
