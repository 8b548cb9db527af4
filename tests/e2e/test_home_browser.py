"""The home page in real headless Chromium against a real ``streamlit run`` server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ["KOPKARTA_SHOTS"]) if os.environ.get("KOPKARTA_SHOTS") else None


def test_home_offers_join_and_create(server, page):
    page.goto(server.url + "/")
    page.get_by_role("tab", name="Join a workshop").wait_for(timeout=30000)
    assert page.get_by_role("tab", name="Create a workshop").count() == 1
    assert page.get_by_text("fleet telematics").count() == 0  # no workshop is listed to strangers
    if SHOTS:
        page.screenshot(path=str(SHOTS / "home-en.png"), full_page=True)


def test_join_link_opens_the_workshop_with_code_and_qr(server, page):
    page.goto(f"{server.url}/?join={server.join_code}&name=Omar&lang=sv")
    page.get_by_text("Du deltar som Omar").wait_for(timeout=30000)
    assert page.get_by_text(server.join_code).count() >= 1
    page.get_by_text("Skanna för att ansluta").wait_for(timeout=30000)  # the QR code's caption
    assert page.locator("img").count() >= 1
    steps = page.locator('[data-testid="stMetric"]', has_text="Kundens steg")
    assert "12" in steps.inner_text()
    if SHOTS:
        page.screenshot(path=str(SHOTS / "home-sv.png"), full_page=True)


@pytest.mark.parametrize("path", ["insights", "explore", "present"])
def test_a_shared_address_opens_inside_the_app(server, page, path):
    """``/insights`` typed or shared goes through the app's navigation (sections, wide layout),
    not Streamlit's file-based pages (which a folder named ``pages/`` would switch on)."""
    page.goto(f"{server.url}/{path}")
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=30000)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "The buying map" in nav  # the sections of the app's own navigation
    assert "streamlit app" not in nav.lower()


def _token(page) -> str:
    page.wait_for_function("new URLSearchParams(location.search).get('t')", timeout=60000)
    return page.evaluate("new URLSearchParams(location.search).get('t')")


def test_the_join_link_opened_again_in_the_same_browser_is_the_same_participant(server, page):
    """Issue 18: every load of the join link added a participant. The browser keeps its token
    (a cookie read when the session opens), so the link again, or the QR code scanned again,
    is the same person; another browser with the same name is another person."""
    link = f"{server.url}/?join={server.join_code}&name=Yrsa%20Berg&lang=en"
    page.goto(link)
    page.get_by_text("You take part as Yrsa Berg").wait_for(timeout=60000)
    first = _token(page)
    page.wait_for_function("document.cookie.includes('kopkarta_p_')", timeout=60000)
    page.goto(link)  # a new session: nothing of the old one is left but the browser's cookie
    page.get_by_text("You take part as Yrsa Berg").wait_for(timeout=60000)
    assert _token(page) == first
    other = page.context.browser.new_context()
    try:
        elsewhere = other.new_page()
        elsewhere.goto(link)
        elsewhere.get_by_text("You take part as Yrsa Berg").wait_for(timeout=60000)
        assert _token(elsewhere) != first
    finally:
        other.close()
