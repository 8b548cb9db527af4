"""The facilitator console under AppTest: refused without the right key; with it, every control
changes the store (phases, summon, timer, dot vote, silent rating, brainstorm triage, lock)."""

from __future__ import annotations

import pytest
from apptest_support import clock

from workshop import demo
from workshop.errors import Locked
from workshop.services import editing, live
from workshop.services import facilitation as fs
from workshop.services.live import snapshot
from workshop.services.maps import import_document


@pytest.fixture
def room(app):
    """The demo workshop with its key, the facilitator (joined) and one other participant."""
    doc = demo.example("fleet")
    created = import_document(app.store, doc).created
    wid = doc["workshop"]["id"]
    host = live.join(app.store, created.join_code, "Fia", "sales")
    other = live.join(app.store, created.join_code, "Pia", "product")
    return created.facilitator_key, host, other, fs.Facilitator(wid, created.facilitator_key, host.participant_id)


def _all_text(at) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.text] + [c.value for c in at.caption]
    parts += [h.value for h in at.subheader] + [e.value for e in at.error] + [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


def _console(app, host, key):
    at = app.open("facilitate", me=host)
    at.text_input(key="fac_key").input(key).run()
    assert not at.exception, at.exception
    return at


def _click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def test_without_key_refused_and_no_controls(app, room):
    _, host, _, _ = room
    at = app.open("facilitate", me=host)
    assert not at.exception
    assert any("Refused" in e.value for e in at.error)
    assert at.text_input(key="fac_key").proto.type == at.text_input(key="fac_key").proto.PASSWORD
    keys = {b.key for b in at.button}
    assert not any(k and k.startswith("fac_") for k in keys)
    assert not at.tabs


def test_wrong_key_refused(app, room):
    _, host, _, _ = room
    at = app.open("facilitate", me=host)
    at.text_input(key="fac_key").input("not-the-key").run()
    assert not at.exception
    assert any("not this workshop" in e.value for e in at.error)
    assert not at.tabs
    assert not any((b.key or "").startswith("fac_next") for b in at.button)


def test_blank_workshop_console_opens(app):
    made = live.create_workshop(app.store, title="Blank one", language="en", template="blank", name="Host", function="sales")
    at = _console(app, made.me, made.facilitator_key)
    assert at.tabs
    assert "No round yet" in _all_text(at)


def test_without_identity_asks_to_join(app):
    from apptest_support import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.switch_page("views/facilitate.py").run()
    assert not at.exception
    assert at.info and not at.tabs


def test_phases_agenda_and_summon(app, room):
    key, host, _, fac = room
    at = _console(app, host, key)
    wid = fac.workshop_id
    assert fs.state(app.store, wid).phase is None
    _click(at, "fac_next")
    assert fs.state(app.store, wid).phase == 0
    _click(at, "fac_next")
    assert fs.state(app.store, wid).page == "group"
    _click(at, "fac_prev")
    assert fs.state(app.store, wid).page == "process"
    before = fs.state(app.store, wid).summon
    _click(at, "fac_summon")
    s = fs.state(app.store, wid)
    assert s.summon == before + 1 and s.summon_page == "process"
    assert "Bring" not in (at.title[0].value if at.title else "")  # still on the console
    assert at.tabs
    # go to a chosen phase, then change the agenda
    goto = at.selectbox(key=f"fac_goto:{s.agenda}:{s.phase}")
    assert goto.value == s.phase  # "go to" shows the current phase (issue 17: it stayed behind)
    goto.set_value(3).run()
    _click(at, "fac_go")
    s = fs.state(app.store, wid)
    assert s.page == "friction"
    assert at.selectbox(key=f"fac_goto:{s.agenda}:{s.phase}").value == 3
    _click(at, "fac_next")
    s = fs.state(app.store, wid)
    assert at.selectbox(key=f"fac_goto:{s.agenda}:{s.phase}").value == s.phase == 4  # follows next/previous too
    _click(at, "fac_prev")
    assert fs.state(app.store, wid).page == "friction"
    at.multiselect(key=f"fac_agenda:{fs.state(app.store, wid).agenda}").set_value(["motives", "friction", "actions"]).run()
    _click(at, "fac_agenda_save")
    s = fs.state(app.store, wid)
    assert s.agenda == ("motives", "friction", "actions") and s.page == "friction"


def test_timer_start_pause_extend_end(app, room):
    key, host, _, fac = room
    at = _console(app, host, key)
    wid = fac.workshop_id
    at.text_input(key="fac_timer_prompt").input("Write silently")
    at.number_input(key="fac_timer_minutes").set_value(2.0)
    at.button(key="FormSubmitter:fac_timer_form-Start the timer").click().run()
    assert not at.exception
    r = fs.state(app.store, wid).current_round
    assert r.kind == "timer" and r.prompt == "Write silently" and r.duration == 120
    countdown = clock(at)["round"]  # a live part: it ticks in the browser from here
    assert countdown["running"] and 115 < countdown["remaining"] <= 120
    _click(at, "fac_pause")
    assert fs.state(app.store, wid).current_round.is_paused
    _click(at, "fac_resume")
    assert not fs.state(app.store, wid).current_round.is_paused
    _click(at, "fac_extend1")
    assert fs.state(app.store, wid).current_round.duration == 180
    _click(at, "fac_extend5")
    assert fs.state(app.store, wid).current_round.duration == 480
    _click(at, "fac_end_round")
    assert not fs.state(app.store, wid).current_round.is_open


def test_vote_cast_for_reveal_and_chart(app, room):
    key, host, other, fac = room
    at = _console(app, host, key)
    wid = fac.workshop_id
    at.selectbox(key="fac_vote_target").set_value("objection")
    at.number_input(key="fac_vote_budget").set_value(3)
    at.number_input(key="fac_vote_max").set_value(2)
    at.button(key="FormSubmitter:fac_vote_form-Start the dot vote").click().run()
    assert not at.exception
    r = fs.state(app.store, wid).current_round
    assert (r.kind, r.target, r.budget, r.max_per_element) == ("vote", "objection", 3, 2)
    text = _all_text(at)
    people = snapshot(app.store, wid).of_kind("participant")
    assert f"0 of {len(people) - 1} have taken part" in text  # nobody voted yet; the facilitator is not waited for
    waiting = next(t.value for t in at.text if "Pia" in t.value)
    assert "Fia" not in waiting  # issue 17: the facilitator was listed as "hasn't voted"
    objections = snapshot(app.store, wid).of_kind("objection")
    fs.set_dots(app.store, other, r.no, objections[0].eid, 2)
    at.run()
    assert not [t.value for t in at.text if "Pia" in t.value or "Fia" in t.value]
    # the facilitator casts for someone without a device (here: the facilitator's own row)
    at.selectbox(key="fac_cast_who").set_value(host.participant_id)
    at.selectbox(key="fac_cast_about").set_value(objections[1].eid)
    at.number_input(key="fac_cast_dots").set_value(1)
    _click(at, "fac_cast_submit")
    assert fs.vote_results(app.store, wid, r.no, key=key).dots == 3
    assert not [c for c in at.get("plotly_chart") if str(c.key or "").startswith("fac_vote_chart")]
    _click(at, "fac_vote_reveal")
    assert fs.state(app.store, wid).round(r.no).revealed
    charts = [str(c.key or "") for c in at.get("plotly_chart")]
    assert any(k.startswith("fac_vote_chart") for k in charts)
    assert any(k.startswith("fac_vote_functions") for k in charts)
    assert "2 people cast 3 dots" in _all_text(at)
    for p in people:  # everyone else votes: one line says so, nothing says "still waiting"
        if p.eid not in (host.participant_id, other.participant_id):
            fs.cast_for(app.store, fac, p.eid, r.no, objections[2].eid, 1)
    at.run()
    text = _all_text(at)
    assert f"All {len(people) - 1} have taken part." in text and "still waiting" not in text


def test_rating_reveal_and_set_agreed(app, room):
    key, host, other, fac = room
    at = _console(app, host, key)
    wid = fac.workshop_id
    at.selectbox(key="fac_rate_target").set_value("role").run()
    at.button(key="FormSubmitter:fac_rate_form-Start the silent rating").click().run()
    assert not at.exception
    r = fs.state(app.store, wid).current_round
    assert r.kind == "rating" and set(r.fields) == {"influence", "stance"}
    role = snapshot(app.store, wid).of_kind("role")[0]
    fs.rate(app.store, other, r.no, role.eid, "influence", 2)
    fs.rate(app.store, host, r.no, role.eid, "influence", 5)
    at.run()
    _click(at, "fac_rate_reveal")
    assert fs.state(app.store, wid).round(r.no).revealed
    assert any(str(c.key or "").startswith("fac_rate_chart") for c in at.get("plotly_chart"))
    assert at.dataframe
    at.selectbox(key=f"fac_agree_value:{r.no}:{role.eid}:influence").set_value(4).run()
    _click(at, f"fac_agree:{r.no}:{role.eid}:influence")
    assert snapshot(app.store, wid).element(role.eid).data["influence"] == 4


def test_brainstorm_and_triage(app, room):
    key, host, other, fac = room
    at = _console(app, host, key)
    wid = fac.workshop_id
    at.text_input(key="fac_bs_prompt").input("What stalls the deal?")
    at.checkbox(key="fac_bs_anonymous").check()
    at.checkbox(key="fac_bs_hidden").check()
    at.button(key="FormSubmitter:fac_brainstorm_form-Start the brainstorm").click().run()
    assert not at.exception
    r = fs.state(app.store, wid).current_round
    assert r.kind == "brainstorm" and r.anonymous and r.hidden
    note = fs.post_note(app.store, other, r.no, "IT security review <b>takes months</b>")
    at.run()
    assert "IT security review" in _all_text(at)
    at.selectbox(key=f"fac_tri_kind:{note.eid}").set_value("objection").run()
    segment = snapshot(app.store, wid).doc["segments"][0]["id"]
    assert at.selectbox(key=f"fac_tri_parent:{note.eid}:objection").value == segment
    before = len(snapshot(app.store, wid).of_kind("objection"))
    _click(at, f"fac_tri:{note.eid}")
    snap = snapshot(app.store, wid)
    assert len(snap.of_kind("objection")) == before + 1
    assert any(o.data["text"].startswith("IT security review") for o in snap.of_kind("objection"))
    # triaged once: the note says where it went, and offers no second triage (issue 17)
    assert f"fac_tri:{note.eid}" not in {b.key for b in at.button}
    assert any("On the map as objection" in c.value for c in at.caption)


def test_lock_refuses_participant_edits_then_unlock_and_end(app, room):
    key, host, other, fac = room
    at = _console(app, host, key)
    wid = fac.workshop_id
    _click(at, "fac_lock")
    assert fs.state(app.store, wid).locked
    with pytest.raises(Locked):
        editing.add(app.store, other, "usp", {"text": "Cheaper"})
    _click(at, "fac_unlock")
    assert not fs.state(app.store, wid).locked
    editing.add(app.store, other, "usp", {"text": "Cheaper"})
    _click(at, "fac_end_workshop")  # asks first (issue 17): cancel leaves it open
    assert not fs.state(app.store, wid).ended
    assert any("End the workshop?" in w.value for w in at.warning)
    _click(at, "fac_end_cancel")
    assert not fs.state(app.store, wid).ended and not at.button(key="fac_end_workshop").disabled
    _click(at, "fac_end_workshop")
    _click(at, "fac_end_confirm")
    s = fs.state(app.store, wid)
    assert s.ended and s.locked


def test_delete_needs_confirmation(app, room):
    key, host, _, fac = room
    at = _console(app, host, key)
    assert at.button(key="fac_delete").disabled
    at.checkbox(key="fac_delete_sure").check().run()
    _click(at, "fac_delete")
    assert not app.store.exists(fac.workshop_id)
