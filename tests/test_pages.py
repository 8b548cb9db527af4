"""Home and process pages under AppTest: they render, and every edit path changes the store."""

from __future__ import annotations

from apptest_support import ROOT, board_texts, live_parts
from streamlit.testing.v1 import AppTest

from workshop.exports.text import md_escape
from workshop.services.live import snapshot


def test_home_without_identity_offers_join_and_create(app):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Join a workshop", "Create a workshop"]


def test_join_by_code_and_wrong_code(app):
    me = app.workshop("demo")
    code = app.store.workshop(me.workshop_id).join_code
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="join_code").input("ZZZZZZ")
    at.text_input(key="join_name").input("Eve")
    at.button[0].click().run()
    assert any("does not match" in e.value for e in at.error)
    at.text_input(key="join_code").input(code.lower())
    at.button[0].click().run()
    assert not at.exception
    assert "t" in at.query_params
    names = [p["name"] for p in snapshot(app.store, me.workshop_id).doc["participants"]]
    assert "Eve" in names


def test_join_link_with_name_joins_at_once(app):
    me = app.workshop("demo")
    code = app.store.workshop(me.workshop_id).join_code
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["join"] = code
    at.query_params["name"] = "Phone user"
    at.run()
    assert not at.exception
    assert any(m.label == "Join code" and m.value == code for m in at.metric)


def test_create_workshop_from_template(app):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="create_title").input("Hur kommuner köper")
    at.selectbox(key="create_language").select("sv")
    at.radio(key="create_start").set_value("tender")
    at.text_input(key="create_name").input("Karin")
    at.button[1].click().run()
    assert not at.exception
    assert any("facilitator" in w.value.lower() or "facilitator" in w.value for w in at.warning)
    ws = app.store.list_workshops()
    assert [w.title for w in ws] == ["Hur kommuner köper"] and ws[0].language == "sv"
    assert ws[0].counts["stage"] == 6


def test_process_renders_demo(app):
    at = app.open("process", "demo")
    assert not at.exception
    assert at.text_input(key="add_step_text") is not None
    # the reading view is a live part, drawn in the browser from the board's state
    board = live_parts(at)["board"]
    assert board["cfg"]["query"] == {"view": "board", "seg": "midsize"}
    assert "Fleet manager notices rising fuel cost" in board_texts(at)
    assert board["live"]["structure"] == board["cfg"]["structure"]  # drawn from the same moment
    assert board["cfg"]["auth"]["t"] == app.me.token  # the stream opens with the viewer's token


def test_the_board_state_is_built_once_per_change_for_the_room(app, monkeypatch):
    """Two participants' boards at the same change share the board's state (one JSON text for
    the room); a change builds it anew, and the new step is in the next state given."""
    from workshop.services import live, live_state

    built = []
    real = live_state.board_state
    monkeypatch.setattr(live_state, "board_state", lambda *a: built.append(a[0].version) or real(*a))
    me = app.workshop("demo")
    other = live.join(app.store, app.store.workshop(me.workshop_id).join_code, "Second", "marketing")
    first = app.open("process", me=me)
    second = app.open("process", me=other)
    assert not first.exception and not second.exception
    assert len(set(built)) == len(built)  # each version's board built once, whoever drew it
    before = len(built)
    second.text_input(key="add_step_text").input("Board approves the budget")
    second.button(key="add_step_submit").click().run()
    # the board is on the screen since the last run and follows the stream: not sent again
    assert len(built) == before and live_parts(second)["board"]["kept"]
    assert "Board approves the budget" in board_texts(second)  # what it reads after a reconnect
    assert len(built) == before + 1


def test_process_blank_tells_what_to_do_and_adds_a_stage(app):
    at = app.open("process", "blank")
    assert not at.exception
    assert not _stages_on_board(at)  # the board says so in the browser
    at.text_input(key="add_stage:name").input("Recognise the problem")
    at.text_area(key="add_stage:exit_criteria").input("Problem owner named\nCost of doing nothing known")
    at.button(key="FormSubmitter:add_stage-Add a buying stage").click().run()
    assert not at.exception
    stage = snapshot(app.store, app.me.workshop_id).doc["segments"][0]["stages"][0]
    assert stage["name"] == "Recognise the problem"
    assert stage["exit_criteria"] == ["Problem owner named", "Cost of doing nothing known"]
    assert "Recognise the problem" in board_texts(at)  # the page was drawn again with it at once
    assert "Recognise the problem" in [o for o in at.selectbox(key="add_step_stage").options]


def _stages_on_board(at) -> list[str]:
    board = live_parts(at)["board"]
    seg = board["cfg"]["query"]["seg"]
    return [el["id"] for el in board["live"]["state"]["elements"] if el["kind"] == "stage" and el["parent"] == seg]


def test_process_quick_add_step_changes_store(app):
    at = app.open("process", "demo")
    before = app.store.version(app.me.workshop_id)
    at.text_input(key="add_step_text").input("Board approves the budget")
    at.button(key="add_step_submit").click().run()
    assert not at.exception
    doc = snapshot(app.store, app.me.workshop_id).doc
    texts = [s["text"] for s in doc["segments"][0]["stages"][0]["steps"]]
    assert texts[-1] == "Board approves the budget"
    assert app.store.version(app.me.workshop_id) == before + 1
    assert app.store.events(app.me.workshop_id, limit=1)[0]["actor"] == app.me.participant_id


def test_forms_in_closed_expanders_are_built_only_when_opened(app):
    at = app.open("process", "demo")
    keys = {w.key for w in at.text_input}
    assert "add_stage:name" not in keys  # the demo has stages: "add a stage" starts closed
    at.session_state["process_add_stage"] = True
    at.run()
    assert not at.exception
    assert "add_stage:name" in {w.key for w in at.text_input}


def test_process_views_render(app):
    at = app.open("process", "demo")
    for view in ("checklist", "flowchart", "columns"):
        at.segmented_control(key="process_view").set_value(view).run()
        assert not at.exception


def test_stale_edit_is_refused_then_can_be_reapplied(app):
    anna = app.open("process", "demo")
    code = app.store.workshop(app.me.workshop_id).join_code
    from workshop.services import live

    lars_me = live.join(app.store, code, "Lars", "product")
    lars = app.open("process", me=lars_me)
    for at in (anna, lars):
        at.toggle(key="process_arrange").set_value(True).run()
        at.button(key="step:st1:open").click().run()
        assert not at.exception
    version = snapshot(app.store, lars_me.workshop_id).element("st1").version
    anna.text_area(key=f"step:st1:edit:{version}:text").input("Anna's wording")
    anna.button(key=f"FormSubmitter:step:st1:edit:{version}-Save").click().run()
    assert snapshot(app.store, lars_me.workshop_id).doc["segments"][0]["stages"][0]["steps"][0]["text"] == "Anna's wording"

    lars.text_area(key=f"step:st1:edit:{version}:text").input("Lars's wording")
    lars.button(key=f"FormSubmitter:step:st1:edit:{version}-Save").click().run()
    assert not lars.exception
    assert any("changed this while you were editing" in w.value for w in lars.warning)
    assert any("Anna's wording" in t.value for t in lars.text)  # the other person's version is shown
    assert snapshot(app.store, lars_me.workshop_id).doc["segments"][0]["stages"][0]["steps"][0]["text"] == "Anna's wording"

    lars.button(key="step:st1:mine").click().run()
    assert not lars.exception
    step = snapshot(app.store, lars_me.workshop_id).doc["segments"][0]["stages"][0]["steps"][0]
    assert step["text"] == "Lars's wording"
    assert app.store.events(lars_me.workshop_id, limit=1)[0]["actor"] == lars_me.participant_id


def test_undo_button_undoes_my_last_change(app):
    at = app.open("process", "demo")
    at.text_input(key="add_step_text").input("Temporary step")
    at.button(key="add_step_submit").click().run()
    assert "Temporary step" in str(snapshot(app.store, app.me.workshop_id).doc)
    at.button(key="undo_last").click().run()
    assert not at.exception
    assert "Temporary step" not in str(snapshot(app.store, app.me.workshop_id).doc)


def test_reorder_stage_and_step(app):
    at = app.open("process", "demo")
    at.toggle(key="process_arrange").set_value(True).run()
    at.button(key="right:s1").click().run()
    at.button(key="down:st1").click().run()
    assert not at.exception
    doc = snapshot(app.store, app.me.workshop_id).doc
    stages = doc["segments"][0]["stages"]
    assert [s["id"] for s in stages[:2]] == ["s2", "s1"]
    assert [s["id"] for s in stages[1]["steps"]] == ["st2", "st1"]


def test_note_on_a_stage_from_the_sidebar(app):
    """The sidebar's form offers the stages (a note on a step is put on the step's card in the
    browser: tests/e2e)."""
    at = app.open("process", "demo")
    about = at.selectbox(key="process:note_about")
    assert "stage: Explore options" in about.options
    assert not [o for o in about.options if "Searches peers" in o]  # no steps in the list
    about.select("s2")
    at.text_area(key="process:note_text").input("Ask which trade press they read")
    at.button(key="FormSubmitter:process:note-Post note").click().run()
    assert not at.exception
    notes = snapshot(app.store, app.me.workshop_id).doc["notes"]
    assert notes[-1]["about"] == "s2" and notes[-1]["author"] == app.me.participant_id
    assert "Ask which trade press they read" in board_texts(at.run())  # (the browser: from the stream)


def test_hostile_text_is_shown_as_text(app):
    at = app.open("process", "demo")
    payload = "<script>window.__pwned=1</script> [click](javascript:alert(1)) **bold**"
    at.text_input(key="add_step_text").input(payload)
    at.button(key="add_step_submit").click().run()
    assert not at.exception
    assert payload in board_texts(at)  # the board sets it as text in the browser (tests/e2e)
    for md in at.markdown:
        assert "javascript:alert" not in md.value or "\\(javascript" in md.value
        assert "<script>" not in md.value


def test_export_page_offers_the_map_file(app):
    at = app.open("export", "demo")
    assert not at.exception
    assert any(d.label == "Download" for d in at.get("download_button"))


def test_add_a_segment_and_switch_to_it(app):
    at = app.open("process", "demo")
    at.session_state["process_segments"] = True  # open the (lazily built) segments expander
    at.run()
    at.text_input(key="add_segment:name").input("Large enterprises")
    at.button(key="FormSubmitter:add_segment-Add a customer segment").click().run()
    assert not at.exception
    doc = snapshot(app.store, app.me.workshop_id).doc
    assert [s["name"] for s in doc["segments"]] == ["Mid-size logistics firms (50-500 trucks)", "Large enterprises"]
    assert at.selectbox(key="segment").value == doc["segments"][1]["id"]
    board = live_parts(at)["board"]
    assert board["cfg"]["query"]["seg"] == doc["segments"][1]["id"] and not _stages_on_board(at)


def test_joining_a_swedish_workshop_switches_to_swedish(app):
    from workshop.services import live

    made = live.create_workshop(app.store, title="Kommunen", language="sv", template="b2b", name="Karin", function="sales")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="join_code").input(made.join_code)
    at.text_input(key="join_name").input("Johan")
    at.button[0].click().run()
    assert not at.exception
    assert any(m.label == "Anslutningskod" for m in at.metric)


def test_the_upload_box_shows_only_for_a_map_file(app):
    """Issue 17: the create form showed the upload box even with a template chosen."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert at.radio(key="create_start").value != "upload"
    assert len(at.get("file_uploader")) == 0
    at.radio(key="create_start").set_value("upload").run()
    assert not at.exception
    assert len(at.get("file_uploader")) == 1


def test_the_new_key_is_never_beside_the_join_code_and_qr(app):
    """Issue 17: right after creating, the home page showed the facilitator key next to the join
    code and its QR code (what goes on the projector). The key comes alone; the code and the QR
    only once it is saved. The creator's tab opens the console without typing it."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="create_title").input("Key apart")
    at.text_input(key="create_name").input("Karin")
    at.button[1].click().run()
    assert not at.exception
    [ws] = app.store.list_workshops()
    key = at.session_state["new_workshop"]["key"]
    assert [c.value for c in at.code] == [key]
    assert not [m for m in at.metric if m.label == "Join code"] and not at.get("image")
    at.button(key="key_saved").click().run()
    assert not at.exception
    assert [m.value for m in at.metric if m.label == "Join code"] == [ws.join_code]
    assert at.get("image")  # the QR code, now
    assert key not in [c.value for c in at.code]
    assert at.session_state["fac_keys"][ws.id] == key
