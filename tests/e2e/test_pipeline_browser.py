"""The deal pipeline in a real browser: a participant who joined one workshop sees its deals (and
no other workshop's), downloads a deal's coaching sheet, and with the server's admin key sees
every workshop; hostile deal texts stay text.

The server is this module's own (not the shared ``server`` fixture): its database holds the fleet
demo, the Swedish example with two deals and the hostile map, and it runs with an admin key.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_pipeline import kommun_with_deals

from workshop import demo

from .conftest import ROOT, Server

pytestmark = pytest.mark.browser

ADMIN_KEY = "pipeline-admin-key-for-tests"  # 20 characters at least, or the server will not start


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "workshop", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def pipeline_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipeline_e2e")
    db = folder / "e2e.duckdb"
    _cli("demo", "--db", str(db))
    for name, doc in (("kommun.json", kommun_with_deals()), ("hostile.json", demo.hostile_map())):
        (folder / name).write_text(json.dumps(doc), encoding="utf-8")
        _cli("import", str(folder / name), "--db", str(db))
    codes = {w["id"]: w["join_code"] for w in json.loads(_cli("list", "--json", "--db", str(db)))}
    before = os.environ.get("KOPKARTA_ADMIN_KEY")
    os.environ["KOPKARTA_ADMIN_KEY"] = ADMIN_KEY  # the Server copies the environment when it starts
    try:
        srv = Server(db, folder / "server.log")
    finally:
        if before is None:
            os.environ.pop("KOPKARTA_ADMIN_KEY", None)
        else:
            os.environ["KOPKARTA_ADMIN_KEY"] = before
    srv.codes = codes
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def _join(page, server, workshop_id: str, name: str) -> str:
    page.goto(f"{server.url}/?join={server.codes[workshop_id]}&name={name}")
    page.wait_for_url("**t=*", timeout=30000)
    return page.url.split("t=")[1].split("&")[0]


def test_joined_workshop_deals_and_coaching_sheet(pipeline_server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    token = _join(page, pipeline_server, "fleet-launch", "Pia")
    page.goto(f"{pipeline_server.url}/pipeline?t={token}")
    page.get_by_text("Deal pipeline on the customer's buying process").wait_for(timeout=30000)
    page.get_by_text("Nordfrakt AB", exact=True).first.wait_for(timeout=30000)
    page.get_by_text("Deal missing a decision maker").first.wait_for(timeout=30000)  # the finding as a badge
    assert page.get_by_text("Västra kommun").count() == 0  # another workshop, not joined
    page.locator(".js-plotly-plot").first.wait_for(timeout=30000)  # the chart of every deal

    page.locator(".stExpander summary", has_text="Nordfrakt AB").click()
    button = page.locator(".st-key-coach-fleet-launch-d-nordfrakt").get_by_role("button").first
    button.wait_for(timeout=30000)
    download = None
    for _ in range(3):  # a click that lands while the page is still being redrawn can be lost: click again
        try:
            with page.expect_download(timeout=60000) as info:
                button.click()
            download = info.value
            break
        except PlaywrightTimeout:
            continue
    assert download is not None, "the coaching sheet never downloaded"
    path = tmp_path / "sheet.md"
    download.save_as(path)
    assert download.suggested_filename == "coaching-fleet-launch-d-nordfrakt.md"
    sheet = path.read_text(encoding="utf-8")
    assert sheet.startswith("# Coaching sheet: Nordfrakt AB")
    assert "- [ ] Requirements list agreed by fleet, IT and finance" in sheet
    assert "- CFO (Approves)" in sheet
    assert "CFO reviews the business case in the May board meeting" in sheet

    # the admin key typed in the sidebar shows every workshop on the server
    field = page.get_by_label("Admin key")
    field.fill(ADMIN_KEY)
    field.press("Enter")
    page.get_by_text("Västra kommun", exact=True).first.wait_for(timeout=30000)
    page.get_by_text("Östra kommun", exact=True).first.wait_for(timeout=30000)
    context.close()


def test_wrong_admin_key_is_refused(pipeline_server, browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    token = _join(page, pipeline_server, "kommun", "Olle")
    page.goto(f"{pipeline_server.url}/pipeline?t={token}")
    page.get_by_text("Västra kommun", exact=True).first.wait_for(timeout=30000)
    field = page.get_by_label("Administratörsnyckel")  # the Swedish workshop turned the app Swedish
    field.fill("not-the-key")
    field.press("Enter")
    page.get_by_text("Administratörsnyckeln är fel").wait_for(timeout=30000)
    assert page.get_by_text("Nordfrakt AB").count() == 0
    context.close()


def test_hostile_deal_texts_stay_text(pipeline_server, browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    token = _join(page, pipeline_server, "hostile", "Tester")
    page.goto(f"{pipeline_server.url}/pipeline?t={token}")
    deal = demo.hostile_map()["deals"][0]
    page.get_by_text(deal["name"], exact=True).first.wait_for(timeout=30000)  # shown literally
    page.locator(".stExpander summary").first.click()
    page.get_by_text(deal["next_internal_step"], exact=True).first.wait_for(timeout=30000)
    assert page.evaluate("() => window.__kopkarta_xss || null") is None
    assert dialogs == []
    context.close()
