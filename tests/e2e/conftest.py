"""Browser end-to-end fixtures: a real ``streamlit run`` server and Debian's headless Chromium.

The server (``streamlit run app.py``: the pages, the event stream and the live parts' state,
:mod:`web.events`) runs as a subprocess on a free port with its own database file (seeded from
:mod:`workshop.demo` before it starts, because DuckDB lets one process hold the file); tests
wait for ``/_stcore/health``. It runs in the test mode (``KOPKARTA_TEST_MODE=1``), so a test can
read how many script runs each participant's screen made (:func:`runs`, :mod:`web.run_count`).
:meth:`Server.restart` stops it and starts it again on the same port and database (a stream's
reconnect). What the server prints is in :meth:`Server.log_text`. Chromium is the system one
(``/usr/bin/chromium``, installed by ``scripts/install_system.sh``): no browser is ever
downloaded.
"""

from __future__ import annotations

import json
import re
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from workshop import demo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("KOPKARTA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A port nothing listens on now (also used by ``bench/``)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(count: int) -> int:
    """A port with ``count - 1`` free ports above it (HAProxy's, then one per app process of
    ``scripts/serve.sh``; also used by ``bench/``)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count >= 65000:
            continue
        ok = True
        for p in range(base, base + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no run of free ports")


def stop_process(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM (the app checkpoints the database on a clean exit), SIGKILL if it hangs (also
    used by ``bench/``)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_healthy(url: str, proc: subprocess.Popen, log_text, timeout: float = 60.0) -> None:
    """Wait until the app at ``url`` answers ``/_stcore/health`` (also used by ``bench/``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy in time")


class Server:
    """``streamlit run app.py`` on a free port over ``db``. ``test_mode`` (the default) serves
    the count of each screen's script runs (:mod:`web.run_count`); the benchmarks may pass
    ``False`` to measure the server as it is run for real."""

    def __init__(self, db: Path, log: Path, env: dict[str, str] | None = None, *, test_mode: bool = True):
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        extra = {"KOPKARTA_TEST_MODE": "1"} if test_mode else {}
        self._env = dict(os.environ, KOPKARTA_DB=str(db), PYTHONPATH=str(ROOT), **extra, **(env or {}))
        self.log = log
        self._log = open(log, "wb")
        self.proc = self._start()

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none",
            ],
            cwd=ROOT, env=self._env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def restart(self, *, pause: float = 0.0) -> None:
        """SIGTERM the server (it checkpoints and lets the database go), wait ``pause``
        seconds with nothing listening, and start it again on the same port and database;
        returns when it answers again. Its log goes on in the same file. ``stopped_with`` is
        the old process's exit status: ``-SIGTERM`` when it stopped by itself, ``-SIGKILL``
        when it hung and was killed."""
        stop_process(self.proc)
        self.stopped_with = self.proc.returncode
        self._log.write(b"\n--- restarted by the test ---\n")
        self._log.flush()
        if pause:
            time.sleep(pause)
        deadline = time.monotonic() + 30
        while not _port_free(self.port):  # the old process's socket may linger a moment
            if time.monotonic() > deadline:
                raise RuntimeError(f"port {self.port} still taken after the server stopped")
            time.sleep(0.2)
        self.proc = self._start()
        self.wait_healthy()

    def runs(self, token: str) -> dict[str, int]:
        """How many script runs the screen of ``token`` made, by kind (``run``, ``asked``,
        ``poll``; a kind not seen yet is 0): the test mode's ``/_kopkarta/test/runs``."""
        with urllib.request.urlopen(f"{self.url}/_kopkarta/test/runs?t={token}", timeout=30) as resp:
            got = json.loads(resp.read())
        return {kind: int(got.get(kind, 0)) for kind in ("run", "asked", "poll")}

    def log_text(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(errors="replace")

    def wait_healthy(self, timeout: float = 60.0) -> None:
        wait_healthy(self.url, self.proc, self.log_text, timeout)

    def stop(self) -> None:
        stop_process(self.proc)
        self._log.close()


def _port_free(port: int) -> bool:
    """Nobody listens on ``port`` (connections of the old server in TIME_WAIT do not count: the
    server binds with SO_REUSEADDR too)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def seed_demo(db: Path) -> None:
    """The demo workshops in a new database file (before a server holds it)."""
    seeded = subprocess.run(
        [sys.executable, "-m", "workshop", "demo", "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert seeded.returncode == 0, seeded.stderr


def join_codes(db: Path) -> dict[str, str]:
    """Each workshop's join code, by workshop id (the command line's ``list --json``)."""
    listed = subprocess.run(
        [sys.executable, "-m", "workshop", "list", "--json", "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return {w["id"]: w["join_code"] for w in json.loads(listed.stdout)}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    db = folder / "e2e.duckdb"
    seed_demo(db)
    hostile = folder / "hostile.json"
    hostile.write_text(json.dumps(demo.hostile_map()), encoding="utf-8")
    loaded = subprocess.run(
        [sys.executable, "-m", "workshop", "import", str(hostile), "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert loaded.returncode == 0, loaded.stderr
    codes = join_codes(db)
    srv = Server(db, folder / "server.log")
    srv.join_code = codes["fleet-launch"]
    srv.hostile_code = codes["hostile"]
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: a Playwright sync session must not outlive its module,
    or a later module that starts its own (the HTML export test) finds an event loop running."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install_system.sh (the README's test command does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(60000)  # a click on a busy machine may wait long for its element
    pg = context.new_page()
    yield pg
    context.close()


def import_workshop(db: Path, doc: dict, workshop_id: str) -> tuple[str, str]:
    """``doc`` imported into ``db`` as ``workshop_id`` by the command line (before the server
    holds the file); its join code and facilitator key."""
    doc["workshop"]["id"] = workshop_id
    source = db.parent / f"{workshop_id}.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    made = subprocess.run(
        [sys.executable, "-m", "workshop", "import", str(source), "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert made.returncode == 0, made.stderr
    found = re.search(r"join code (\S+); facilitator key (\S+) ", made.stderr)
    assert found, made.stderr
    return found.group(1), found.group(2)


def _idle(page) -> None:
    """The page's script is not running (Streamlit marks the app while a run is under way)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=60000)


def type_number(page, container: str, value: str, tries: int = 3) -> None:
    """Type ``value`` into the number input in ``container`` (a widget's ``.st-key-…`` class)
    and wait until the page shows it applied: typed while the page is not running, applied by
    leaving the field (Tab), and still there once the run that follows has drawn the page. On a
    busy machine a bare ``fill`` and a click could reach the server in the wrong order (a vote
    started with the default 5 dots, not the 3 typed), and a value typed while a slow run was
    still drawing the field could be drawn over; then it is typed again."""
    field = page.locator(f"{container} input")
    for _ in range(tries):
        _idle(page)
        field.fill(value)
        field.press("Tab")
        page.locator(f"{container} [data-testid='InputInstructions']").wait_for(state="detached", timeout=60000)
        _idle(page)
        if field.input_value() == value:
            return
    raise AssertionError(f"{container} never kept the value {value!r}")
