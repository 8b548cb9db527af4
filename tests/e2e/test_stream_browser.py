"""The real server (``streamlit run app.py``) serves the event stream beside the pages: a step
added in one participant's browser reaches another participant's raw stream, and a wrong token
is refused."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def _joined(server, browser, name):
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(f"{server.url}/?join={server.join_code}&name={name}")
    page.wait_for_url("**t=*", timeout=30000)
    return page, page.url.split("t=")[1].split("&")[0]


def _events(resp):
    name = None
    while True:
        line = resp.readline().decode("utf-8")
        assert line, "the stream ended"
        line = line.rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") and name:
            yield json.loads(line[6:])


def test_a_step_added_in_a_browser_reaches_a_raw_stream(server, browser):
    anna, token_anna = _joined(server, browser, "Anna")
    _, token_bea = _joined(server, browser, "Bea")
    with urllib.request.urlopen(f"{server.url}/_kopkarta/events?t={token_bea}", timeout=60) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        stream = _events(resp)
        assert next(stream)["hello"] is True
        anna.goto(f"{server.url}/process?t={token_anna}")
        anna.locator(".st-key-add_step_text input").wait_for(timeout=30000)
        text = f"Legal reads the contract {time.time_ns()}"
        anna.locator(".st-key-add_step_text input").fill(text)
        anna.locator(".st-key-add_step_submit button").click()
        for msg in stream:  # Anna's page may make other changes first (none expected, but be lenient)
            if any(p["data"].get("text") == text for p in msg.get("put", [])):
                break


def test_the_real_stream_refuses_a_wrong_token(server):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{server.url}/_kopkarta/events?t=nope", timeout=30)
    assert err.value.code == 403
