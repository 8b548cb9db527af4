"""Two participants in two real browsers: one adds a step, the other sees it without reloading.

The server pushed it: its start-up check found every Streamlit internal the push needs
(:mod:`ui.internals`, one line in the server's log) and the notifier ran.
"""

from __future__ import annotations

import re
import time

import pytest

from .conftest import add_step_seen_by

pytestmark = pytest.mark.browser


def test_a_step_added_by_one_appears_for_the_other(server, browser):
    code = server.join_code
    anna = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    lars = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()  # a phone
    for page, name in ((anna, "Anna"), (lars, "Lars")):
        page.goto(f"{server.url}/?join={code}&name={name}")
        page.wait_for_url("**t=*", timeout=30000)
    token_anna = anna.url.split("t=")[1]
    token_lars = lars.url.split("t=")[1]
    text = add_step_seen_by(server.url, anna, token_anna, lars, token_lars, wait=10000)
    # and Anna's own page shows it too, with the field cleared for the next step
    anna.get_by_text(text).first.wait_for(timeout=10000)
    assert anna.locator(".st-key-add_step_text input").input_value() == ""

    # the board is the live part; what is drawn around it follows too: the new step is in
    # the list of Lars's note form (in the sidebar, a live part of its own) ...
    lars.locator("[data-testid='stExpandSidebarButton']").click()
    lars.locator("[class*='st-key-process-note_about']").click()
    lars.keyboard.type("Board discusses")  # the list is long: type to find it
    lars.get_by_role("option", name=f"customer step: {text[:50]}").wait_for(timeout=15000)
    lars.keyboard.press("Escape")
    lars.locator("[data-testid='stSidebarCollapseButton'] button").click()  # back to the board
    # ... and a stage Anna adds is in his quick-add list (a live part that follows the stages)
    stage = f"Pilot in one depot {time.time_ns()}"
    anna.get_by_text("Add a buying stage").first.click()
    anna.locator("[class*='st-key-add_stage-name'] input").fill(stage)
    anna.locator("[data-testid='stForm']").get_by_role("button", name="Add a buying stage").click()
    anna.get_by_text(stage).first.wait_for(timeout=10000)  # added
    lars.get_by_text(stage).first.wait_for(timeout=15000)
    lars.locator(".st-key-add_step_stage").click()
    lars.keyboard.type("Pilot in one")
    lars.get_by_role("option", name=stage).wait_for(timeout=10000)

    # the real runtime passed the push's check, once for the process, and the notifier ran
    log = server.log_text()
    assert len(re.findall(r"push: all \d+ Streamlit internals present \(Streamlit [\d.]+, as pinned\)", log)) == 1, log[-3000:]
    assert "push: the notifier started" in log
    assert "Streamlit internals missing" not in log and "pages poll" not in log and "Traceback" not in log


def test_reload_keeps_the_participant(server, browser):
    page = browser.new_context().new_page()
    page.goto(f"{server.url}/?join={server.join_code}&name=Mia")
    page.wait_for_url("**t=*", timeout=30000)
    page.get_by_text("You take part as Mia").wait_for(timeout=30000)
    page.reload()
    page.get_by_text("You take part as Mia").wait_for(timeout=30000)


def test_wrong_code_reveals_nothing(server, browser):
    page = browser.new_context().new_page()
    page.goto(f"{server.url}/?join=ZZZZZZ&name=Eve")
    page.get_by_text("does not match any workshop").wait_for(timeout=30000)
    assert page.get_by_text("fleet telematics").count() == 0
