"""A participant takes part with the keyboard alone (issue 17, item 7): joins with the join code
and a name, goes to the buying process, adds a step, and casts a dot in a dot vote.

Only ``keyboard.press`` and typing drive the participant's browser (Tab, Shift+Tab, Enter,
Space): the test reads where the focus is to know when to stop tabbing, never clicks. The
facilitator, in a browser of their own, opens the round on the console with the mouse, as in
``test_vote_browser.py``. axe checks the process page with the ballot open, and the console and
the projector during the round and after the reveal, as well.
"""

from __future__ import annotations

import re

import pytest

from workshop import demo

from .axe import assert_accessible, settled
from .conftest import Server, import_workshop, type_number

pytestmark = pytest.mark.browser

WID = "keyboard-room"
STEP = "Security review of the data flows"
PROMPT = "Which objection matters most?"

#: the focused element, through open shadow roots (the live parts draw in one)
_MATCHES = """(sel) => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return !!a && (a.matches(sel) || !!a.closest(sel));
}"""


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keyboard")
    db = folder / "keyboard.duckdb"
    code, key = import_workshop(db, demo.example("fleet"), WID)
    srv = Server(db, folder / "server.log")
    srv.join_code, srv.key = code, key
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def tab_to(page, selector: str, *, back: bool = False, limit: int = 200) -> None:
    """Press Tab (Shift+Tab with ``back``) until the focus is on ``selector`` (or inside it)."""
    for _ in range(limit):
        if page.evaluate(_MATCHES, selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def _console(browser, room):
    page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    page.goto(f"{room.url}/?join={room.join_code}&name=Facilitator")
    page.wait_for_url("**t=*", timeout=60000)
    token = page.url.split("t=")[1].split("&")[0]
    page.goto(f"{room.url}/facilitate?t={token}")
    page.locator(".st-key-fac_key input").fill(room.key)
    page.locator(".st-key-fac_key input").press("Enter")
    page.get_by_role("tab", name="Phases").wait_for(timeout=60000)
    return page


def test_join_add_a_step_and_vote_with_the_keyboard_alone(room, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60000)
    kim = context.new_page()
    try:
        # join: the code and the name typed into the join form, the button pressed with Enter
        kim.goto(f"{room.url}/")
        kim.get_by_role("tab", name="Join a workshop").wait_for(timeout=60000)
        tab_to(kim, ".st-key-join_code input")
        kim.keyboard.type(room.join_code)
        kim.keyboard.press("Tab")
        assert kim.evaluate(_MATCHES, ".st-key-join_name input")
        kim.keyboard.type("Kim Keys")
        tab_to(kim, '[data-testid="stBaseButton-primaryFormSubmit"]')
        kim.keyboard.press("Enter")
        kim.get_by_text("You take part as Kim Keys").wait_for(timeout=60000)

        # to the buying process by its link on the home page
        tab_to(kim, '[data-testid="stPageLink-NavLink"]')  # "Open the customer's buying process"
        kim.keyboard.press("Enter")
        kim.wait_for_url("**/process*", timeout=60000)

        # add a step: the text typed, Enter sends the form
        kim.locator(".st-key-add_step_text input").wait_for(timeout=60000)
        tab_to(kim, ".st-key-add_step_text input")
        kim.keyboard.type(STEP)
        kim.keyboard.press("Enter")
        kim.locator(".kk-live[data-view='board']").get_by_text(STEP).wait_for(timeout=60000)

        # the facilitator opens a dot vote (three dots each); Kim's ballot comes up
        facilitator = _console(browser, room)
        facilitator.get_by_role("tab", name="Dot vote").click()
        type_number(facilitator, ".st-key-fac_vote_budget", "3")
        facilitator.locator(".st-key-fac_vote_prompt input").fill(PROMPT)
        facilitator.get_by_role("button", name="Start the dot vote").click()
        facilitator.get_by_text(re.compile(r"^0 of \d+ have taken part")).first.wait_for(timeout=60000)
        kim.get_by_text(PROMPT).first.wait_for(timeout=60000)
        kim.get_by_text("You have 3 of 3 dots left").wait_for(timeout=60000)
        assert_accessible(kim, "/process with the ballot open")

        # a dot with Space on the first objection's "give a dot" button, a second one with Enter
        tab_to(kim, ".kk-ballot-row button[data-step='1']")
        kim.keyboard.press("Space")
        kim.get_by_text("You have 2 of 3 dots left").wait_for(timeout=60000)
        tab_to(kim, ".kk-ballot-row button[data-step='1']")  # the ballot may have been drawn again
        kim.keyboard.press("Enter")
        kim.get_by_text("You have 1 of 3 dots left").wait_for(timeout=60000)
        # the console counts Kim among those who voted
        facilitator.get_by_text(re.compile(r"^1 of \d+ have taken part")).first.wait_for(timeout=60000)
        # and the console and the projector pass axe during the round
        settled(facilitator)
        assert_accessible(facilitator, "/facilitate during a dot vote")
        screen = facilitator.context.new_page()
        screen.goto(f"{room.url}/present?w={WID}&code={room.join_code}")
        screen.get_by_text(PROMPT).first.wait_for(timeout=60000)
        settled(screen)
        assert_accessible(screen, "/present during a dot vote")
        # the reveal: the ranked dots on the projector and on Kim's page
        facilitator.get_by_role("button", name=re.compile("Reveal")).first.click()
        screen.locator(".kk-live[data-view='results'] .kk-bars [role='listitem']").first.wait_for(timeout=60000)
        kim.locator("[class*='st-key-vote_results']").first.wait_for(timeout=60000)
        for page, where in ((screen, "/present"), (kim, "/process")):
            settled(page)
            assert_accessible(page, f"{where} after the reveal")
    finally:
        context.close()
