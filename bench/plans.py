"""Benchmark of a deal plan shared with the customer (issue 20, item 5): how long the customer's
page takes to open, and how long a customer's tick takes to show on the seller's open deals page.

Run: ``.venv/bin/python -m bench.plans`` (writes the "Plans" section of bench/RESULTS.md).
Needs /usr/bin/chromium (``scripts/install_system.sh``). Goals: each ≤ 2 s, median and p95 over
20 tries. The fleet example's deal gets a drafted plan (19 lines) and a link before the server
starts; the customer's page opens in a fresh browser context each time (nothing cached), the
seller's page stays open all along (a tick must reach it without a reload).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.results import write_section

ROOT = Path(__file__).resolve().parents[1]
TRIES = 20
DEAL = "d-nordfrakt"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _prepare(db: Path) -> tuple[str, str, int]:
    """The fleet example with deal ``DEAL``'s plan drafted and shared: (join code, link, lines)."""
    subprocess.run([sys.executable, "-m", "workshop", "demo", "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
    from workshop.services import live, plans
    from workshop.store import open_store

    with open_store(db) as store:
        code = store.workshop("fleet-launch").join_code
        me = live.join(store, code, "Bench seller", "sales")
        lines = plans.draft(store, me, DEAL)
        token = plans.share(store, me, DEAL)
    return code, f"/plan?s={token}", len(lines)


def measure(db: Path, code: str, link: str, total: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server

    server = Server(db, db.parent / "server.log")
    opens, ticks = [], []
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            seller = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            seller.goto(f"{server.url}/?join={code}&name=Seller")
            seller.wait_for_url("**t=*", timeout=60000)
            seller.goto(f"{server.url}/deals?t={seller.url.split('t=')[1].split('&')[0]}")
            seller.locator("[data-testid='stExpander'] summary", has_text=f"0 of {total} done").first.wait_for(timeout=60000)
            for _ in range(TRIES):  # the customer's page, from nothing
                context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(server.url + link)
                page.locator("[data-testid='stCheckbox']").first.wait_for(timeout=60000)
                opens.append(time.perf_counter() - t0)
                context.close()
            customer = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
            customer.goto(server.url + link)
            box = customer.locator("[data-testid='stCheckbox']").first
            box.wait_for(timeout=60000)
            for i in range(TRIES):  # a tick, then an untick: until the seller's count shows it
                done = 1 if i % 2 == 0 else 0
                box = customer.locator("[data-testid='stCheckbox']").first
                t0 = time.perf_counter()
                box.locator("label").click()
                seller.locator("[data-testid='stExpander'] summary", has_text=f"{done} of {total} done").first.wait_for(timeout=60000)
                ticks.append(time.perf_counter() - t0)
                customer.wait_for_function(  # the customer's page drew the tick too, before the next one
                    "done => { const b = document.querySelector('[data-testid=stCheckbox] input'); return b && b.checked === done; }",
                    arg=bool(done), timeout=60000,
                )
            browser.close()
    finally:
        server.stop()
    return opens, ticks


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "plans.duckdb"
        code, link, total = _prepare(db)
        opens, ticks = measure(db, code, link, total)
    import os

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = [
        ("the customer's page opens (goto until its first tick box)", opens),
        ("a customer's tick shows on the seller's open deals page", ticks),
    ]
    table = "| what | median | p95 | max | goal | met |\n|---|---|---|---|---|---|\n" + "\n".join(
        f"| {what} | {statistics.median(v):.2f} s | {_p95(v):.2f} s | {max(v):.2f} s | ≤ 2.00 s | "
        f"{'yes' if statistics.median(v) <= 2 and _p95(v) <= 2 else '**no**'} |"
        for what, v in rows
    )
    body = (
        f"Command: `.venv/bin/python -m bench.plans`. The fleet example's deal with its drafted plan ({total} lines), "
        f"shared; {TRIES} tries each in headless Chromium (the customer at 390 px, a fresh browser context per open).\n\n"
        f"{table}\n\nLoad average after the runs (1, 5, 15 min): {load}."
    )
    write_section("Plans", body)
    print(body)
    print(json.dumps({"opens": opens, "ticks": ticks}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
