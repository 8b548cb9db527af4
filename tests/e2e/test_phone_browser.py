"""A participant on a phone (390 × 844, touch) takes part in everything the room does: joins
from the join link, adds a step, puts a note on a card and casts dots in a vote, and the page
never scrolls sideways on the way (issue 17, item 5). The facilitator's console runs the vote
from a laptop beside it.

With ``KOPKARTA_SCREENS=<folder>`` the test also writes the screenshots the README links
(``phone-*.png``, ``console.png``); they are always written to the test's own temporary folder.

Every wait is for a state, with room for a busy two-core machine.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from workshop import demo

from .conftest import Server, import_workshop, type_number

pytestmark = pytest.mark.browser

ROOM = "phone-room"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
BOARD = ".kk-live[data-view='board']"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone")
    db = folder / "phone.duckdb"
    code, key = import_workshop(db, demo.example("fleet"), ROOM)
    srv = Server(db, folder / "server.log")
    srv.code, srv.key = code, key
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def _sideways(page) -> int:
    """How far the page scrolls sideways (0 when it fits the screen's width)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def _fits(page, where: str) -> None:
    wide = _sideways(page)
    assert wide <= 1, f"{where}: the page scrolls {wide} px sideways"


def _inside(locator, where: str, width: int = 390) -> None:
    """The control is on the screen, not off its right edge."""
    box = locator.bounding_box()
    assert box is not None, where
    assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (where, box)


def _shoot(page, name: str, tmp_path: Path) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"))
    folder = os.environ.get("KOPKARTA_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _stamp() -> str:
    return str(time.time_ns())[-6:]


def test_a_phone_participant_adds_a_step_posts_a_note_and_votes(room, browser, tmp_path):
    phone = browser.new_context(**PHONE)
    laptop = browser.new_context(**LAPTOP)
    lars, console = phone.new_page(), laptop.new_page()
    try:
        # joining from the link the QR code holds
        lars.goto(f"{room.url}/?join={room.code}&name=Lars")
        lars.wait_for_url("**t=*", timeout=60000)
        token = lars.url.split("t=")[1].split("&")[0]
        lars.locator("[data-testid='stMainBlockContainer']").wait_for(timeout=60000)
        _fits(lars, "home after joining")

        # a step from the quick add
        lars.goto(f"{room.url}/process?t={token}")
        lars.locator(f"{BOARD}[data-stream='open'] li[data-step]").first.wait_for(timeout=60000)
        field = lars.locator(".st-key-add_step_text input")
        field.wait_for(timeout=60000)
        _fits(lars, "the process page")
        _inside(field, "the quick add's field")
        field.fill(step := f"Depot managers test the app {_stamp()}")
        button = lars.locator(".st-key-add_step_submit button")
        _inside(button, "the quick add's button")
        button.tap()
        card = lars.locator(f"{BOARD} li[data-step]", has_text=step)
        card.wait_for(timeout=60000)
        _fits(lars, "after adding a step")

        # a note on that card
        step_id = card.get_attribute("data-step")
        note_button = lars.locator(f"{BOARD} button[data-note-for='{step_id}']")
        note_button.scroll_into_view_if_needed()
        _inside(note_button, "the card's note button")
        note_button.tap()
        composer = lars.locator(f"{BOARD} li[data-step='{step_id}'] form.kk-composer")
        composer.locator("textarea").fill(note := f"Ask the works council first {_stamp()}")
        _fits(lars, "with the note's form open")
        composer.locator("button[type='submit']").tap()
        lars.locator(f"{BOARD} li[data-step='{step_id}'] [data-note]", has_text=note).wait_for(timeout=60000)
        _fits(lars, "after posting a note")
        lars.locator("[data-testid='stToast']").first.wait_for(state="detached", timeout=60000)
        card.scroll_into_view_if_needed()
        _shoot(lars, "phone-process", tmp_path)

        # the facilitator starts a dot vote from the console on a laptop
        console.goto(f"{room.url}/?join={room.code}&name=Facilitator")
        console.wait_for_url("**t=*", timeout=60000)
        console.goto(f"{room.url}/facilitate?t={console.url.split('t=')[1].split('&')[0]}")
        console.locator(".st-key-fac_key input").wait_for(timeout=60000)
        console.locator(".st-key-fac_key input").fill(room.key)
        console.locator(".st-key-fac_key input").press("Enter")
        console.get_by_role("tab", name="Dot vote").click()
        type_number(console, ".st-key-fac_vote_budget", "3")
        console.locator(".st-key-fac_vote_prompt input").fill(prompt := "Which objection weighs most for them?")
        console.get_by_role("button", name="Start the dot vote").click()

        # the phone's page follows the round and shows the ballot
        lars.get_by_text(prompt).first.wait_for(timeout=60000)
        lars.get_by_text("You have 3 of 3 dots left").wait_for(timeout=60000)
        plus = lars.locator(".kk-ballot-row button[data-step='1']").first
        plus.scroll_into_view_if_needed()
        _inside(plus, "the ballot's + button")
        for left in (2, 1):
            plus.tap()
            lars.get_by_text(f"You have {left} of 3 dots left").wait_for(timeout=60000)
        _fits(lars, "after voting")
        lars.locator(".kk-ballot-row").first.scroll_into_view_if_needed()
        _shoot(lars, "phone-vote", tmp_path)

        # the console counts the phone's dots among those who have taken part
        console.get_by_text(re.compile(r"1 of \d+ have taken part|All 1 have taken part|Lars")).first.wait_for(timeout=60000)
        console.set_viewport_size({"width": 1440, "height": 900})
        console.evaluate("() => window.scrollTo(0, 0)")
        _shoot(console, "console", tmp_path)
        assert lars.locator('[data-testid="stException"]').count() == 0
        assert console.locator('[data-testid="stException"]').count() == 0
        assert "Traceback" not in room.log_text()
    finally:
        phone.close()
        laptop.close()
