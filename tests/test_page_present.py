"""The presenter view under AppTest: the phase's content made for the wall (issue 17: stages as
chevrons with their exit criteria, the buying group's network, the motives and objections
ranked, the consensus as a traffic light, who does what by when), the big countdown, results
after the reveal, the join code and its QR code in the corner, an address without a token, and
the read-only link with the join code. (Sizes, the corner's place and the missing sidebar in a
real browser: ``tests/e2e/test_present_browser.py``.)"""

from __future__ import annotations

import pytest
from apptest_support import ROOT, live_parts
from streamlit.testing.v1 import AppTest

from workshop import demo
from workshop.services import facilitation as fs
from workshop.services import live
from workshop.services.live import snapshot
from workshop.services.maps import import_document

HOSTILE = '<img src=x onerror="window.__pwned=1"> [link](javascript:alert(1)) **bold**'


@pytest.fixture
def room(app):
    doc = demo.example("fleet")
    created = import_document(app.store, doc).created
    me = live.join(app.store, created.join_code, "Pia", "product")
    return fs.Facilitator(doc["workshop"]["id"], created.facilitator_key), me, created.join_code


def _all_text(at) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.text] + [c.value for c in at.caption]
    parts += [h.value for h in at.header] + [h.value for h in at.subheader] + [h.value for h in at.title] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def _texts(at) -> list[str]:
    """The page's ``st.text`` values in the order they are drawn."""
    return [t.value for t in at.text]


def _open_by_code(wid: str, code: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["w"] = wid
    at.query_params["code"] = code
    at.run()
    return at.switch_page("views/present.py").run()


def _at_phase(app, room, phase: str) -> AppTest:
    fac, me, _ = room
    fs.set_phase(app.store, fac, phase)
    at = app.open("present", me=me)
    assert not at.exception
    return at


def test_presenter_follows_phase_countdown_and_reveal(app, room):
    fac, me, _ = room
    fs.set_phase(app.store, fac, "process")
    r = fs.start_vote(app.store, fac, "objection", budget=3, prompt="Which objection stalls most?", minutes=2)
    at = app.open("present", me=me)
    assert not at.exception
    text = _all_text(at)
    assert "Phase 1 of 6:" in text
    assert "1. Recognise the problem" in text  # the stages
    assert "Which objection stalls most?" in text
    texts = _texts(at)
    assert texts.index("Which objection stalls most?") < texts.index("1. Recognise the problem")  # the open round first
    parts = live_parts(at)  # the countdown and the results are live parts, big on the wall
    assert parts["clock"]["cfg"]["options"]["big"] and 115 < parts["clock"]["live"]["state"]["round"]["remaining"] <= 120
    assert parts["results"]["cfg"]["options"]["big"]
    assert "present.vote_colours" in parts["results"]["cfg"]["texts"]  # what the bars' colours mean
    assert parts["clock"]["cfg"]["auth"] == {"w": fac.workshop_id, "code": room[2]}  # as the room sees it, by the code
    first = snapshot(app.store, fac.workshop_id).of_kind("objection")[0].eid
    fs.set_dots(app.store, me, r.no, first, 2)
    at.run()
    assert live_parts(at)["results"]["live"]["state"]["results"] is None  # hidden until the reveal
    fs.end_round(app.store, fac)
    fs.reveal(app.store, fac)
    at.run()
    assert not at.exception
    res = live_parts(at)["results"]["live"]["state"]["results"]
    assert res["kind"] == "vote" and (res["voters"], res["dots"]) == (1, 2)
    assert res["lines"][0]["about"] == first and res["lines"][0]["dots"] == 2
    assert "clock" not in live_parts(at)  # the round ended: no countdown
    texts = _texts(at)
    assert "Which objection stalls most?" in texts and "1. Recognise the problem" not in texts  # the results have the wall
    fs.set_phase(app.store, fac, "group")
    at.run()
    texts = _texts(at)
    assert "Which objection stalls most?" in texts  # still shown, after the new phase's content
    assert at.get("iframe") and _all_text(at).index("Phase 2 of 6") < _all_text(at).index("Dot vote")


def test_process_shows_the_stages_as_chevrons_with_exit_criteria(app, room):
    at = _at_phase(app, room, "process")
    seg = snapshot(app.store, room[0].workshop_id).doc["segments"][0]
    texts = _texts(at)
    names = [f"{i}. {s['name']}" for i, s in enumerate(seg["stages"], 1)]
    assert [t for t in texts if t in names] == names  # every stage, in order
    for stage in seg["stages"]:
        after = texts[texts.index(names[seg["stages"].index(stage)]) + 1 :]
        for criterion in stage["exit_criteria"]:
            assert f"▸ {criterion}" in after[: len(stage["exit_criteria"])]  # under its stage
    assert "steps" not in " ".join(texts)


def test_group_shows_the_network_sized_for_the_wall(app, room):
    at = _at_phase(app, room, "group")
    frames = at.get("iframe")
    assert len(frames) == 1
    drawing = frames[0].proto.srcdoc
    assert "Procurement officer" in drawing and "Legal counsel" in drawing  # every role (as JSON text)
    assert '"size": 36' in drawing and "div.vis-navigation { display: none; }" in drawing  # labels for the wall, no buttons
    assert "Fleet fuel" not in drawing  # the buying group only (no stages)
    assert any("Colour: where each role stands" in c.value for c in at.caption)  # what the colours mean


def test_motives_are_ranked_with_the_usps_that_serve_them(app, room):
    fac, me, _ = room
    snap = snapshot(app.store, fac.workshop_id)
    it_fit = next(m.eid for m in snap.of_kind("motive") if m.data["text"].startswith("No new system"))
    r = fs.start_vote(app.store, fac, "motive", budget=5)
    fs.set_dots(app.store, me, r.no, it_fit, 5)  # hidden until the reveal: not counted yet
    at = _at_phase(app, room, "motives")
    texts = _texts(at)
    order = [t for t in texts if t in ("Lower fuel cost per km", "Keep drivers on board", "No new system islands for IT")]
    assert order == ["Lower fuel cost per km", "Keep drivers on board", "No new system islands for IT"]  # by importance
    assert texts[texts.index("Lower fuel cost per km") + 2] == "✔ Fuel analytics that cut consumption 8-12 %"
    assert "●●●●● Importance 5 of 5 · 0 dots" in " ".join(texts).replace("  ", " ")
    assert "⚠ No USP serves this motive yet." in texts  # drivers: served by none
    fs.end_round(app.store, fac)
    fs.reveal(app.store, fac)
    at.run()
    assert not [t for t in _texts(at) if t == "Lower fuel cost per km"]  # the revealed vote has the wall to itself
    fs.start_timer(app.store, fac, "Discuss", 1)
    fs.end_round(app.store, fac)  # a round over with nothing to show: the motives again
    at.run()
    order = [t for t in _texts(at) if t in ("Lower fuel cost per km", "Keep drivers on board", "No new system islands for IT")]
    assert order[0] == "No new system islands for IT"  # 3 + 5 dots: weighs most now


def test_friction_ranks_objections_with_their_answers(app, room):
    at = _at_phase(app, room, "friction")
    texts = _texts(at)
    order = [t for t in texts if t in ("Drivers see it as surveillance", "No budget this year", "Unclear who owns fuel cost: fleet or finance")]
    assert order == ["Drivers see it as surveillance", "No budget this year", "Unclear who owns fuel cost: fleet or finance"]
    joined = " ".join(texts).replace("  ", " ")
    assert "●●●●● Severity 5 of 5 · 5 dots" in joined  # the demo's dots: 2 + 3
    assert "↳ Privacy mode outside working hours" in texts
    assert texts.count("⚠ No answer yet") == 2


def test_consensus_is_a_traffic_light(app, room):
    at = _at_phase(app, room, "consensus")
    assert any(h.value == "2 of 6 conditions are in place" for h in at.subheader)
    texts = _texts(at)
    for name, status in (("Shared problem", "~ Partly"), ("Why now", "✓ Yes"), ("Procurement involved early", "✗ No"), ("Decision package", "? Don't know")):
        assert texts[texts.index(name) + 1] == status
    assert "Fleet and finance describe the cost differently" in texts  # the note
    assert any("Green: in place" in c.value for c in at.caption)


def test_actions_say_who_does_what_by_when(app, room):
    at = _at_phase(app, room, "actions")
    assert len(at.table) == 1
    rows = at.table[0].value
    assert list(rows.columns) == ["Owner", "What we will do", "Due", "Status"]
    first, second = rows.iloc[0].tolist(), rows.iloc[1].tolist()
    assert first[0] == "Omar" and first[2] == r"2026\-12\-15" and first[3] == "In progress"  # the soonest first
    assert second[0] == "Anna" and second[2] == "—" and "CFO" in second[1]


def test_hostile_text_stays_text(app):
    doc = demo.example("fleet")
    doc["workshop"]["id"] = "hostile-wall"
    seg = doc["segments"][0]
    seg["stages"][0]["name"] = HOSTILE
    seg["motives"][0]["text"] = HOSTILE
    seg["objections"][0]["responses"] = [HOSTILE]
    doc["actions"][0]["owner"] = HOSTILE
    created = import_document(app.store, doc).created
    fac = fs.Facilitator("hostile-wall", created.facilitator_key)
    me = live.join(app.store, created.join_code, "Pia", "product")
    for phase in ("process", "motives", "friction", "actions"):
        fs.set_phase(app.store, fac, phase)
        at = app.open("present", me=me)
        assert not at.exception
        assert not any(HOSTILE in m.value for m in at.markdown)  # never as Markdown or HTML
        if phase == "actions":
            assert at.table[0].value.iloc[0, 0].startswith(r"\<img src\=x")  # escaped in the table's Markdown
        else:
            assert any(HOSTILE in t for t in _texts(at)), phase


def test_the_join_corner_shows_the_code_and_never_the_key(app, room):
    fac, me, code = room
    at = _at_phase(app, room, "process")
    texts = _texts(at)
    assert "Join with this code" in texts and code.upper() in texts
    assert len(at.get("image")) == 1  # the QR code
    assert fac.key not in _all_text(at)
    fs.end_workshop(app.store, fac)
    at.run()
    assert code.upper() not in _texts(at) and not at.get("image")  # ended: nobody joins any more
    assert at.warning  # "the workshop has ended"


def test_the_address_holds_no_token_and_no_sidebar(app, room):
    fac, me, code = room
    at = _at_phase(app, room, "process")
    assert at.query_params == {"w": fac.workshop_id, "code": code}  # the token is gone from the address
    assert len(at.sidebar) == 0  # nothing in the sidebar (the page hides it, navigation and all)
    assert [p.proto.page for p in at.get("page_link")] == ["facilitate", ""]  # the way back: the console, home
    assert live_parts(at)["watch"]["cfg"]["auth"] == {"w": fac.workshop_id, "code": code}
    at.run()
    assert at.query_params == {"w": fac.workshop_id, "code": code}


def test_time_up_shows_clearly(app, room):
    fac, me, _ = room
    fs.start_timer(app.store, fac, "Write silently", 1, now=0)  # started long ago: time is up
    at = app.open("present", me=me)
    assert not at.exception
    countdown = live_parts(at)["clock"]["live"]["state"]["round"]
    assert countdown["time_up"] and countdown["remaining"] <= 0  # the part shows 0:00 and "Time is up"


def test_presenter_by_join_code_without_joining(app, room):
    fac, _, code = room
    fs.set_phase(app.store, fac, "friction")
    at = _open_by_code(fac.workshop_id, code)
    assert not at.exception
    assert "Phase 4 of 6:" in _all_text(at)
    assert code.upper() in _texts(at)
    loose = _open_by_code(fac.workshop_id, code.lower())  # codes are typed loosely
    assert code in _texts(loose) and loose.query_params == {"w": fac.workshop_id, "code": code}
    refused = _open_by_code(fac.workshop_id, "ZZZZZZ")
    assert not refused.exception
    assert any("does not match" in e.value for e in refused.error)
    assert "Phase 4 of 6:" not in _all_text(refused)


def test_presenter_without_identity_explains(app):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.switch_page("views/present.py").run()
    assert not at.exception
    assert at.info
