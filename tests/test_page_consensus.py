"""The consensus page under AppTest: renders for a blank and the demo workshop; a quick status
change updates an existing criterion (with its version) or creates an absent one; notes, the
edit form, delete and the segment's "why now" change the store."""

from __future__ import annotations

from workshop.services.live import snapshot


def _consensus(app) -> dict:
    return snapshot(app.store, app.me.workshop_id).doc["segments"][0].get("consensus", {})


def _criterion_version(app, segment: str, name: str) -> int:
    snap = snapshot(app.store, app.me.workshop_id)
    [el] = [e for e in snap.of_kind("criterion", segment) if e.data["criterion"] == name]
    return el.version


def test_demo_renders_overall_picture_and_meanings(app):
    at = app.open("consensus", "demo")
    assert not at.exception
    md = " ".join(m.value for m in at.markdown)
    assert "2 of 6 conditions are in place" in md
    captions = " ".join(c.value for c in at.caption)
    assert "who owns the problem, who owns the budget" in captions  # meaning of decision_roles_visible
    assert "procurement takes no part in the first half" in captions  # the analysis's evidence
    assert any("Fuel prices" in t.value for t in at.text)


def test_blank_renders_all_unknown(app):
    at = app.open("consensus", "blank")
    assert not at.exception
    md = " ".join(m.value for m in at.markdown)
    assert "0 of 6 conditions are in place" in md
    assert any("Nobody has said why the customer should act now" in w.value for w in at.warning)
    assert any("We don't know enough yet" in t.value for t in at.text)


def test_quick_status_updates_an_existing_criterion(app):
    at = app.open("consensus", "demo")
    v = _criterion_version(app, "midsize", "procurement_early")
    at.segmented_control(key=f"crit:midsize:procurement_early:{v}").set_value("yes").run()
    assert not at.exception
    c = _consensus(app)["procurement_early"]
    assert c == {"status": "yes", "note": "Procurement first appears at contract time"}


def test_quick_status_creates_an_absent_criterion(app):
    at = app.open("consensus", "blank")
    at.segmented_control(key="crit:seg-1:shared_problem:0").set_value("partly").run()
    assert not at.exception
    assert _consensus(app) == {"shared_problem": {"status": "partly"}}
    v = _criterion_version(app, "seg-1", "shared_problem")
    assert at.segmented_control(key=f"crit:seg-1:shared_problem:{v}").value == "partly"  # redrawn from the store


def test_stale_quick_status_is_refused(app):
    at = app.open("consensus", "demo")
    v = _criterion_version(app, "midsize", "why_now")
    from workshop.services import editing

    snap = snapshot(app.store, app.me.workshop_id)
    [el] = [e for e in snap.of_kind("criterion", "midsize") if e.data["criterion"] == "why_now"]
    editing.update(app.store, app.me, el.eid, {"status": "no"}, based_on=v)
    at.segmented_control(key=f"crit:midsize:why_now:{v}").set_value("partly").run()
    assert not at.exception
    assert _consensus(app)["why_now"]["status"] == "no"
    assert any("changed this condition meanwhile" in w.value for w in at.sidebar.warning)


def test_add_note_to_absent_criterion(app):
    at = app.open("consensus", "blank")
    at.selectbox(key="add_crit:why_now:status").select("no")
    at.text_area(key="add_crit:why_now:note").input("Nothing forces a change this year")
    at.button(key="FormSubmitter:add_crit:why_now-Save").click().run()
    assert not at.exception
    assert _consensus(app)["why_now"] == {"status": "no", "note": "Nothing forces a change this year"}


def test_edit_and_delete_existing_criterion(app):
    at = app.open("consensus", "demo")
    at.button(key="crit:success_measured:open").click().run()
    v = _criterion_version(app, "midsize", "success_measured")
    at.text_area(key=f"crit:success_measured:edit:{v}:note").input("Fuel cost per km agreed")
    at.button(key=f"FormSubmitter:crit:success_measured:edit:{v}-Save").click().run()
    assert not at.exception
    assert _consensus(app)["success_measured"] == {"status": "partly", "note": "Fuel cost per km agreed"}

    at.button(key="crit:decision_package:open").click().run()
    v = _criterion_version(app, "midsize", "decision_package")
    at.button(key=f"FormSubmitter:crit:decision_package:edit:{v}-Delete").click().run()
    assert not at.exception
    assert "decision_package" not in _consensus(app)


def test_edit_why_now_and_procurement_of_the_segment(app):
    at = app.open("consensus", "demo")
    at.button(key="segment:midsize:open").click().run()
    v = snapshot(app.store, app.me.workshop_id).element("midsize").version
    at.text_area(key=f"segment:midsize:edit:{v}:why_now").input("New EU reporting rules from January")
    at.selectbox(key=f"segment:midsize:edit:{v}:procurement").select("formal_tender")
    at.button(key=f"FormSubmitter:segment:midsize:edit:{v}-Save").click().run()
    assert not at.exception
    seg = snapshot(app.store, app.me.workshop_id).doc["segments"][0]
    assert (seg["why_now"], seg["procurement"]) == ("New EU reporting rules from January", "formal_tender")


def test_hostile_map_renders_and_keeps_user_text_out_of_html(app):
    from hostile_support import assert_no_user_text_in_html, open_hostile

    at = open_hostile(app, "consensus")
    assert not at.exception
    assert_no_user_text_in_html(at)


def test_deleted_criterion_shows_unknown_again(app):
    at = app.open("consensus", "blank")
    at.segmented_control(key="crit:seg-1:why_now:0").set_value("partly").run()
    v = _criterion_version(app, "seg-1", "why_now")
    at.button(key="crit:why_now:open").click().run()
    at.button(key=f"FormSubmitter:crit:why_now:edit:{v}-Delete").click().run()
    assert not at.exception
    assert "why_now" not in _consensus(app)
    assert at.segmented_control(key="crit:seg-1:why_now:0").value == "unknown"


def test_deselecting_keeps_the_status(app):
    at = app.open("consensus", "demo")
    before = app.store.version(app.me.workshop_id)
    v = _criterion_version(app, "midsize", "why_now")
    at.segmented_control(key=f"crit:midsize:why_now:{v}").set_value(None).run()
    assert not at.exception
    assert app.store.version(app.me.workshop_id) == before
    assert at.segmented_control(key=f"crit:midsize:why_now:{v}").value == "yes"
