"""One dot vote from start to reveal with three browsers: two participants put their dots,
the presenter view on the projector shows the prompt and the countdown, the facilitator reveals
and both participants' screens show the ranked result without reloading.

The workshop is imported with ``python -m workshop import`` (which prints the facilitator key
on stderr). The server process holds the database, so every step after the server starts is
done in a browser; the phase and the vote are started before it starts (through the services,
while the file is free), and the reveal is done on the facilitator's console (``/facilitate``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from workshop import demo
from workshop.services import facilitation as fs
from workshop.store import Store

from .conftest import ROOT, Server

pytestmark = pytest.mark.browser

WID = "vote-room"
PROMPT = "Which objection stalls the deal most?"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vote")
    db = folder / "vote.duckdb"
    doc = demo.example("fleet")
    doc["workshop"]["id"] = WID
    source = folder / "fleet.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    made = subprocess.run(
        [sys.executable, "-m", "workshop", "import", str(source), "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert made.returncode == 0, made.stderr
    found = re.search(r"join code (\S+); facilitator key (\S+) ", made.stderr)
    assert found, made.stderr
    code, key = found.group(1), found.group(2)
    with Store(db) as store:  # before the server holds the file
        fac = fs.Facilitator(WID, key)
        fs.set_phase(store, fac, "friction")
        fs.start_vote(store, fac, "objection", budget=3, prompt=PROMPT, minutes=10)
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
    page.goto(f"{room.url}/friction?t={token}")
    page.get_by_text(PROMPT).first.wait_for(timeout=30000)
    return page


def test_one_dot_vote_from_start_to_reveal(room, browser):
    anna, lars = _join(browser, room, "Anna"), _join(browser, room, "Lars")
    for page in (anna, lars):
        page.get_by_text("Phase 4 of 6").first.wait_for(timeout=30000)
        page.get_by_text("You have 3 of 3 dots left").wait_for(timeout=30000)
        assert re.search(r"⏱ \d+:\d\d", page.content())
    # Anna puts two dots on the first objection, Lars one
    for page, clicks in ((anna, 2), (lars, 1)):
        for i in range(clicks):
            page.locator("[class*='st-key-dot-'][class*='-plus'] button").first.click()
            page.get_by_text(f"You have {3 - i - 1} of 3 dots left").wait_for(timeout=10000)
    # the projector, opened with the join code and no identity: prompt and a ticking countdown
    screen = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    screen.goto(f"{room.url}/present?w={WID}&code={room.join_code}")
    screen.get_by_text(PROMPT).first.wait_for(timeout=30000)
    screen.get_by_text("Phase 4 of 6").first.wait_for(timeout=30000)
    clock = screen.locator("text=/⏱ \\d+:\\d\\d/").first
    first = clock.inner_text()
    time.sleep(2.5)
    assert clock.inner_text() != first  # it ticks with the server's clock
    # nobody sees results before the reveal
    for page in (anna, lars, screen):
        assert page.locator("[class*='st-key-vote_results'], [class*='st-key-present_vote']").count() == 0

    # the facilitator, in a third browser, opens the console with the key and reveals
    facilitator = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    facilitator.goto(f"{room.url}/?join={room.join_code}&name=Facilitator")
    facilitator.wait_for_url("**t=*", timeout=30000)
    token = facilitator.url.split("t=")[1].split("&")[0]
    facilitator.goto(f"{room.url}/facilitate?t={token}")
    facilitator.locator(".st-key-fac_key input").fill(room.key)
    facilitator.locator(".st-key-fac_key input").press("Enter")
    reveal = facilitator.get_by_role("button", name=re.compile("Reveal"))
    reveal.first.wait_for(timeout=30000)
    reveal.first.click()
    started = time.monotonic()
    for page in (anna, lars):  # both participants' screens show the ranked result, no reload
        page.locator("[class*='st-key-vote_results']").first.wait_for(timeout=10000)
    screen.locator("[class*='st-key-present_vote']").first.wait_for(timeout=10000)
    assert time.monotonic() - started < 10
    screen.get_by_text("2 people cast 3 dots").wait_for(timeout=10000)
