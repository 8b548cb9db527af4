"""A server whose Streamlit lacks one internal the push needs: the pages poll, and all work.

The server is started with ``KOPKARTA_TEST_MISSING_INTERNAL`` (the tests' hook in
:mod:`ui.internals`), so its start-up check finds ``AppSession._event_loop`` missing, as
after a Streamlit upgrade that renamed it. The log then has one warning line and no notifier,
a participant's change still reaches another's screen (by the one-second poll), and every
page draws without an error.
"""

from __future__ import annotations


import pytest

from .conftest import Server, add_step_seen_by, join_codes, seed_demo

pytestmark = pytest.mark.browser

MISSING = "AppSession._event_loop"
PAGES = [
    "home", "facilitate", "present", "process", "group", "motives", "friction", "consensus",
    "map", "insights", "deals", "actions", "export", "explore", "pipeline",
]


@pytest.fixture(scope="module")
def polling_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e-poll")
    db = folder / "poll.duckdb"
    seed_demo(db)
    srv = Server(db, folder / "server.log", env={"KOPKARTA_TEST_MISSING_INTERNAL": MISSING})
    srv.join_code = join_codes(db)["fleet-launch"]
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def _joined(server, browser, name, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{server.url}/?join={server.join_code}&name={name}")
    page.wait_for_url("**t=*", timeout=30000)
    return page, page.url.split("t=")[1].split("&")[0]


def _drawn(page) -> None:
    """Wait until the page's script run has finished (Streamlit marks its app element)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=30000)


def test_a_change_reaches_the_other_screen_by_polling(polling_server, browser):
    server = polling_server
    anna, token_anna = _joined(server, browser, "Anna", viewport={"width": 1400, "height": 900})
    lars, token_lars = _joined(server, browser, "Lars", viewport={"width": 1400, "height": 900})
    add_step_seen_by(server.url, anna, token_anna, lars, token_lars)  # no reload: the poller redrew it

    log = server.log_text()
    warnings = [line for line in log.splitlines() if "push: Streamlit internals missing" in line]
    assert len(warnings) == 1 and MISSING in warnings[0], log[-3000:]
    assert "push: all" not in log and "push: the notifier started" not in log and "Traceback" not in log


@pytest.fixture(scope="module")
def mia(polling_server, browser):
    page, token = _joined(polling_server, browser, "Mia")
    page.token = token
    yield page
    page.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_works_without_the_push(polling_server, mia, name):
    mia.goto(f"{polling_server.url}/{'' if name == 'home' else name}?t={mia.token}")
    _drawn(mia)
    mia.locator('[data-testid="stMain"] h1, [data-testid="stMain"] h2').first.wait_for(timeout=30000)
    assert mia.locator('[data-testid="stException"]').count() == 0
