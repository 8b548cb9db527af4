"""No guessing on the pages (issue 18, item 2), under AppTest on a real DuckDB file: after too
many wrong join codes, facilitator keys or admin keys a browser session is told, in its
language, when to try again, and nothing is opened; another session (the rest of the room)
with the right secret gets in. The clock is frozen, so the limits are met without sleeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workshop import demo
from workshop.services import live
from workshop.services.guard import GUARD, Policy
from workshop.services.maps import import_document

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "org-key-for-guard-tests"
WAIT = {"en": "Try again in 1 s", "sv": "Försök igen om 1 s", "nb": "Prøv igjen om 1 s"}


@pytest.fixture
def room(app):
    """The fleet demo, its facilitator (joined) and the limits met at the second wrong try."""
    created = import_document(app.store, demo.example("fleet")).created
    host = live.join(app.store, created.join_code, "Fia", "sales")
    GUARD.policy = Policy(free=1)
    GUARD.clock = lambda: 1000.0  # frozen: the second wrong try must wait 1 s, and never does
    return created, host


def _errors(at) -> str:
    return "\n".join(e.value for e in [*at.error, *at.sidebar.error])


def _home(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


def _join(at: AppTest, code: str, name: str) -> AppTest:
    at.text_input(key="join_code").input(code)
    at.text_input(key="join_name").input(name)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "sv", "nb"])
def test_join_codes(app, room, lang):
    created, _ = room
    guesser = _home(lang)
    _join(guesser, "ZZZZZZ", "Eve")
    assert WAIT[lang] not in _errors(guesser)  # the first wrong code: only "wrong"
    _join(guesser, "YYYYYY", "Eve")
    assert WAIT[lang] in _errors(guesser)
    _join(guesser, created.join_code, "Eve")  # refused before the code is looked at
    assert WAIT[lang] in _errors(guesser) and "t" not in guesser.query_params
    neighbour = _join(_home(lang), created.join_code, "Ann")  # the room goes on
    assert "t" in neighbour.query_params and not _errors(neighbour)


def test_a_join_link_with_a_wrong_code_counts_too(app, room):
    created, _ = room
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["join"], at.query_params["name"] = "ZZZZZZ", "Phone"
    at.run()
    at.query_params["join"], at.query_params["name"] = created.join_code, "Phone"
    at.run()
    assert WAIT["en"] in _errors(at) and "t" not in at.query_params


def test_facilitator_keys(app, room):
    created, host = room
    at = app.open("facilitate", me=host)
    at.text_input(key="fac_key").input("first-guess").run()
    assert "not this workshop" in _errors(at)
    at.sidebar.selectbox[0].select(at.sidebar.selectbox[0].value).run()  # any rerun: the same wrong key is not counted again
    assert WAIT["en"] not in _errors(at)
    at.text_input(key="fac_key").input("second-guess").run()
    assert WAIT["en"] in _errors(at) and not at.tabs
    at.text_input(key="fac_key").input(created.facilitator_key).run()
    assert WAIT["en"] in _errors(at) and not at.tabs  # even the right key waits in this session
    other = app.open("facilitate", me=host)  # the facilitator's own tab
    other.text_input(key="fac_key").input(created.facilitator_key).run()
    assert not other.exception and other.tabs and not _errors(other)


def test_admin_keys(app, room, monkeypatch):
    monkeypatch.setenv("KOPKARTA_ADMIN_KEY", ADMIN)
    _, host = room
    at = app.open("explore", me=host)
    at.sidebar.text_input(key="admin_key").input("guess-one").run()
    assert "admin key is wrong" in _errors(at)
    at.sidebar.text_input(key="admin_key").input("guess-two").run()
    assert WAIT["en"] in _errors(at)
    at.sidebar.text_input(key="admin_key").input(ADMIN).run()
    assert WAIT["en"] in _errors(at)
    assert not any("Organisation view" in c.value for c in at.caption)
    manager = app.open("explore", me=host)
    manager.sidebar.text_input(key="admin_key").input(ADMIN).run()
    assert not _errors(manager)
    assert any("Organisation view" in c.value for c in manager.caption)


def test_the_projectors_code(app, room):
    created, _ = room
    wid = demo.example("fleet")["workshop"]["id"]

    def projector(code):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.query_params["w"], at.query_params["code"] = wid, code
        at.run()
        return at.switch_page("views/present.py").run()

    guesser = projector("ZZZZZZ")  # its first run, on Home, looks at nothing; this one counts
    assert WAIT["en"] not in _errors(guesser)
    guesser.query_params["code"] = created.join_code
    guesser.run()
    assert WAIT["en"] in _errors(guesser)
    wall = projector(created.join_code)
    assert not wall.exception and not _errors(wall)
