"""The biggest legal segment's process board in a real browser (issue 18, item 5): its 2,000
steps are drawn a page of 25 per stage, "next" shows the stage's next page (the other stages
stay where they are), and a step added to the full segment is refused in words while another
viewer stays on the page of steps they moved to.

Every wait is for a state, with room for a busy two-core machine.
"""

from __future__ import annotations

import pytest

from workshop import demo
from workshop.model import limits

from .conftest import Server, import_workshop

pytestmark = pytest.mark.browser

BOARD = ".kk-live[data-view='board']"
WAIT = 120000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big_board")
    db = folder / "big.duckdb"
    doc = demo.biggest_map(segments=1)
    doc["participants"] = doc["participants"][:-5]  # room for this module's three who join
    kept = {p["id"] for p in doc["participants"]}
    doc["votes"] = [v for v in doc["votes"] if v["participant"] in kept]
    code, _ = import_workshop(db, doc, "big")
    srv = Server(db, folder / "server.log")
    srv.code = code
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def _open(page, srv: Server, name: str) -> str:
    page.goto(f"{srv.url}/?join={srv.code}&name={name}")
    page.wait_for_url("**t=*", timeout=WAIT)
    token = page.url.split("t=")[1].split("&")[0]
    page.goto(f"{srv.url}/process?t={token}")
    page.locator(f"{BOARD}[data-stream='open'] li[data-step]").first.wait_for(timeout=WAIT)
    return token


def _stage(page, stage_id: str):
    return page.locator(f"{BOARD} [data-stage='{stage_id}']")


def test_a_big_segment_shows_a_page_of_steps_per_stage_and_the_next(big, page):
    _open(page, big, "Pia")
    per_stage = -(-limits.STEPS.limit // limits.STAGES.limit)  # 67
    assert page.locator(f"{BOARD} li[data-step]").count() == limits.STAGES.limit * 25
    first = _stage(page, "g0s0")
    assert first.locator("li[data-step]").first.get_attribute("data-step") == "g0t0"
    assert first.get_by_text(f"Steps 1–25 of {per_stage}").count() == 1
    assert first.locator("[data-page-prev]").is_disabled()
    first.locator("[data-page-next]").click()
    first.locator("li[data-step='g0t25']").wait_for(timeout=WAIT)
    assert first.locator("li[data-step='g0t0']").count() == 0
    assert first.get_by_text(f"Steps 26–50 of {per_stage}").count() == 1
    assert _stage(page, "g0s1").locator("li[data-step]").first.get_attribute("data-step") == f"g0t{per_stage}"  # unmoved
    first.locator("[data-page-next]").click()
    first.get_by_text(f"Steps 51–{per_stage} of {per_stage}").wait_for(timeout=WAIT)
    assert first.locator("[data-page-next]").is_disabled()
    first.locator("[data-page-prev]").click()
    first.locator("li[data-step='g0t25']").wait_for(timeout=WAIT)


def test_a_step_added_to_the_full_segment_is_refused_and_the_pages_stay(big, browser):
    pia = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    ola = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    _open(pia, big, "Pia2")
    _open(ola, big, "Ola")
    last = _stage(pia, "g0s29")  # 2,000 - 29 × 67 = 57 steps: its last page shows 51–57
    last.locator("[data-page-next]").click()
    last.locator("[data-page-next]").click()
    last.get_by_text("Steps 51–57 of 57").wait_for(timeout=WAIT)
    ola.locator(".st-key-add_step_text input").fill("Added on the last page")
    ola.locator(".st-key-add_step_submit button").click()
    # the segment is full (2,000 steps): the add is refused, in words, and nothing moves
    ola.get_by_text("There is no room for more customer steps").wait_for(timeout=WAIT)
    assert last.get_by_text("Steps 51–57 of 57").count() == 1
    assert pia.locator(f"{BOARD} li[data-step]").count() == 29 * 25 + 7
