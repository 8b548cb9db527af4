"""Refusals in the viewer's language (issue 17: English sentences appeared inside Swedish and
Norwegian screens). The services raise errors with an English message (the command line's) and
an i18n key; :func:`workshop.i18n.error_text` gives the screen's language."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from workshop.errors import BadInput, Locked, MapFormatError
from workshop.i18n import error_text
from workshop.services import editing, live
from workshop.services import facilitation as fs
from workshop.services.maps import import_document

from apptest_support import ROOT

W = "fleet-launch"
ENGLISH = ("is empty", "read-only", "locked", "required", "missing", "characters")


@pytest.fixture
def room(fleet_store, fleet):
    store = fleet_store
    code = store.workshop(W).join_code
    return store, code


@pytest.mark.parametrize("lang, words", [("sv", "Ditt namn saknas"), ("nb", "Navnet ditt mangler")])
def test_an_empty_name_is_refused_in_the_viewers_language(room, lang, words):
    store, code = room
    with pytest.raises(BadInput) as caught:
        live.join(store, code, "   ", "sales")
    assert "your name is empty" in str(caught.value)  # the command line's English
    shown = error_text(caught.value, lang)
    assert words in shown and not any(w in shown for w in ENGLISH)


def test_a_locked_workshop_refuses_in_the_viewers_language(room, fleet):
    store, code = room
    from workshop.services.facilitator import Facilitator

    anna = live.join(store, code, "Anna", "sales")
    key = import_document(store, dict(fleet, workshop=dict(fleet["workshop"], id="locked-room")), actor="t").created.facilitator_key
    fs.lock(store, Facilitator("locked-room", key))
    me = live.join(store, store.workshop("locked-room").join_code, "Mia", "sales")
    with pytest.raises(Locked) as caught:
        editing.add(store, me, "note", {"text": "after the lock"})
    assert error_text(caught.value, "sv") == "Workshoppen är låst: den är skrivskyddad tills den som leder den låser upp."
    assert "låst" not in error_text(caught.value, "en") and "locked" in error_text(caught.value, "en")
    assert anna  # the other workshop's participant is untouched


def test_a_schema_problem_is_told_in_the_viewers_language(room):
    store, code = room
    me = live.join(store, code, "Anna", "sales")
    with pytest.raises(MapFormatError) as caught:
        editing.add(store, me, "step", {"text": "x" * 5000}, parent="s1")
    shown = error_text(caught.value, "sv")
    assert "text: är 5000 tecken långt; gränsen är 4000" in shown
    assert not any(w in shown for w in ENGLISH)


def test_the_join_form_says_it_in_swedish(app):
    """On the page: a Swedish viewer who leaves the name empty reads Swedish only."""
    me = app.workshop("demo")
    code = app.store.workshop(me.workshop_id).join_code
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = "sv"
    at.run()
    at.text_input(key="join_code").input(code)
    at.text_input(key="join_name").input("  ")
    at.button[0].click().run()
    assert not at.exception
    [shown] = [e.value for e in at.error]
    assert "Ditt namn saknas" in shown and "empty" not in shown


def test_a_chosen_language_stays_in_the_address_across_pages_and_reloads(app):
    """Issue 17: a Swedish viewer of an English workshop switched pages, reloaded, and had
    English back: the language left the address with the first page switch."""
    me = app.workshop("demo")  # an English workshop
    at = app.open("process", me=me, lang="sv")
    assert at.query_params["lang"] == "sv"
    at.switch_page("views/group.py").run()
    assert at.query_params["lang"] == "sv" and at.title[0].value == "Köpgrupp"
    reloaded = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)  # a new session
    reloaded.query_params.update(dict(at.query_params.items()))
    reloaded.run()
    assert reloaded.session_state["lang"] == "sv"
    at.sidebar.selectbox(key="lang_choice").select("en").run()  # the workshop's own: no need to say it
    assert "lang" not in at.query_params
