"""No tracebacks to visitors, and a server that cannot work does not start (issue 18, item 1).

The probe found a server on a database held by another process, or corrupt, that started all
the same: ``/_stcore/health`` said ``ok`` and every page showed a traceback with file paths and
the other process's PID, and nothing reached the log. These start the real server
(``streamlit run app.py``) on such a database and read what it says.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.e2e.conftest import free_port
from workshop.errors import StoreError
from workshop.services.access import ADMIN_KEY_MIN, check_admin_key

ROOT = Path(__file__).resolve().parents[1]


def _start(db: Path, **env: str) -> subprocess.CompletedProcess:
    """The server on ``db``; it is expected to refuse to start, so it must end by itself."""
    return subprocess.run(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(free_port()),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "KOPKARTA_DB": str(db), "PYTHONPATH": str(ROOT), **env},
        capture_output=True, text=True, timeout=120,
    )


def _refusal(done: subprocess.CompletedProcess) -> str:
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Traceback" not in out, out
    [line] = [ln for ln in done.stderr.splitlines() if ln.startswith("Köpkarta cannot start")]
    return line


def test_visitors_are_shown_no_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_a_database_held_by_another_process_stops_the_server_with_one_line(tmp_path):
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        line = _refusal(_start(db))
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert str(db) in line and "held by another process" in line and "Stop that process" in line


def test_a_corrupt_database_stops_the_server_with_one_line(tmp_path):
    db = tmp_path / "corrupt.duckdb"
    db.write_bytes(b"not a database, " * 400)
    line = _refusal(_start(db))
    assert str(db) in line and "not a valid DuckDB database file" in line and "restore a backup" in line


def test_a_short_admin_key_stops_the_server_with_one_line(tmp_path):
    line = _refusal(_start(tmp_path / "ok.duckdb", KOPKARTA_ADMIN_KEY="hunter2"))
    assert f"at least {ADMIN_KEY_MIN}" in line and "hunter2" not in line
    assert not (tmp_path / "ok.duckdb").exists()  # refused before anything was opened


def test_the_admin_key_rule():
    check_admin_key(None)  # no key: no organisation view, nothing to check
    check_admin_key("x" * ADMIN_KEY_MIN)
    with pytest.raises(Exception, match="at least 20"):
        check_admin_key("x" * (ADMIN_KEY_MIN - 1))


def test_every_store_error_reaches_the_servers_log(caplog):
    with caplog.at_level(logging.ERROR, logger="workshop.store"):
        StoreError("reading the map failed in the database: IO Error: disk full")
    assert "disk full" in caplog.text


def _failing_page():
    import streamlit as st

    from ui.failure import on_script_error
    from workshop.errors import StoreError

    st.session_state["lang"] = "nb"
    handled = on_script_error(StoreError("reading the map failed in the database: IO Error: /srv/x.duckdb"))
    st.session_state["handled"] = handled
    on_script_error(ValueError("a bug"))


def test_an_uncaught_error_is_a_short_message_in_the_viewers_language():
    at = AppTest.from_function(_failing_page, default_timeout=60)
    at.run()
    assert not at.exception and at.session_state["handled"] is True
    store_text, other_text = (e.value for e in at.error)
    assert store_text.startswith("Databasen kunne ikke leses eller skrives") and "/srv" not in store_text
    assert other_text.startswith("Noe gikk galt på siden")


def test_the_server_says_where_it_listens_and_what_that_exposes(monkeypatch):
    from web.startup import listening_line

    monkeypatch.delenv("KOPKARTA_PUBLIC_URL", raising=False)
    monkeypatch.setattr("workshop.services.sharing.network_address", lambda: "10.1.2.3")
    room = listening_line("", 8501, "sessions/kopkarta.duckdb")
    assert "every interface" in room and "http://10.1.2.3:8501" in room and "anyone on this network" in room
    assert "sessions/kopkarta.duckdb" in room
    alone = listening_line("127.0.0.1", 8501, "x.duckdb")
    assert "this machine alone" in alone and "http://localhost:8501" in alone
    monkeypatch.setenv("KOPKARTA_PUBLIC_URL", "https://kopkarta.example.org")
    assert "join links use https://kopkarta.example.org" in listening_line("", 8501, "x.duckdb")
