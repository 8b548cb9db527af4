"""The server setup in real browsers (issue 16): ``scripts/serve.sh`` itself, two app
processes on one PostgreSQL database behind HAProxy with cookie stickiness.

* A step added in a browser served by process 1 shows on the board of a browser served by
  process 2, without a reload (the change crosses processes through NOTIFY and each process's
  listening connection, then the event stream).
* Every listening connection is killed with ``pg_terminate_backend``: changes keep flowing
  once the listeners are back.
* The app process serving a participant is killed (SIGKILL): when the participant reloads,
  HAProxy sends them to the other process, which still recognises them by their link's token.

Each person has a browser context of their own (cookies, so each sticks to its process; two
tabs of one context would share the cookie, DESIGN.md). The database is a fresh one of the
test cluster (:mod:`pg_support`); the workshop is imported by the command line while the app
runs (PostgreSQL lets both in at once). Every wait is for a state, with room for a busy machine.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

import pg_support
from workshop import demo

from .conftest import ROOT, free_ports

pytestmark = pytest.mark.browser

W = "serve-room"
BOARD = ".kk-live[data-view='board']"




class Setup:
    """``bash scripts/serve.sh`` with two app processes, stopped with SIGTERM as Ctrl-C would."""

    def __init__(self, folder: Path, *, processes: int = 2, tls: Path | None = None, db: str | None = None):
        self.folder = folder
        self.db = db or pg_support.cluster().fresh_database()
        self.port = free_ports(processes + 1)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.state = folder / "serve"
        env = dict(os.environ, KOPKARTA_PORT=str(self.port), KOPKARTA_PROCESSES=str(processes), KOPKARTA_DB=self.db,
                   KOPKARTA_SERVE_DIR=str(self.state))
        if tls:
            env["KOPKARTA_TLS_PEM"] = str(tls)
        self.log = open(folder / "serve.log", "w")
        self.proc = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 240
        while "Köpkarta runs" not in self.output():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"serve.sh did not start: {self.output()[-3000:]}")
            time.sleep(0.5)

    def output(self) -> str:
        return (self.folder / "serve.log").read_text(encoding="utf-8", errors="replace")

    def app_log(self, i: int) -> str:
        return (self.state / f"app-{i}.log").read_text(encoding="utf-8", errors="replace")

    def app_pid(self, i: int) -> int:
        return int((self.state / f"app-{i}.pid").read_text())

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    s = Setup(tmp_path_factory.mktemp("serve"))
    try:
        doc = demo.example("fleet")
        doc["workshop"]["id"] = W
        source = s.folder / "room.json"
        source.write_text(json.dumps(doc), encoding="utf-8")
        made = subprocess.run([sys.executable, "-m", "workshop", "import", str(source), "--db", s.db],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        s.code = re.search(r"join code (\S+);", made.stderr).group(1)
        yield s
    finally:
        code = s.stop()
        out = s.output()
        assert code == 0, out[-3000:]
        assert "stopped" in out  # serve.sh's own clean stop, every part in order


class Person:
    """A participant with a browser context of their own (their own HAProxy cookie)."""

    def __init__(self, setup: Setup, browser, name: str):
        self.setup = setup
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.goto(f"{setup.url}/?join={setup.code}&name={name}")
        self.page.wait_for_url("**t=*", timeout=60000)
        self.token = self.page.url.split("t=")[1].split("&")[0]

    def process_no(self) -> int:
        """Which app process serves this browser (HAProxy's cookie)."""
        cookie = {c["name"]: c["value"] for c in self.context.cookies()}.get("KOPKARTA_SRV", "")
        return int(cookie.removeprefix("app")) if cookie.startswith("app") else 0

    def board(self) -> None:
        self.page.goto(f"{self.setup.url}/process?t={self.token}")
        self.page.locator(f"{BOARD}[data-stream='open'] li[data-step]").first.wait_for(timeout=60000)
        self.page.locator(".st-key-add_step_text input").wait_for(timeout=60000)

    def add_step(self, text: str) -> None:
        self.page.locator(".st-key-add_step_text input").fill(text)
        self.page.locator(".st-key-add_step_submit button").click()

    def sees(self, text: str, timeout: float = 30000) -> None:
        self.page.locator(f"{BOARD} li[data-step]", has_text=text).wait_for(timeout=timeout)

    def close(self) -> None:
        self.context.close()


def _on_two_processes(setup: Setup, browser) -> tuple[Person, Person]:
    """Anna and, on the other process, Lars (HAProxy deals new browsers round robin)."""
    anna = Person(setup, browser, "Anna")
    for _ in range(6):
        lars = Person(setup, browser, "Lars")
        if lars.process_no() and lars.process_no() != anna.process_no():
            return anna, lars
        lars.close()
    raise AssertionError("HAProxy never sent a new browser to the other process")


def _stamp() -> str:
    return str(time.time_ns())[-9:]


def test_a_change_on_one_process_shows_on_the_other_and_survives_a_lost_listener(setup, browser):
    anna, lars = _on_two_processes(setup, browser)
    try:
        assert {anna.process_no(), lars.process_no()} == {1, 2}
        anna.board()
        lars.board()
        text = f"Legal reviews the data terms {_stamp()}"
        anna.add_step(text)
        lars.sees(text)  # from the other process, with no reload

        # every process's listening connection is cut: they come back, and changes flow again
        with psycopg.connect(setup.db, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name LIKE %s",
                ["kopkarta-%-listen"],
            ).fetchall()
            assert len(killed) == 2  # one listener per app process
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                back = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE %s",
                    ["kopkarta-%-listen"],
                ).fetchone()[0]
                if back == 2:
                    break
                time.sleep(0.2)
            assert back == 2
        again = f"Finance checks the payback {_stamp()}"
        anna.add_step(again)
        lars.sees(again)
        for i in (1, 2):
            assert "Traceback" not in setup.app_log(i)
    finally:
        anna.close()
        lars.close()


#: the pages a visitor can reach, each drawn once under the proxy's Content-Security-Policy
PAGES = ("process", "group", "motives", "friction", "consensus", "map", "insights", "deals", "actions",
         "export", "present", "facilitate", "explore", "pipeline")


def _headers(url: str) -> dict[str, str]:
    import ssl
    import urllib.request

    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
    with urllib.request.urlopen(url, timeout=30, context=unverified if url.startswith("https") else None) as resp:
        return {k.lower(): v for k, v in resp.headers.items()}


def _csp_violations(setup: Setup, browser, pages=PAGES) -> list[str]:
    """What Chromium refused under the policy while a participant opened ``pages``."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, ignore_https_errors=True)
    refused: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{setup.url}/?join={setup.code}&name=Vera")
        page.wait_for_url("**t=*", timeout=60000)
        token = page.url.split("t=")[1].split("&")[0]
        for name in pages:
            page.goto(f"{setup.url}/{name}?t={token}")
            page.locator('[data-testid="stMainBlockContainer"] h1, [data-testid="stMainBlockContainer"] h2').first.wait_for(timeout=60000)
            page.wait_for_load_state("networkidle", timeout=60000)
        page.goto(f"{setup.url}/process?t={token}")
        page.locator(f"{BOARD}[data-stream='open'] li[data-step]").first.wait_for(timeout=60000)  # the live parts ran
    finally:
        context.close()
    return refused


def test_the_proxy_sends_security_headers_that_the_app_passes(setup, browser):
    """Issue 18: the proxy's headers (serve.sh), and every page works under its policy."""
    headers = _headers(setup.url + "/")
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert "http:" not in csp and "https:" not in csp and "*" not in csp  # no other origin, ever
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"  # the participant's token is in the address
    assert "strict-transport-security" not in headers  # plain HTTP: HSTS would mean nothing
    import urllib.request

    with urllib.request.urlopen(setup.url + "/_kopkarta/health", timeout=30) as resp:  # what HAProxy checks
        assert resp.read() == b"ok"
    assert _csp_violations(setup, browser) == []


def test_with_a_certificate_the_proxy_speaks_https_and_sends_hsts(setup, browser, tmp_path):
    pem = tmp_path / "tls.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        capture_output=True, text=True, timeout=120,
    )
    assert made.returncode == 0, made.stderr
    pem.write_text((tmp_path / "cert.pem").read_text() + (tmp_path / "key.pem").read_text())
    secure = Setup(tmp_path, processes=1, tls=pem, db=setup.db)
    try:
        secure.code = setup.code
        assert "open https://localhost:" in secure.output()
        headers = _headers(secure.url + "/")
        assert headers["strict-transport-security"] == "max-age=31536000"
        assert _csp_violations(secure, browser, pages=("group", "present")) == []  # the websocket over wss too
    finally:
        assert secure.stop() == 0, secure.output()[-3000:]


def test_a_participant_whose_process_died_lands_on_the_other_still_recognised(setup, browser):
    anna, lars = _on_two_processes(setup, browser)
    try:
        lars.board()
        dead = lars.process_no()
        os.kill(setup.app_pid(dead), signal.SIGKILL)
        lars.page.goto(f"{setup.url}/process?t={lars.token}")  # a reload
        lars.page.locator(f"{BOARD}[data-stream='open'] li[data-step]").first.wait_for(timeout=60000)
        assert lars.process_no() == 3 - dead  # HAProxy sent him to the living process
        # still Lars: his link's token is recognised there, and what he adds is his
        text = f"Procurement asks for references {_stamp()}"
        lars.add_step(text)
        lars.sees(text)
        anna.board()  # Anna's process may be the dead one too: her reload lands on the living one
        anna.sees(text)
        with psycopg.connect(setup.db, autocommit=True) as admin:
            author = admin.execute(
                "SELECT e.author, p.data->>'name' FROM elements e JOIN elements p "
                "ON p.workshop_id = e.workshop_id AND p.eid = e.author "
                "WHERE e.workshop_id = %s AND e.data->>'text' = %s",
                [W, text],
            ).fetchone()
        assert author is not None and author[1] == "Lars"
        assert f"app process {dead} (port {setup.port + dead}) stopped (status 137)" in setup.output()
    finally:
        anna.close()
        lars.close()
