"""The presenter view under AppTest: the phase, the big countdown, results after the reveal,
and the read-only link with the join code."""

from __future__ import annotations

import pytest
from apptest_support import ROOT, live_parts
from streamlit.testing.v1 import AppTest

from workshop import demo
from workshop.services import facilitation as fs
from workshop.services import live
from workshop.services.live import snapshot
from workshop.services.maps import import_document


@pytest.fixture
def room(app):
    doc = demo.example("fleet")
    created = import_document(app.store, doc).created
    me = live.join(app.store, created.join_code, "Pia", "product")
    return fs.Facilitator(doc["workshop"]["id"], created.facilitator_key), me, created.join_code


def _all_text(at) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.text] + [c.value for c in at.caption]
    parts += [h.value for h in at.header] + [h.value for h in at.title] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def _open_by_code(wid: str, code: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["w"] = wid
    at.query_params["code"] = code
    at.run()
    return at.switch_page("views/present.py").run()


def test_presenter_follows_phase_countdown_and_reveal(app, room):
    fac, me, _ = room
    fs.set_phase(app.store, fac, "process")
    r = fs.start_vote(app.store, fac, "objection", budget=3, prompt="Which objection stalls most?", minutes=2)
    at = app.open("present", me=me)
    assert not at.exception
    text = _all_text(at)
    assert "Phase 1 of 6:" in text
    assert "steps" in text  # the stages with their step counts
    assert "Which objection stalls most?" in text
    parts = live_parts(at)  # the countdown and the results are live parts, big on the wall
    assert parts["clock"]["cfg"]["options"]["big"] and 115 < parts["clock"]["live"]["state"]["round"]["remaining"] <= 120
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


def test_presenter_shows_each_phase_content(app, room):
    fac, me, _ = room
    doc = snapshot(app.store, fac.workshop_id).doc
    seg = doc["segments"][0]
    fs.set_phase(app.store, fac, "consensus")
    at = app.open("present", me=me)
    assert not at.exception
    text = _all_text(at)
    assert "Phase 5 of 6:" in text
    yes = sum(1 for c in (seg.get("consensus") or {}).values() if c.get("status") == "yes")
    assert f"{yes} of 6" in text  # the overall tally
    assert "Shared problem" in text  # every criterion is named, with its status
    fs.set_phase(app.store, fac, "motives")
    at.run()
    assert seg["motives"][0]["text"][:40] in _all_text(at)


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
    refused = _open_by_code(fac.workshop_id, "ZZZZZZ")
    assert not refused.exception
    assert any("does not match" in e.value for e in refused.error)
    assert "Phase 4 of 6:" not in _all_text(refused)


def test_presenter_without_identity_explains(app):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.switch_page("views/present.py").run()
    assert not at.exception
    assert at.info
