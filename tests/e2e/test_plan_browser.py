"""A deal plan shared with the customer, in real browsers (issue 20, item 5).

A seller drafts the plan of deal A on the deals page and shares it; the customer opens the link
on a phone in another browser. The customer's page holds nothing internal in its DOM (the held
back text of a role's stance and personal risk, an objection, the deal's notes, deal B); the
customer ticks a line and adds a step of their own, and both show on the seller's open deals page
without a reload, and on the pipeline open in another tab. The link ended by the seller is refused. The customer's page passes axe.

Every wait is for a state, with room for a busy two-core machine.
"""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import expect

from workshop import demo
from workshop.i18n import t

from .axe import assert_accessible, settled
from .conftest import Server, import_workshop

pytestmark = pytest.mark.browser

W = "plan-room"
DEAL_A = "d-nordfrakt"
DEAL_B_NAME = "Other Customer B AB"
RISK = "HELD-BACK-personal-risk-4417"
NOTE = "HELD-BACK-deal-note-2290"
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    db = folder / "plan.duckdb"
    doc = copy.deepcopy(demo.example("fleet"))
    seg = doc["segments"][0]
    seg["roles"][0].update(personal_risk=RISK, stance=-2)
    deal = next(d for d in doc["deals"] if d["id"] == DEAL_A)
    deal["notes"] = NOTE
    doc["deals"].append({"id": "d-other", "name": DEAL_B_NAME, "segment": deal["segment"], "stage": deal.get("stage"),
                         "plan": [{"id": "plan-b1", "stage": deal["stage"], "kind": "customer", "text": "B's own secret step"}]})
    srv = Server(db, folder / "server.log")
    srv.code, srv.key = import_workshop(db, doc, W)
    srv.objection = seg["objections"][0]["text"]
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def _progress(page, done: int, total: int):
    """The plan's expander on the seller's page, with its count of lines done."""
    return page.locator("[data-testid='stExpander'] summary", has_text=f"{done} of {total} done")


def test_a_shared_plan_reaches_the_customer_and_their_changes_reach_the_seller(room, browser):
    laptop, phone = browser.new_context(**LAPTOP), browser.new_context(**PHONE)
    seller, customer = laptop.new_page(), phone.new_page()
    try:
        seller.goto(f"{room.url}/?join={room.code}&name=Sam")
        seller.wait_for_url("**t=*", timeout=60000)
        token = seller.url.split("t=")[1].split("&")[0]
        seller.goto(f"{room.url}/deals?t={token}")
        seller.locator("[data-testid='stExpander'] summary", has_text="Mutual plan with the customer").first.click(timeout=60000)
        seller.locator(f".st-key-plan_draft-{DEAL_A} button").click(timeout=60000)
        drafted = seller.locator("[data-testid='stExpander'] summary", has_text=re.compile(r"0 of (\d\d+) done"))  # deal B's has 1 line
        drafted.first.wait_for(timeout=60000)
        total = int(re.search(r"0 of (\d+) done", drafted.first.inner_text()).group(1))
        seller.locator(f".st-key-plan_share-{DEAL_A} button").click()
        code = seller.locator("[data-testid='stCode']", has_text="/plan?s=")
        code.wait_for(timeout=60000)
        link = re.search(r"/plan\?s=[A-Za-z0-9_-]+", code.inner_text()).group(0)
        assert seller.locator("[data-testid='stImage'] img").count() >= 1  # the link's QR code

        # the sales manager's pipeline, open in another tab of the seller's browser
        pipeline = laptop.new_page()
        pipeline.goto(f"{room.url}/pipeline?t={token}")
        pipeline.get_by_text(f"0 of {total} done").first.wait_for(timeout=60000)

        # the customer, in another browser, on a phone
        customer.goto(room.url + link)
        customer.get_by_text("Our plan together").wait_for(timeout=60000)
        first_box = customer.locator("[data-testid='stCheckbox']").first
        first_box.wait_for(timeout=60000)
        settled(customer)
        html = customer.content()
        for hidden in (RISK, NOTE, room.objection, t("option.stance.-2", "en"), DEAL_B_NAME, "B's own secret step", room.key):
            assert hidden not in html, hidden
        assert customer.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth") <= 1
        assert_accessible(customer, "the customer's plan page")

        # a tick: on the seller's open page, no reload
        ticked = first_box.inner_text().strip().lstrip("🏁👤 ").strip()
        first_box.locator("label").click()
        customer.get_by_text("Saved: your contact sees it now.").first.wait_for(timeout=60000)
        _progress(seller, 1, total).first.wait_for(timeout=60000)
        latest = seller.locator("[data-testid='stText']", has_text=ticked[:30])
        latest.first.wait_for(timeout=60000)
        pipeline.get_by_text(f"1 of {total} done").first.wait_for(timeout=60000)  # no reload there either

        # a step of the customer's own: on the seller's page too
        customer.get_by_text("What else must happen on your side?").click()
        form = customer.locator("[data-testid='stForm']", has=customer.get_by_role("button", name="Add to the plan"))
        form.locator("textarea").fill(step := "Our works council reads the data policy")
        form.locator("input[type='text']").first.fill("Eva Lind")
        form.get_by_role("button", name="Add to the plan").click()
        customer.locator("[data-testid='stCheckbox']", has_text=step).wait_for(timeout=60000)
        _progress(seller, 1, total + 1).first.wait_for(timeout=60000)
        seller.locator("[data-testid='stText']", has_text=step).first.wait_for(timeout=60000)
        assert seller.locator('[data-testid="stException"]').count() == 0
        assert customer.locator('[data-testid="stException"]').count() == 0

        # the seller ends the link: the customer's page is refused on the next load
        seller.locator(f".st-key-plan_revoke-{DEAL_A} button").click()
        seller.locator(f".st-key-plan_revoke_yes-{DEAL_A} button").click(timeout=60000)
        seller.get_by_text("The link is ended").first.wait_for(timeout=60000)
        customer.reload()
        customer.get_by_text("does not open a plan").first.wait_for(timeout=60000)
        expect(customer.locator("[data-testid='stCheckbox']")).to_have_count(0)
        assert "Nordfrakt" not in customer.content()
        assert "Traceback" not in room.log_text()
    finally:
        laptop.close()
        phone.close()
