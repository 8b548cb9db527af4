"""Benchmark of a dot vote in a full room (issue 4): 30 participants cast their dots within the
same 10 seconds; every vote must be counted, and the results must be ready on the presenter
view right after the reveal.

Then the same in real browsers: the facilitator reveals on the console (``/facilitate``) in
headless Chromium, and the projector (``/present``, another Chromium) is timed until the ranked
chart is on screen, for several rounds of 30 participants' dots.

Run: ``.venv/bin/python -m bench.facilitation`` (writes the "Facilitation" section of RESULTS.md).
Needs /usr/bin/chromium (``scripts/install_system.sh``).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.results import write_section

ROOT = Path(__file__).resolve().parents[1]
PARTICIPANTS = 30
BUDGET = 5


def _cast_round(db: Path, key: str, tokens: list[str], targets: list[str]) -> int:
    """With the server stopped: a new vote round, every participant's dots cast; the round number."""
    from workshop.services import facilitation as fac
    from workshop.services.live import identify
    from workshop.store import open_store

    with open_store(db) as store:
        boss = fac.Facilitator("room", key)
        r = fac.start_vote(store, boss, "objection", budget=BUDGET, max_per_element=3, segment="g0")
        for i, token in enumerate(tokens):
            me = identify(store, token)
            rnd = random.Random(1000 * r.no + i)
            for about in rnd.sample(targets, 2):
                fac.set_dots(store, me, r.no, about, 2)
        return r.no


def reveal_to_screen(db: Path, code: str, key: str, tokens: list[str], targets: list[str], rounds: int = 5) -> list[float]:
    """Seconds from the facilitator's click on Reveal until the projector shows the chart."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for i in range(rounds):
            _cast_round(db, key, tokens, targets)
            server = Server(db, db.parent / f"server-{i}.log")
            try:
                server.wait_healthy()
                console = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                console.goto(f"{server.url}/facilitate?t={tokens[0]}")
                console.locator(".st-key-fac_key input").fill(key)
                console.locator(".st-key-fac_key input").press("Enter")
                console.get_by_role("tab", name="Dot vote").click()
                reveal = console.locator(".st-key-fac_vote_reveal button")
                reveal.wait_for(timeout=60000)
                screen = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
                screen.goto(f"{server.url}/present?w=room&code={code}")
                screen.get_by_text("The results are shown when the facilitator reveals them.").first.wait_for(timeout=60000)
                screen.wait_for_timeout(1500)
                t0 = time.perf_counter()
                reveal.click()
                screen.locator("[class*='st-key-present_vote']").first.wait_for(timeout=30000)
                out.append(time.perf_counter() - t0)
                console.context.close()
                screen.context.close()
            finally:
                server.stop()
        browser.close()
    return out


def main() -> int:
    from workshop import demo
    from workshop.services import facilitation as fac
    from workshop.services import live
    from workshop.services.app import shared_store
    from workshop.services.maps import import_document

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        os.environ["KOPKARTA_DB"] = str(db)
        store = shared_store(db)
        doc = demo.synthetic_map(workshop_id="room")
        created = import_document(store, doc).created
        me = live.join(store, created.join_code, "Facilitator", "management")
        boss = fac.as_facilitator(me, created.facilitator_key)
        people = [live.join(store, created.join_code, f"P{i}", ("sales", "product", "marketing")[i % 3]) for i in range(PARTICIPANTS)]
        r = fac.start_vote(store, boss, "objection", budget=BUDGET, max_per_element=3, segment="g0")
        targets = [o["id"] for o in doc["segments"][0]["objections"]]

        latencies: list[float] = []
        errors: list[Exception] = []
        lock = threading.Lock()
        start = time.monotonic() + 0.5

        def voter(i: int) -> None:
            rnd = random.Random(i)
            spent = 0
            while spent < BUDGET:
                time.sleep(max(0.0, start + rnd.uniform(0, 10) - time.monotonic()) if spent == 0 else rnd.uniform(0.05, 0.8))
                dots = min(rnd.randint(1, 2), BUDGET - spent)
                about = targets[rnd.randrange(len(targets))]
                mine = fac.my_dots(store, people[i], r.no).get(about, 0)
                if mine + dots > 3:
                    continue
                t0 = time.perf_counter()
                try:
                    fac.set_dots(store, people[i], r.no, about, mine + dots)
                except Exception as exc:  # noqa: BLE001 - counted
                    errors.append(exc)
                    return
                with lock:
                    latencies.append(time.perf_counter() - t0)
                spent += dots

        threads = [threading.Thread(target=voter, args=(i,)) for i in range(PARTICIPANTS)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        spread = time.monotonic() - t0

        t_reveal = time.perf_counter()
        fac.reveal(store, boss, r.no)
        fac.vote_results(store, "room", r.no)
        ready = time.perf_counter() - t_reveal
        stored = sum(v["dots"] for v in live.snapshot(store, "room").doc["votes"] if v.get("round") == r.no)

        present_ms = None
        if (ROOT / "views" / "present.py").exists():
            from streamlit.testing.v1 import AppTest

            at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
            at.query_params["t"] = me.token
            at.run()
            at.switch_page("views/present.py")
            t1 = time.perf_counter()
            at.run()
            present_ms = (time.perf_counter() - t1) * 1000
        store.close()
        tokens = [me.token] + [p.token for p in people]
        on_screen = reveal_to_screen(db, created.join_code, created.facilitator_key, tokens, targets)

    expected = PARTICIPANTS * BUDGET
    lat = sorted(latencies)
    body = (
        "Command: `.venv/bin/python -m bench.facilitation`. Large synthetic map; "
        f"{PARTICIPANTS} participants (threads through the services) each spend a budget of {BUDGET} dots "
        f"on objections, starting within the same 10 seconds (all done in {spread:.1f} s).\n\n"
        "| measure | result | goal |\n|---|---|---|\n"
        f"| dots stored / dots cast | {stored} / {expected} | all counted |\n"
        f"| errors | {len(errors)} | 0 |\n"
        f"| one cast (set_dots), median / p95 | {statistics.median(lat) * 1000:.1f} ms / {lat[int(0.95 * (len(lat) - 1))] * 1000:.1f} ms | |\n"
        f"| reveal + results ready | {ready * 1000:.1f} ms | |\n"
        + (f"| presenter view script run after the reveal (AppTest) | {present_ms:.0f} ms | |\n" if present_ms is not None else "")
        + f"| reveal click on the console → chart on the projector, real Chromium, {len(on_screen)} rounds of "
        f"{PARTICIPANTS} participants' dots: median / max | {statistics.median(on_screen):.2f} s / {max(on_screen):.2f} s | ≤ 2 s |\n"
    )
    write_section("Facilitation", body)
    print(body)
    return 0 if stored == expected and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
