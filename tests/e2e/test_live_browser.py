"""A participant's link in a real browser: a reload keeps who they are, and a wrong join code
reveals nothing.

What one participant changes reaching the others' screens (the live parts, the event stream,
the runs a screen makes or does not make) is in ``test_live_parts_browser.py``.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


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
