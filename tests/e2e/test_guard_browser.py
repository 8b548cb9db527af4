"""No guessing in a real browser (issue 18, item 2): headless Chromium against a real
``streamlit run`` server. A browser that keeps typing wrong join codes is told when to try
again, and the right code then waits too; another browser in the room joins with it at once."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _try(page, code: str) -> None:
    page.get_by_label("Join code").first.fill(code)
    page.get_by_label("Your name").first.fill("Eve")
    page.get_by_role("button", name="Join the workshop").first.click()


def test_wrong_join_codes_are_slowed_then_refused_and_the_room_still_joins(server, browser, page):
    page.goto(server.url + "/?lang=en")
    page.get_by_role("tab", name="Join a workshop").wait_for(timeout=60000)
    told = page.get_by_text("Try again in")
    # Five wrong codes cost nothing; then each next try must wait longer (1 s, 2 s, 4 s, ... up
    # to 60 s). A try is given a few seconds to be refused; when it is not (it came after its
    # wait, or the machine is slow), the next one goes, and the waits soon outgrow any machine.
    for n in range(14):
        _try(page, f"ZZZZZ{n:02d}")
        try:
            told.wait_for(timeout=3000)
            break
        except Exception:  # noqa: BLE001 - not refused (yet): "does not match", try again
            continue
    assert told.count() == 1, "no wait after 14 wrong codes"
    assert n >= 5  # the first five cost nothing
    _try(page, server.join_code)  # refused before the code is looked at
    other = browser.new_context().new_page()  # meanwhile, someone else in the room
    other.goto(f"{server.url}/?join={server.join_code}&name=Ann&lang=en")
    other.get_by_text("You take part as Ann").wait_for(timeout=60000)
    other.context.close()
    assert told.count() == 1 and "t=" not in page.url
    assert page.get_by_text("You take part as Eve").count() == 0
