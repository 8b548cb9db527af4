"""A workshop's life as its join code and ids see it (issue 18, item 3).

Each of these was a finding of the probe: an ended workshop still let people in by its code,
every load of the join link added a new participant (one workshop had 22 rows for one person),
and another workshop's element id was answered with "deleted meanwhile".
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from workshop.errors import Locked, NotFound, StaleEdit, StoreError
from workshop.i18n import error_text
from workshop.services import editing, live
from workshop.services import facilitation as fs
from workshop.services.facilitator import Facilitator
from workshop.services.maps import import_document

from apptest_support import ROOT

W = "fleet-launch"


@pytest.fixture
def room(store, fleet):
    key = import_document(store, fleet, actor="test").created.facilitator_key
    return store, store.workshop(W).join_code, Facilitator(W, key)


def _participants(store) -> list[str]:
    return sorted(e.data["name"] for e in store.elements(W, "participant"))


def test_an_ended_workshop_lets_no_one_new_in_and_its_people_back(room):
    store, code, fac = room
    anna = live.join(store, code, "Anna", "sales")
    fs.end_workshop(store, fac)
    before = _participants(store)
    with pytest.raises(Locked) as caught:
        live.join(store, code, "Mallory", "other")
    assert error_text(caught.value, "sv").startswith("Workshoppen är avslutad")
    assert _participants(store) == before  # nothing written
    again = live.join(store, code, "Anna", "sales", known={W: anna.token})
    assert again == anna  # someone who took part can still open it to read
    fs.unlock(store, fac)  # reopened: the code lets people in again
    assert live.join(store, code, "Mallory", "other").name == "Mallory"


def test_the_same_browser_following_the_join_link_again_is_the_same_participant(room):
    store, code, _ = room
    first = live.join(store, code, "Zoë Quist", "other")
    for _ in range(5):
        again = live.join(store, code, "zoë quist ", "other", known={W: first.token})
        assert again.participant_id == first.participant_id and again.token == first.token
    assert _participants(store).count("Zoë Quist") == 1


def test_another_name_or_another_browser_is_another_participant(room):
    store, code, _ = room
    omar = live.join(store, code, "Omar", "other")
    sara = live.join(store, code, "Sara", "other", known={W: omar.token})  # a shared laptop
    stranger = live.join(store, code, "Omar", "other")  # no token kept: another browser
    assert len({omar.participant_id, sara.participant_id, stranger.participant_id}) == 3


def test_a_kept_token_of_another_workshop_or_a_stale_one_adds_a_participant(room, fleet):
    store, code, _ = room
    other = dict(fleet, workshop=dict(fleet["workshop"], id="other-room"))
    import_document(store, other, actor="test")
    elsewhere = live.join(store, store.workshop("other-room").join_code, "Omar", "other")
    me = live.join(store, code, "Omar", "other", known={W: elsewhere.token, "other-room": elsewhere.token})
    assert me.workshop_id == W and me.participant_id != elsewhere.participant_id
    fresh = live.join(store, code, "Omar", "other", known={W: "not-a-token"})
    assert fresh.workshop_id == W


def test_another_workshops_element_is_not_found_and_a_deleted_one_is_stale(room, fleet):
    store, code, _ = room
    other = dict(fleet, workshop=dict(fleet["workshop"], id="other-room"))
    import_document(store, other, actor="test")
    me = live.join(store, code, "Anna", "sales")
    mine = editing.add(store, me, "note", {"text": "to be deleted"})
    theirs = live.join(store, store.workshop("other-room").join_code, "Per", "sales")
    foreign = editing.add(store, theirs, "note", {"text": "in the other workshop"})
    with pytest.raises(NotFound) as caught:
        editing.update(store, me, foreign.eid, {"text": "hijacked"}, based_on=foreign.version)
    assert error_text(caught.value, "en") == "That element is not in this workshop."
    assert store.element("other-room", foreign.eid).data["text"] == "in the other workshop"
    editing.delete(store, me, mine.eid)
    with pytest.raises(StaleEdit) as stale:
        editing.update(store, me, mine.eid, {"text": "too late"}, based_on=mine.version)
    assert stale.value.current is None  # deleted meanwhile: the page offers "OK"


def test_the_join_link_tells_a_database_failure_from_a_wrong_code(app, monkeypatch):
    """On the page: a store error is not "that join code does not match any workshop"."""
    me = app.workshop("demo")
    code = app.store.workshop(me.workshop_id).join_code

    def failing(*_args, **_kwargs):
        raise StoreError("finding a join code failed in the database: IO Error: disk full")

    monkeypatch.setattr(live, "join", failing)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update({"join": code, "name": "Omar", "lang": "sv"})
    at.run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "Databasen gick inte att läsa eller skriva" in shown
    assert "matchar ingen workshop" not in shown and "IO Error" not in shown


def test_the_join_link_of_an_ended_workshop_says_so(app, fleet):
    key = import_document(app.store, fleet, actor="test").created.facilitator_key
    code = app.store.workshop(W).join_code
    fs.end_workshop(app.store, Facilitator(W, key))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update({"join": code, "name": "Omar"})
    at.run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "has ended" in shown and "does not match" not in shown
