"""The motives & USPs page under AppTest: it renders, and every edit path changes the store."""

from __future__ import annotations

from workshop.services import editing, live
from workshop.services.live import snapshot

VIEWS = ("overview", "matrix", "chart")


def _warnings(at) -> list[str]:
    """The warnings' text as shown (Markdown escapes removed)."""
    return [w.value.replace("\\", "") for w in at.warning]


def _doc(app) -> dict:
    return snapshot(app.store, app.me.workshop_id).doc


def _usp(app, uid: str) -> dict:
    return next(u for u in _doc(app)["usps"] if u["id"] == uid)


def _version(app, eid: str) -> int:
    return snapshot(app.store, app.me.workshop_id).element(eid).version


def test_demo_renders_and_marks_the_gaps(app):
    at = app.open("motives", "demo")
    assert not at.exception
    warnings = _warnings(at)
    assert any("“Fastest 5G hardware on the market” serves none" in w for w in warnings)  # usp_without_motive
    assert any("“Keep drivers on board” is not served" in w for w in warnings)  # motive_unaddressed
    assert any(t.value.startswith("✔ Served by: Fuel analytics") for t in at.text)
    for view in VIEWS:
        at.segmented_control(key="motives_view").set_value(view).run()
        assert not at.exception, view
    assert len(at.get("plotly_chart")) == 1


def test_matrix_marks_the_gaps_in_its_labels(app):
    at = app.open("motives", "demo")
    at.segmented_control(key="motives_view").set_value("matrix").run()
    frame = at.data_editor[0].value
    assert list(frame.columns) == ["usp", "m-cost", "m-it-fit", "m-calm"]
    assert list(frame["usp"]) == ["Fuel analytics that cut consumption 8-12 %", "Open API to every transport management system", "⚠ Fastest 5G hardware on the market"]
    assert frame.loc["usp-fuel", "m-cost"] and not frame.loc["usp-5g", "m-calm"]


def test_blank_tells_what_to_do(app):
    at = app.open("motives", "blank")
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any("No buying motives yet" in i for i in infos) and any("No USPs yet" in i for i in infos)
    for view in ("matrix", "chart"):
        at.segmented_control(key="motives_view").set_value(view).run()
        assert not at.exception
        assert at.info, view


def test_add_motive_and_usp(app):
    at = app.open("motives", "blank")
    at.text_area(key="add_motive:text").input("Fewer hours lost to booking")
    at.selectbox(key="add_motive:kind").select("business")
    at.select_slider(key="add_motive:importance").set_value(5)
    at.button(key="FormSubmitter:add_motive-Add a buying motive").click().run()
    assert not at.exception
    motive = _doc(app)["segments"][0]["motives"][0]
    assert (motive["text"], motive["kind"], motive["importance"]) == ("Fewer hours lost to booking", "business", 5)
    assert any("is not served by any of our selling points" in w for w in _warnings(at))

    at.text_area(key="add_usp:text").input("Self-service booking in two clicks")
    at.multiselect(key="add_usp:motives").select(motive["id"])
    at.button(key="FormSubmitter:add_usp-Add a USP").click().run()
    assert not at.exception
    assert _doc(app)["usps"] == [{"id": _doc(app)["usps"][0]["id"], "text": "Self-service booking in two clicks", "motives": [motive["id"]]}]
    assert not any("is not served" in w for w in _warnings(at))


def test_edit_and_delete_motive(app):
    at = app.open("motives", "demo")
    at.button(key="motive:m-it-fit:open").click().run()
    v = _version(app, "m-it-fit")
    at.text_area(key=f"motive:m-it-fit:edit:{v}:text").input("No new system islands")
    at.select_slider(key=f"motive:m-it-fit:edit:{v}:importance").set_value(4)
    at.button(key=f"FormSubmitter:motive:m-it-fit:edit:{v}-Save").click().run()
    assert not at.exception
    m = next(m for m in _doc(app)["segments"][0]["motives"] if m["id"] == "m-it-fit")
    assert (m["text"], m["importance"]) == ("No new system islands", 4)

    new = editing.add(app.store, app.me, "motive", {"text": "Temporary motive"}, parent="midsize")
    at.run()
    at.button(key=f"motive:{new.eid}:open").click().run()
    at.button(key=f"FormSubmitter:motive:{new.eid}:edit:{new.version}-Delete").click().run()
    assert not at.exception
    assert "Temporary motive" not in str(_doc(app))


def test_edit_and_delete_usp(app):
    at = app.open("motives", "demo")
    at.button(key="usp:usp-5g:open").click().run()
    v = _version(app, "usp-5g")
    at.multiselect(key=f"usp:usp-5g:edit:{v}:motives").select("m-calm")
    at.button(key=f"FormSubmitter:usp:usp-5g:edit:{v}-Save").click().run()
    assert not at.exception
    assert _usp(app, "usp-5g")["motives"] == ["m-calm"]
    assert not any("serves none" in w for w in _warnings(at))

    at.button(key="usp:usp-5g:open").click().run()
    v = _version(app, "usp-5g")
    at.button(key=f"FormSubmitter:usp:usp-5g:edit:{v}-Delete").click().run()
    assert not at.exception
    assert "usp-5g" not in [u["id"] for u in _doc(app)["usps"]]


def _edit_matrix(at, edits: dict) -> None:
    at.session_state["usp_motives:midsize:editor:0"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.run()


def test_matrix_saves_changed_usps(app):
    at = app.open("motives", "demo")
    at.segmented_control(key="motives_view").set_value("matrix").run()
    before = _version(app, "usp-api")
    _edit_matrix(at, {2: {"m-calm": True}, 0: {"m-cost": False, "m-it-fit": True}})
    assert not at.exception
    at.button(key="usp_motives:midsize:save").click().run()
    assert not at.exception
    assert _usp(app, "usp-5g")["motives"] == ["m-calm"]
    assert _usp(app, "usp-fuel")["motives"] == ["m-it-fit"]
    assert _version(app, "usp-api") == before
    assert any("2 row(s) updated" in s.value for s in at.success)


def test_matrix_keeps_motives_of_other_segments(app):
    at = app.open("motives", "demo")
    other = editing.add(app.store, app.me, "segment", {"name": "Large fleets"})
    far = editing.add(app.store, app.me, "motive", {"text": "Group-wide reporting"}, parent=other.eid)
    editing.update(app.store, app.me, "usp-api", {"motives": ["m-it-fit", far.eid]}, based_on=_version(app, "usp-api"))
    at.run()
    at.segmented_control(key="motives_view").set_value("matrix").run()
    _edit_matrix(at, {1: {"m-it-fit": False, "m-cost": True}})
    at.button(key="usp_motives:midsize:save").click().run()
    assert not at.exception
    assert _usp(app, "usp-api")["motives"] == [far.eid, "m-cost"]


def test_matrix_stale_save_is_shown_then_reapplied(app):
    at = app.open("motives", "demo")
    at.segmented_control(key="motives_view").set_value("matrix").run()
    _edit_matrix(at, {2: {"m-calm": True}})
    code = app.store.workshop(app.me.workshop_id).join_code
    lars = live.join(app.store, code, "Lars", "product")
    editing.update(app.store, lars, "usp-5g", {"text": "5G hardware"}, based_on=_version(app, "usp-5g"))
    at.button(key="usp_motives:midsize:save").click().run()
    assert not at.exception
    assert any("Lars changed this while you were editing" in w for w in _warnings(at))
    assert any(t.value == "Mine: Keep drivers on board" for t in at.text)
    assert "motives" not in _usp(app, "usp-5g") or _usp(app, "usp-5g")["motives"] == []
    at.button(key="usp_motives:midsize:conflict:usp-5g:mine").click().run()
    assert not at.exception
    assert _usp(app, "usp-5g") == {"id": "usp-5g", "text": "5G hardware", "motives": ["m-calm"]}


def test_note_on_a_usp(app):
    at = app.open("motives", "demo")
    at.selectbox(key="motives:note_about").select("usp-5g")
    at.text_area(key="motives:note_text").input("Does any buyer care?")
    at.button(key="FormSubmitter:motives:note-Post note").click().run()
    assert not at.exception
    assert snapshot(app.store, app.me.workshop_id).notes_about("usp-5g")[-1]["text"] == "Does any buyer care?"


def test_norwegian_labels(app):
    at = app.open("motives", "demo", lang="nb")
    assert not at.exception
    assert at.title[0].value == "Kjøpsmotiver & USP-er"
