"""The participant's side of a facilitated workshop under AppTest: the phase in the sidebar,
"bring everyone here", the round panel (dots, ratings, notes, the countdown) and the lock."""

from __future__ import annotations

import pytest
from apptest_support import board_texts, clock, live_parts

from workshop import demo
from workshop.errors import KopkartaError
from workshop.services import facilitation as fs
from workshop.services import live
from workshop.services.live import snapshot
from workshop.services.maps import import_document


@pytest.fixture
def room(app):
    """The demo workshop with its facilitator key, and one participant."""
    doc = demo.example("fleet")
    created = import_document(app.store, doc).created
    wid = doc["workshop"]["id"]
    me = live.join(app.store, created.join_code, "Pia", "product")
    return fs.Facilitator(wid, created.facilitator_key), me


def _texts(at) -> str:
    """What the page shows: its Streamlit elements and what its live parts draw from (the board,
    a brainstorm's notes)."""
    parts = [m.value for m in at.markdown] + [t.value for t in at.text] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    live = live_parts(at)
    if "board" in live:
        parts += board_texts(at)
    results = live.get("results", {}).get("live", {}).get("state", {}).get("results") or {}
    parts += [n["text"] for n in results.get("notes", [])]
    return "\n".join(str(p) for p in parts)


def test_phase_shows_in_the_sidebar(app, room):
    fac, me = room
    fs.set_phase(app.store, fac, "motives")
    at = app.open("process", me=me)
    assert not at.exception
    links = [el for el in at.sidebar if getattr(el, "proto", None) is not None and el.proto.DESCRIPTOR.name == "PageLink"]
    labels = [el.proto.label for el in links]
    assert "Phase 3 of 6: Buying motives" in labels or any(lbl.startswith("Phase 3 of 6:") for lbl in labels)


def test_summon_switches_page_on_the_next_run(app, room):
    fac, me = room
    at = app.open("process", me=me)
    fs.summon(app.store, fac, "friction")
    at.run()
    assert not at.exception
    # the app switched: the friction page's title is drawn, not the process page's
    from workshop.i18n import t

    assert any(h.value == t("friction.title", "en") for h in at.title)
    # AppTest reruns the page it was opened on: a summon that was seen does not move it again
    at.run()
    assert any(h.value == t("process.title", "en") for h in at.title)


def test_home_is_summoned_and_shows_the_phase_and_the_round(app, room):
    """Issue 17: a participant left on Home was not moved by "bring everyone here", and Home
    showed neither the phase nor the round."""
    from workshop.i18n import t

    fac, me = room
    fs.set_phase(app.store, fac, "motives")
    fs.start_vote(app.store, fac, "objection", budget=2, prompt="Which objection stalls most?")
    at = app.open("home", me=me)
    assert not at.exception
    labels = [el.proto.label for el in at.sidebar if getattr(el, "proto", None) is not None and el.proto.DESCRIPTOR.name == "PageLink"]
    assert any(lbl.startswith("Phase 3 of 6:") for lbl in labels)
    assert "Which objection stalls most?" in _texts(at)  # the round panel, on Home too
    fs.summon(app.store, fac, "friction")
    at.run()
    assert not at.exception
    assert any(h.value == t("friction.title", "en") for h in at.title)


def test_joining_by_qr_during_a_phase_lands_on_its_page(app, room):
    """Issue 17: someone who scanned the QR code mid-session landed on Home, not where the room was."""
    from streamlit.testing.v1 import AppTest

    from apptest_support import ROOT
    from workshop.i18n import t

    fac, _ = room
    fs.set_phase(app.store, fac, "friction")
    fs.start_vote(app.store, fac, "objection", budget=2, prompt="Which objection stalls most?")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["join"] = app.store.workshop(fac.workshop_id).join_code
    at.query_params["name"] = "Late Lena"
    at.run()
    at.run()
    assert not at.exception
    assert any(h.value == t("friction.title", "en") for h in at.title)
    assert "Which objection stalls most?" in _texts(at)


def test_participant_casts_dots_within_budget(app, room):
    fac, me = room
    r = fs.start_vote(app.store, fac, "objection", budget=2, prompt="Which objection stalls most?", minutes=5)
    at = app.open("friction", me=me)
    assert not at.exception
    text = _texts(at)
    assert "Which objection stalls most?" in text
    countdown = clock(at)  # the countdown is a live part, ticking in the browser
    assert countdown["round"]["running"] and 295 < countdown["round"]["remaining"] <= 300
    assert countdown["voted"] == [] and me.participant_id in countdown["people"]
    objections = snapshot(app.store, fac.workshop_id).of_kind("objection")
    first = objections[0].eid
    # the ballot is a live part: it offers what the round accepts, with my dots and the budget
    ballot = live_parts(at)["dots"]["live"]["state"]
    assert [e["id"] for e in ballot["elements"]] == [o.eid for o in objections]
    assert (ballot["budget"], ballot["max"], ballot["mine"]) == (2, r.max_per_element, {})
    # a click is stored through the services in the run the ballot asks for (tests/e2e clicks it)
    fs.set_dots(app.store, me, r.no, first, 2)
    at.run()
    assert live_parts(at)["dots"]["live"]["state"]["mine"] == {first: 2}
    with pytest.raises(KopkartaError):  # the budget is spent: a crafted cast is refused
        fs.set_dots(app.store, me, r.no, objections[1].eid, 1)
    fs.set_dots(app.store, me, r.no, first, 1)
    at.run()
    assert clock(at)["voted"] == [me.participant_id]  # who has taken part (never what they chose)
    # no results before the reveal, the ranked chart after it
    charts = lambda: [c for c in at.get("plotly_chart") if str(getattr(c, "key", "")).startswith("vote_results")]
    assert not charts()
    fs.end_round(app.store, fac)
    fs.reveal(app.store, fac)
    at.run()
    assert not at.exception
    assert charts()


def test_rating_panel_writes_to_the_store(app, room):
    fac, me = room
    r = fs.start_rating(app.store, fac, "motive")
    at = app.open("motives", me=me)
    assert not at.exception
    motive = snapshot(app.store, fac.workshop_id).of_kind("motive")[0].eid
    at.select_slider(key=f"rate:{r.no}:{motive}:importance").set_value(4).run()
    assert not at.exception
    assert fs.my_ratings(app.store, me, r.no) == {(motive, "importance"): 4}


def test_brainstorm_panel_posts_notes_hidden_until_reveal(app, room):
    fac, me = room
    other = live.join(app.store, app.store.workshop(fac.workshop_id).join_code, "Olle", "sales")
    r = fs.start_brainstorm(app.store, fac, prompt="What stalls a deal?", hidden=True)
    fs.post_note(app.store, other, r.no, "Secret idea from Olle")
    at = app.open("process", me=me)
    assert not at.exception
    assert "Secret idea from Olle" not in _texts(at)
    at.text_area(key=f"brainstorm:{r.no}:text").input("Budget owner unclear")
    at.button[[b.label for b in at.button].index("Post the note")].click().run()
    assert not at.exception
    notes = fs.round_notes(app.store, fac.workshop_id, r.no, key=fac.key)
    assert sorted(n.text for n in notes) == ["Budget owner unclear", "Secret idea from Olle"]
    assert "Budget owner unclear" in _texts(at)
    # the page's snapshot does not leak the hidden note either
    from ui.layout import Page  # noqa: F401  (the redaction lives in workshop_page)

    assert "Olle" not in "".join(c.value for c in at.caption if "secret" in c.value)
    fs.end_round(app.store, fac)
    fs.reveal(app.store, fac)
    at.run()
    assert "Secret idea from Olle" in _texts(at)


def test_locked_workshop_shows_banner_and_refuses_edits(app, room):
    fac, me = room
    fs.lock(app.store, fac)
    at = app.open("process", me=me)
    assert not at.exception
    assert any("locked" in w.value for w in at.warning)
    # no quick-add row, no add or edit forms, no empty "add" boxes while locked (issue 17)
    assert not [b for b in at.button if b.key == "add_step_submit"]
    assert not [b for b in at.button if b.key and b.key.endswith(":open")]
    assert [e.label for e in at.expander] == ["Customer segments"]  # no "Add a stage" box
    group = app.open("group", me=me)
    assert not group.exception
    labels = [e.label for e in group.expander]
    assert "Add a role" not in labels and "Add a relation" not in labels


def test_a_hidden_note_on_the_board_stays_with_its_poster(app, room):
    """The board's state is built once per change and shared by the viewers who see the same
    (workshop.services.live_state): what a hidden brainstorm keeps from one viewer must not
    reach them from the state another viewer's page was given at the same version."""
    fac, me = room
    other = live.join(app.store, app.store.workshop(fac.workshop_id).join_code, "Olle", "sales")
    stage = snapshot(app.store, fac.workshop_id).doc["segments"][0]["stages"][0]
    r = fs.start_brainstorm(app.store, fac, prompt="What stalls a deal?", hidden=True)
    fs.post_note(app.store, other, r.no, "Secret worry about the first stage", about=stage["id"])
    olle = app.open("process", me=other)
    assert not olle.exception
    assert "Secret worry about the first stage" in _texts(olle)  # his own note, on his board
    pia = app.open("process", me=me)
    assert not pia.exception
    assert "Secret worry about the first stage" not in _texts(pia)
    fs.end_round(app.store, fac)
    fs.reveal(app.store, fac)
    pia.run()
    assert "Secret worry about the first stage" in _texts(pia)
