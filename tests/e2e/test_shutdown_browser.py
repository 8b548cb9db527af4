"""Stopping the server as a facilitator does (Ctrl-C in the terminal) after the room has used it.

Why a test of its own: the server must let the database go cleanly (checkpointed, nothing left
in the write-ahead log) and say nothing alarming on the way out. Before issue 17, a server that
had served one page printed a page of DuckDB's "nanobind: leaked instance ..." lines at every
Ctrl-C; it only showed with a real server and a real browser, not with AppTest or a script.
"""

from __future__ import annotations

import signal
import subprocess

from tests.e2e.conftest import Server, join_codes, seed_demo


def test_ctrl_c_after_a_visit_stops_quietly_and_checkpoints(tmp_path, browser):
    db = tmp_path / "stop.duckdb"
    seed_demo(db)
    code = join_codes(db)["fleet-launch"]
    srv = Server(db, tmp_path / "server.log")
    try:
        srv.wait_healthy()
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(f"{srv.url}/?join={code}&name=Omar&lang=en")
        page.get_by_text("You take part as Omar").wait_for(timeout=60000)
        context.close()

        srv.proc.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        try:
            status = srv.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            srv.proc.kill()
            raise AssertionError(f"the server did not stop within 60 s of Ctrl-C:\n{srv.log_text()[-2000:]}")
    finally:
        srv.stop()

    log = srv.log_text()
    # uvicorn shuts down gracefully (the app's lifespan closes the store), then raises the
    # signal again as the default would; Streamlit's command line reports that as "Aborted!"
    assert status in (0, 1), log[-2000:]
    assert "leaked" not in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    assert not db.with_name(db.name + ".wal").exists(), "the database was not checkpointed on the way out"
