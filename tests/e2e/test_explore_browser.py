"""The motive explorer in Chromium: without the key it covers nothing (this browser joined no
workshop), a wrong key is refused, the server's admin key (from its environment) shows every
workshop's motives in the heatmap and the tables, and hostile motive texts show literally and
run nothing."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys

import pytest

from workshop import demo

from .conftest import ROOT, Server

pytestmark = pytest.mark.browser

KEY = "explore-admin-key-for-the-browser-test"


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory):
    """A server started with ``KOPKARTA_ADMIN_KEY`` set, holding fleet, kommun and the hostile map."""
    folder = tmp_path_factory.mktemp("explore")
    db = folder / "explore.duckdb"
    for name, doc in (
        ("fleet", demo.example("fleet")),
        ("kommun", demo.example("kommun")),
        ("hostile", demo.hostile_map()),
    ):
        path = folder / f"{name}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "workshop", "import", str(path), "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOPKARTA_ADMIN_KEY", KEY)
        srv = Server(db, folder / "server.log")  # the environment is copied when the server starts
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def explore_page(admin_server, browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(f"{admin_server.url}/explore")
    pg.locator('[data-testid="stMain"]').wait_for(timeout=30000)
    yield pg
    context.close()


def _enter_key(page, key: str) -> None:
    field = page.locator('[data-testid="stSidebar"] input[type="password"]')
    field.fill(key)
    field.press("Enter")


def _xss(page) -> list:
    hits = [page.evaluate("() => window.__kopkarta_xss || null")]
    for frame in page.frames:
        with contextlib.suppress(Exception):  # a frame that went away
            hits.append(frame.evaluate("() => window.__kopkarta_xss || null"))
    return [h for h in hits if h]


def test_without_the_key_nothing_is_shown(explore_page):
    page = explore_page
    page.get_by_text("No workshop to explore yet").wait_for(timeout=30000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    _enter_key(page, "not-the-key")
    page.get_by_text("That admin key is wrong").wait_for(timeout=30000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0


def test_admin_key_shows_every_workshop_and_hostile_text_literally(explore_page):
    page = explore_page
    _enter_key(page, KEY)
    page.get_by_text("Organisation view. Workshops shown: 3.").wait_for(timeout=30000)
    heatmap = page.locator('[data-testid="stPlotlyChart"]').first
    heatmap.locator(".ytick text").first.wait_for(timeout=30000)
    labels = heatmap.locator(".ytick text").all_text_contents()  # SVG text: no innerText
    assert "Lower fuel cost per km" in labels
    assert "Medborgarna ska kunna boka själva" in labels
    # the hostile map's motives are labels like any other, shown as typed
    hostile = [label for label in labels if label.startswith("#")]
    assert hostile and any("<script>" in label or "<img" in label or "<svg" in label for label in hostile)
    page.locator('[data-testid="stDataFrame"]').nth(3).wait_for(timeout=30000)  # tables draw after the charts
    assert page.get_by_text("Each row is a buying motive").count() == 1
    page.locator('[data-testid="stDownloadButton"]').nth(3).wait_for(timeout=30000)  # each table's button after it
    assert page.locator('[data-testid="stDownloadButton"]').count() >= 4
    with page.expect_download(timeout=30000) as got:
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    raw = got.value.path().read_bytes()
    assert raw.startswith("\ufeffmotive,spellings,motives".encode())  # UTF-8 with a BOM, stable field names
    assert "Medborgarna ska kunna boka själva".encode() in raw
    page.wait_for_timeout(1500)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _xss(page) == []
    assert page.dialogs == []
