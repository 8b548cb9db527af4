"""One dot vote from start to reveal with three browsers and the projector: the facilitator,
on the console (``/facilitate``), moves the room to the friction phase and brings everyone
there, starts a timed dot vote; two participants put their dots; the presenter view shows the
prompt and the countdown; the facilitator reveals and both participants' screens and the
projector show the ranked result without reloading.

The workshop is imported with ``python -m workshop import`` (which prints the facilitator key
on stderr); everything after the server starts happens in a browser.
"""

from __future__ import annotations

import re
import time

import pytest

from workshop import demo

from .conftest import Server, import_workshop, type_number

pytestmark = pytest.mark.browser

WID = "vote-room"
PROMPT = "Which objection stalls the deal most?"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vote")
    db = folder / "vote.duckdb"
    code, key = import_workshop(db, demo.example("fleet"), WID)
    srv = Server(db, folder / "server.log")
    srv.join_code, srv.key = code, key
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def _join(browser, room, name: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{room.url}/?join={room.join_code}&name={name}")
    page.wait_for_url("**t=*", timeout=30000)
    token = page.url.split("t=")[1].split("&")[0]
    page.goto(f"{room.url}/process?t={token}")
    page.locator(".st-key-add_step_text").first.wait_for(timeout=30000)
    return page


def _console(browser, room):
    page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    page.goto(f"{room.url}/?join={room.join_code}&name=Facilitator")
    page.wait_for_url("**t=*", timeout=30000)
    token = page.url.split("t=")[1].split("&")[0]
    page.goto(f"{room.url}/facilitate?t={token}")
    page.locator(".st-key-fac_key input").fill(room.key)
    page.locator(".st-key-fac_key input").press("Enter")
    page.get_by_role("tab", name="Phases").wait_for(timeout=30000)
    return page


def test_one_dot_vote_from_start_to_reveal(room, browser):
    anna, lars = _join(browser, room, "Anna"), _join(browser, room, "Lars")
    facilitator = _console(browser, room)

    # the console moves the room to the friction phase and brings everyone there
    facilitator.get_by_role("tab", name="Phases").click()
    facilitator.locator("[class*='st-key-fac_goto'] button[aria-haspopup='listbox']").click()
    facilitator.get_by_role("option", name="4. Friction").click()
    facilitator.locator(".st-key-fac_go button").click()
    facilitator.get_by_text("Phase 4 of 6").first.wait_for(timeout=30000)
    facilitator.get_by_role("button", name="Bring everyone here").click()
    summoned = time.monotonic()
    for page in (anna, lars):  # their pages switch from the process to the friction page
        page.wait_for_url("**/friction*", timeout=30000)
    print(f"summon to both participants on the phase's page: {time.monotonic() - summoned:.2f} s")
    for page in (anna, lars):
        page.get_by_text("Phase 4 of 6").first.wait_for(timeout=30000)

    # the console starts a ten-minute dot vote on objections with three dots each
    facilitator.get_by_role("tab", name="Dot vote").click()
    type_number(facilitator, ".st-key-fac_vote_budget", "3")
    facilitator.locator(".st-key-fac_vote_prompt input").fill(PROMPT)
    facilitator.locator(".st-key-fac_vote_minutes input").fill("10")
    facilitator.get_by_role("button", name="Start the dot vote").click()
    facilitator.get_by_text(re.compile(r"^0 of \d+ have taken part")).first.wait_for(timeout=30000)  # nobody yet

    for page in (anna, lars):
        page.get_by_text(PROMPT).first.wait_for(timeout=30000)
        page.get_by_text("You have 3 of 3 dots left").wait_for(timeout=30000)
        # the round panel's countdown is a live part (drawn in its shadow root, which
        # page.content() leaves out; locators pierce it)
        page.locator(".kk-live[data-view='clock'] [role='timer']").first.wait_for(timeout=30000)
        assert re.fullmatch(r"⏱ \d+:\d\d", page.locator(".kk-live[data-view='clock'] [role='timer']").first.inner_text())
    # Anna puts two dots on the first objection, Lars one
    for page, clicks in ((anna, 2), (lars, 1)):
        for i in range(clicks):
            # the ballot is a live part: the click shows at once and is stored in a run of its panel
            page.locator(".kk-ballot-row button[data-step='1']").first.click()
            page.get_by_text(f"You have {3 - i - 1} of 3 dots left").wait_for(timeout=30000)
    # the projector, opened with the join code and no identity: prompt and a ticking countdown
    screen = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    screen.goto(f"{room.url}/present?w={WID}&code={room.join_code}")
    screen.get_by_text(PROMPT).first.wait_for(timeout=30000)
    screen.get_by_text("Phase 4 of 6").first.wait_for(timeout=30000)
    clock = screen.locator(".kk-live[data-view='clock'] [role='timer']").first
    clock.wait_for(timeout=30000)
    first = clock.inner_text()
    assert re.fullmatch(r"⏱ \d+:\d\d", first)
    time.sleep(2.5)
    assert clock.inner_text() != first  # it ticks with the server's clock
    # nobody sees results before the reveal (the projector's results part says it waits)
    for page in (anna, lars):
        assert page.locator("[class*='st-key-vote_results']").count() == 0
    results = screen.locator(".kk-live[data-view='results']")
    results.get_by_text("The results are shown when the facilitator reveals them").wait_for(timeout=30000)
    assert results.locator(".kk-bars").count() == 0

    # the facilitator sees who has voted, then reveals
    facilitator.get_by_text(re.compile(r"^2 of \d+ have taken part")).first.wait_for(timeout=30000)
    reveal = facilitator.get_by_role("button", name=re.compile("Reveal"))
    reveal.first.wait_for(timeout=30000)
    reveal.first.click()
    started = time.monotonic()
    results.locator(".kk-bars [role='listitem']").first.wait_for(timeout=30000)  # the ranked dots
    on_projector = time.monotonic() - started
    for page in (anna, lars):  # both participants' screens show the ranked result, no reload
        page.locator("[class*='st-key-vote_results']").first.wait_for(timeout=30000)
    results.get_by_text("2 people cast 3 dots").wait_for(timeout=30000)
    print(f"reveal to projector: {on_projector:.2f} s")
