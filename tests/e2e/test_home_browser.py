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
