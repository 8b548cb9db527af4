"""Benchmark of the live app (issue 3): each page's script run on the large synthetic map, and
change-to-screen latency between two real browsers.

Run: ``.venv/bin/python -m bench.pages`` (writes the "Pages" section of bench/RESULTS.md).
Needs /usr/bin/chromium (``scripts/install_system.sh``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.results import write_section

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["home", "process", "group", "motives", "friction", "consensus", "deals", "actions", "map", "insights"]


def page_runs(db: Path, code: str, repeat: int = 5) -> list[tuple[str, float, float]]:
    """(page, first run, median of later runs) in seconds, measured with AppTest in-process."""
    os.environ["KOPKARTA_DB"] = str(db)
    from streamlit.testing.v1 import AppTest

    from workshop.services import live
    from workshop.services.app import shared_store

    me = live.join(shared_store(db), code, "Bench", "sales")
    out = []
    for name in PAGES:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.query_params["t"] = me.token
        at.run()
        if name != "home":
            at.switch_page(f"views/{name}.py")
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception[0].value}")
        out.append((name, times[0], statistics.median(times[1:])))
    shared_store(db).close()
    return out


def latency(db: Path, code: str, rounds: int = 20) -> list[float]:
    """Seconds from A's click on "add step" until B's page shows the step, ``rounds`` times."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server

    server = Server(db, db.parent / "server.log")
    out = []
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            a = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            b = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            for page, name in ((a, "A"), (b, "B")):
                page.goto(f"{server.url}/?join={code}&name={name}")
                page.wait_for_url("**t=*", timeout=60000)
                token = page.url.split("t=")[1]
                page.goto(f"{server.url}/process?t={token}")
            a.locator(".st-key-add_step_text input").wait_for(timeout=60000)
            b.locator(".st-key-add_step_text input").wait_for(timeout=60000)
            for i in range(rounds):
                text = f"Latency probe {i} {time.time_ns()}"
                a.locator(".st-key-add_step_text input").fill(text)
                t0 = time.perf_counter()
                a.locator(".st-key-add_step_submit button").click()
                b.get_by_text(text).first.wait_for(timeout=30000)
                out.append(time.perf_counter() - t0)
                a.wait_for_timeout(300)
            browser.close()
    finally:
        server.stop()
    return out


def main() -> int:
    from workshop.demo import synthetic_map

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        doc = synthetic_map()
        src = Path(tmp) / "large.json"
        src.write_text(json.dumps(doc), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "workshop", "import", str(src), "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
        code = json.loads(
            subprocess.run([sys.executable, "-m", "workshop", "list", "--json", "--db", str(db)], cwd=ROOT, check=True, capture_output=True, text=True).stdout
        )[0]["join_code"]
        runs = page_runs(db, code)
        lat = latency(db, code)
    rows = "\n".join(f"| {name} | {first * 1000:.0f} ms | {later * 1000:.0f} ms |" for name, first, later in runs)
    lat_sorted = sorted(lat)
    p95 = lat_sorted[min(len(lat_sorted) - 1, int(round(0.95 * (len(lat_sorted) - 1))))]
    body = (
        "Command: `.venv/bin/python -m bench.pages`. Large synthetic map (see Core).\n\n"
        "Script run of each page under AppTest (the whole app script: navigation, sidebar and page; "
        "goal ≤ 300 ms server-side):\n\n| page | first run | later runs (median) |\n|---|---|---|\n"
        f"{rows}\n\nChange-to-screen latency between two headless Chromium participants on the process page "
        f"({len(lat)} steps added by A, time until B shows each; goal median ≤ 1.5 s): median "
        f"{statistics.median(lat):.2f} s, p95 {p95:.2f} s, max {max(lat):.2f} s."
    )
    write_section("Pages", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
