"""Two real headless Chromium participants that time change-to-screen latency during a load run.

Probe A adds a step with a unique text and times until probe B's page shows it, then B adds
one and A waits for it, every few seconds, for as long as the run lasts (the same measure as
``bench/pages.py latency()``, now with a room full of other participants on the server).

The time is taken in the pages themselves: from the click on "Add" (a listener on A's page)
to the frame in which B's page first holds the text (MutationObservers on B's page, on
its document and inside the live parts' open shadow roots, where the board is drawn; then the
next animation frame), both on the machine's clock. Timed from outside, around
Playwright's ``click()`` and ``wait_for()``, it also held Playwright's own work: its checks
before it clicks (measured: the click reached the page 130–190 ms after ``click()`` was
called, on an idle server) and its polling for the text. That outside time is kept as
``driver`` for comparison with the runs measured that way (bench/RESULTS.md, "load history").
Each browser is a context of its own (its own cookies): behind HAProxy each stays on one app
process, which ``ready`` names (``ready app1 app2``; ``-`` without HAProxy).

It runs as its own process (``python -m bench.load.probes URL CODE OUT --seconds S``), so the
browsers' waiting is not delayed by the harness's event loop; it prints ``ready`` once both
browsers show the process page and appends one JSON line per measurement to ``OUT``:
``{"at": epoch seconds, "from": "A", "latency": seconds | null, "driver": seconds | null}``
(null: not seen in time).
Needs /usr/bin/chromium (never downloads a browser).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from e2e.conftest import CHROMIUM
from e2e.conftest import CHROMIUM_ARGS as ARGS

FIELD = ".st-key-add_step_text input"
BUTTON = ".st-key-add_step_submit button"
#: the board's live part (inside its shadow root: Playwright's CSS locators pierce open ones)
LIVE_BOARD = '.kk-live[data-view="board"][data-stream="open"]'
#: a change not on the other screen after this long counts as not seen (an overloaded server
#: takes 20–40 s, which the curve should show as a number, not as "not seen")
WAIT_SECONDS = 60
#: on each page, once: note when a click on the "Add" button happens (capture phase, on the
#: document: the button's element is redrawn by the page's reruns); a measurement first
#: clears the note (``window.__kkClicked = null``), so it holds the first click after that
ON_CLICK = """sel => {
  document.addEventListener('click', e => {
    if (window.__kkClicked === null && e.target.closest(sel)) {
      window.__kkClicked = performance.timeOrigin + performance.now();
    }
  }, {capture: true});
}"""
#: on the other page: note the frame in which the page first holds ``text``. The board is a
#: live part drawn inside an open shadow root (the host ``[data-testid=stBidiComponentIsolated]``
#: of Streamlit's ``components.v2``), whose nodes neither ``document.body.textContent`` nor an
#: observer of the document sees: so every host's ``shadowRoot`` gets its own observer too, a
#: host that appears later (a page run draws the part anew) gets one when the document's
#: observer sees it come, and a slow scan (every 250 ms) catches a shadow root attached after
#: its host was inserted (``attachShadow`` is no mutation of the document)
ON_SHOWN = """text => {
  window.__kkShown = window.__kkShown || {};
  const HOSTS = '[data-testid="stBidiComponentIsolated"]';
  const observers = [];
  const watched = new WeakSet();
  let done = false, scan = null;
  const holds = () => {
    if (document.body.textContent.includes(text)) return true;
    for (const host of document.querySelectorAll(HOSTS)) {
      const root = host.shadowRoot;
      if (root && root.textContent.includes(text)) return true;
    }
    return false;
  };
  const finish = () => {
    done = true;
    for (const o of observers) o.disconnect();
    clearInterval(scan);
    requestAnimationFrame(() => {
      window.__kkShown[text] = performance.timeOrigin + performance.now();
    });
  };
  const check = () => { if (!done && holds()) finish(); };
  const watch = (target) => {
    const o = new MutationObserver(() => { watchHosts(); check(); });
    o.observe(target, {subtree: true, childList: true, characterData: true});
    observers.push(o);
  };
  const watchHosts = () => {
    let fresh = false;
    for (const host of document.querySelectorAll(HOSTS)) {
      const root = host.shadowRoot;
      if (root && !watched.has(root)) { watched.add(root); watch(root); fresh = true; }
    }
    return fresh;
  };
  if (holds()) { finish(); return; }
  watch(document.body);
  watchHosts();
  scan = setInterval(() => { if (!done && watchHosts()) check(); }, 250);
}"""
SHOWN = "text => window.__kkShown && window.__kkShown[text]"


def _open(browser, url: str, code: str, name: str):
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(f"{url}/?join={code}&name={name}", timeout=90_000)
    page.wait_for_url("**t=*", timeout=90_000)
    token = page.url.split("t=")[1].split("&")[0]
    page.goto(f"{url}/process?t={token}", timeout=90_000)
    page.locator(FIELD).wait_for(timeout=90_000)
    page.locator(LIVE_BOARD).wait_for(timeout=90_000)  # the board is drawn and its stream open
    page.evaluate(ON_CLICK, BUTTON)
    return page


def _process(page) -> str:
    """The app process HAProxy keeps this page's browser on (its cookie), ``-`` without HAProxy."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies.get("KOPKARTA_SRV", "-")


def measure(url: str, code: str, out: Path, seconds: float, every: float = 3.0, stop: Path | None = None) -> None:
    """Measure until ``seconds`` passed or the file ``stop`` exists."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        a, b = _open(browser, url, code, "ProbeA"), _open(browser, url, code, "ProbeB")
        # behind HAProxy, each browser (a context of its own: its own cookies) is on one app process
        print("ready", *(_process(page) for page in (a, b)), flush=True)
        end = time.monotonic() + seconds
        i = 0
        with out.open("a", encoding="utf-8") as sink:
            while time.monotonic() < end and not (stop is not None and stop.exists()):
                writer, reader, name = (a, b, "A") if i % 2 == 0 else (b, a, "B")
                text = f"Probe {name} {i} {time.time_ns()}"
                latency = driver = None
                try:
                    writer.locator(FIELD).fill(text, timeout=WAIT_SECONDS * 1000)
                    writer.evaluate("window.__kkClicked = null")
                    reader.evaluate(ON_SHOWN, text)
                    t0 = time.perf_counter()
                    writer.locator(BUTTON).click(timeout=WAIT_SECONDS * 1000)
                    shown = reader.wait_for_function(SHOWN, arg=text, timeout=WAIT_SECONDS * 1000).json_value()
                    driver = time.perf_counter() - t0
                    latency = (shown - writer.evaluate("window.__kkClicked")) / 1000
                except PlaywrightTimeout:
                    pass
                row = {"at": time.time(), "from": name, "latency": latency, "driver": driver}
                sink.write(json.dumps(row) + "\n")
                sink.flush()
                i += 1
                writer.wait_for_timeout(every * 1000)
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("code")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--every", type=float, default=3.0, help="pause between two measurements")
    parser.add_argument("--stop-file", type=Path, help="end as soon as this file exists")
    args = parser.parse_args(argv)
    measure(args.url, args.code, args.out, args.seconds, args.every, args.stop_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
