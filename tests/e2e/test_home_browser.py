"""The home page in real headless Chromium against a real ``streamlit run`` server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("KOPKARTA_SHOTS", "")) if os.environ.get("KOPKARTA_SHOTS") else None


def test_home_shows_the_demo_workshop(server, page):
    page.goto(server.url + "/")
    page.get_by_text("How logistics firms buy fleet telematics").wait_for(timeout=30000)
    steps = page.locator('[data-testid="stMetric"]', has_text="Customer steps")
    steps.wait_for(timeout=30000)
    assert "12" in steps.inner_text()
    assert page.locator('[data-testid="stMetric"]').count() >= 4
    if SHOTS:
        page.screenshot(path=str(SHOTS / "home-en.png"), full_page=True)


def test_home_in_swedish(server, page):
    page.goto(server.url + "/?lang=sv")
    page.get_by_text("Kundens steg").first.wait_for(timeout=30000)
    assert page.get_by_text("Importera en kartfil").count() >= 1
    if SHOTS:
        page.screenshot(path=str(SHOTS / "home-sv.png"), full_page=True)
