"""Every page passes axe-core (WCAG 2.0/2.1 A and AA) with no serious or critical violation, and
the page's ``lang`` follows the language it is shown in (issue 17, item 7).

The pages are the ones the app's own navigation lists (read from the sidebar, so a new page is
checked without touching this file), visited as a participant of the demo workshop; then the
facilitator's console with each of its tabs, the presenter view (as the facilitator and as the
projector opened by the join code), and the home page for a stranger (both tabs). axe comes
from npm and is injected by Playwright (:mod:`tests.e2e.axe`). The keyboard-only walk through
joining, adding a step and voting is in ``test_keyboard_browser.py``.
"""

from __future__ import annotations

import pytest
from workshop import demo

from .axe import assert_accessible, settled
from .conftest import Server, import_workshop

pytestmark = pytest.mark.browser

WID, SV, NB = "a11y-fleet", "a11y-kommun", "a11y-norsk"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    folder = tmp_path_factory.mktemp("a11y")
    db = folder / "a11y.duckdb"
    code, key = import_workshop(db, demo.example("fleet"), WID)
    sv_code, _ = import_workshop(db, demo.example("kommun"), SV)
    norsk = demo.example("fleet")
    norsk["workshop"]["language"] = "nb"
    nb_code, _ = import_workshop(db, norsk, NB)
    srv = Server(db, folder / "server.log")
    srv.join_code, srv.key, srv.codes = code, key, {"sv": sv_code, "nb": nb_code}
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(60000)
    yield context.new_page()
    context.close()


def join(page, url: str, code: str, name: str) -> str:
    """Join by the QR link; the participant's token."""
    page.goto(f"{url}/?join={code}&name={name}")
    page.wait_for_url("**t=*", timeout=60000)
    return page.evaluate("new URLSearchParams(location.search).get('t')")


def nav_paths(page) -> list[str]:
    """The address of every page in the sidebar's navigation, in its order."""
    links = page.locator('[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]')
    links.first.wait_for(timeout=60000)
    hrefs = links.evaluate_all("els => els.map(a => new URL(a.href).pathname.replace(/^\\//, ''))")
    return [h or "" for h in hrefs]


def test_every_page_of_the_navigation_as_a_participant(room, tab):
    token = join(tab, room.url, room.join_code, "Ada")
    settled(tab)
    paths = nav_paths(tab)
    assert len(paths) >= 15 and "process" in paths and "" in paths  # Home and every view
    for path in paths:
        tab.goto(f"{room.url}/{path}?t={token}")
        settled(tab)
        assert tab.evaluate("document.documentElement.lang") == "en"
        assert_accessible(tab, f"/{path} (participant)")


def test_the_facilitator_console_and_the_presenter_view(room, tab):
    token = join(tab, room.url, room.join_code, "Facilitator")
    tab.goto(f"{room.url}/facilitate?t={token}")
    settled(tab)
    assert_accessible(tab, "/facilitate (asking for the key)")
    tab.locator(".st-key-fac_key input").fill(room.key)
    tab.locator(".st-key-fac_key input").press("Enter")
    tabs = tab.get_by_role("tab")
    tab.get_by_role("tab", name="Phases").wait_for(timeout=60000)
    tab.get_by_role("tab", name="Workshop", exact=True).wait_for(timeout=60000)  # the last: all six are drawn
    settled(tab)
    names = [n.strip() for n in tabs.all_inner_texts()]
    assert len(names) >= 6, names
    for name in names:
        tab.get_by_role("tab", name=name, exact=True).click()
        settled(tab)
        assert_accessible(tab, f"/facilitate, tab {name!r}")
    tab.goto(f"{room.url}/present?t={token}")
    tab.wait_for_url("**code=*", timeout=60000)  # the projector's address holds no token
    settled(tab)
    assert_accessible(tab, "/present (the facilitator)")


def test_the_projector_and_a_stranger_s_home_page(room, tab):
    tab.goto(f"{room.url}/present?w={WID}&code={room.join_code}")
    settled(tab)
    assert_accessible(tab, "/present (the projector, by the join code)")
    tab.goto(f"{room.url}/")
    tab.get_by_role("tab", name="Join a workshop").wait_for(timeout=60000)
    settled(tab)
    assert_accessible(tab, "/ (a stranger: join)")
    tab.get_by_role("tab", name="Create a workshop").click()
    settled(tab)
    assert_accessible(tab, "/ (a stranger: create)")


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_the_page_s_lang_follows_the_workshop_s_language(room, tab, lang):
    """Streamlit serves ``<html lang="en">``; a Swedish or Norwegian workshop's pages say so
    (a screen reader picks its voice by it), on the page after joining and on every other page,
    and a viewer's own choice of language is followed too; the projector opened by the join
    code, with nobody joined, is in the workshop's language (it was English)."""
    token = join(tab, room.url, room.codes[lang], "Sigrid")
    tab.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=60000)
    tab.goto(f"{room.url}/process?t={token}")
    settled(tab)
    tab.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=60000)
    assert_accessible(tab, f"/process ({lang})")
    tab.goto(f"{room.url}/group?t={token}&lang=en")  # the viewer reads it in English
    tab.wait_for_function("document.documentElement.lang === 'en'", timeout=60000)
    # the projector, opened by the join code with nobody joined: the workshop's language too
    tab.goto(f"{room.url}/present?w={ {'sv': SV, 'nb': NB}[lang] }&code={room.codes[lang]}")
    settled(tab)
    tab.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=60000)


def test_a_silent_rating_and_a_brainstorm_on_a_participant_s_screen(room, browser):
    """The round panels a participant gets (the dot vote's is checked in
    ``test_keyboard_browser.py``): a silent rating, then a brainstorm with a posted note, on
    the process page. Last in the module: it leaves a round open."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    for c in contexts:
        c.set_default_timeout(60000)
    console, rut = (c.new_page() for c in contexts)
    try:
        join(console, room.url, room.join_code, "Facilitator")
        console.goto(console.url.replace("/?", "/facilitate?"))
        console.locator(".st-key-fac_key input").fill(room.key)
        console.locator(".st-key-fac_key input").press("Enter")
        token = join(rut, room.url, room.join_code, "Rut")
        rut.goto(f"{room.url}/process?t={token}")
        settled(rut)

        console.get_by_role("tab", name="Silent rating").click()
        console.locator(".st-key-fac_rate_prompt input").fill(rating := "How severe is each objection?")
        console.get_by_role("button", name="Start the silent rating").click()
        rut.get_by_text(rating).first.wait_for(timeout=60000)
        settled(rut)
        assert_accessible(rut, "/process with a silent rating open")

        console.get_by_role("tab", name="Brainstorm").click()
        console.locator(".st-key-fac_bs_prompt input").fill(prompt := "What keeps them awake at night?")
        console.get_by_role("button", name="Start the brainstorm").click()
        rut.get_by_text(prompt).first.wait_for(timeout=60000)
        rut.locator("[class*='st-key-brainstorm'] textarea").first.fill(idea := "Fuel bills in the winter")
        rut.get_by_role("button", name="Post the note").click()
        rut.locator(".kk-live[data-view='results'] .kk-note-line", has_text=idea).wait_for(timeout=60000)
        settled(rut)
        assert_accessible(rut, "/process with a brainstorm open")
    finally:
        for c in contexts:
            c.close()
