"""No guessing in a real browser (issue 18, item 2): headless Chromium against a real
``streamlit run`` server. A browser that keeps typing wrong join codes is told when to try
again, and the right code then waits too; another browser in the room joins with it at once."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

#: notes when the page's script starts running (a MutationObserver, so a short run is not missed)
WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__kkRan = false;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__kkRan = true;
  }).observe(app, {attributes: true});
}"""
DONE = """window.__kkRan === true &&
  document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') !== 'running'"""


def _try(page, code: str) -> None:
    """Submit the join form with ``code`` and wait for the run it starts to end."""
    page.get_by_label("Join code").first.fill(code)
    page.get_by_label("Your name").first.fill("Eve")
    page.evaluate(WATCH)
    page.get_by_role("button", name="Join the workshop").first.click()
    page.wait_for_function(DONE, timeout=60000, polling=100)


def test_wrong_join_codes_are_slowed_then_refused_and_the_room_still_joins(server, browser, page):
    page.goto(server.url + "/?lang=en")
    page.get_by_role("tab", name="Join a workshop").wait_for(timeout=60000)
    told = page.get_by_text("Try again in")
    # five wrong codes cost nothing; then every try waits longer (1 s, 2 s, 4 s, ...), so a
    # browser meets the wait however slow the machine is
    for n in range(14):
        _try(page, f"ZZZZZ{n:02d}")
        if told.count():
            break
    assert told.count() == 1, "no wait after 14 wrong codes"
    assert n >= 5  # the first five cost nothing
    _try(page, server.join_code)
    assert told.count() == 1 and "t=" not in page.url
    other = browser.new_context().new_page()
    other.goto(f"{server.url}/?join={server.join_code}&name=Ann&lang=en")
    other.get_by_text("You take part as Ann").wait_for(timeout=60000)
    other.context.close()
