"""The app under load: ``streamlit run app.py`` as a subprocess, and its CPU and memory.

Started like the browser tests start it (a free port, ``$KOPKARTA_DB`` pointing at the run's
database, no file watcher) and in the app's test mode (``KOPKARTA_TEST_MODE=1``: the server
counts each participant's script runs and tells them at ``/_kopkarta/test/runs``; a counter
under a lock per run); a sampler thread reads the process's CPU % and RSS once a second
with psutil, so the harness can report the server alone (the harness and the browsers run on
the same machine and are not counted), and :meth:`AppServer.cpu_seconds` gives its CPU time.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from e2e.conftest import free_port, stop_process, wait_healthy

#: what counts as an error line in the server's log (a traceback counts once, see log_errors)
ERROR_LINE = re.compile(r"Traceback|\bERROR\b|Exception|Error:", re.IGNORECASE)
#: lines that look like errors and are not:
#: - the report of objects still alive at exit that DuckDB's bindings (nanobind) print after
#:   "Stopping...": names such as "PythonExceptionHandling";
#: - Streamlit's note that a fragment's rerun came for a fragment the page's last full run no
#:   longer has (an auto-rerun timer of the page before: harmless, the browser does it too)
HARMLESS = (
    re.compile(r"^(nanobind: | - leaked |See https://nanobind)"),
    re.compile(r"The fragment with id \w+ does not exist anymore"),
)
EXIT_LEAK_LINE = HARMLESS[0]
_TRACEBACK = "Traceback (most recent call last)"
_CHAINED = re.compile(r"^(During handling of the above exception|The above exception was the direct cause)")


@dataclass
class Sample:
    at: float  # time.monotonic()
    cpu: float  # percent of one core
    rss: int  # bytes


class AppServer:
    """One streamlit server process on ``db``; ``port`` is kept on restart (clients reconnect)."""

    def __init__(
        self, db: Path, log: Path, port: int | None = None, profile: Path | None = None, *, test_mode: bool = True
    ):
        self.db = Path(db)
        self.test_mode = test_mode
        self.profile = profile
        self.log_path = Path(log)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.samples: list[Sample] = []
        self._sampler: threading.Thread | None = None
        self._stop = threading.Event()
        self._log = None
        self.stopped_cleanly: bool | None = None

    def start(self, timeout: float = 90.0) -> None:
        env = dict(os.environ, KOPKARTA_DB=str(self.db), PYTHONPATH=str(ROOT))
        if self.test_mode:
            env["KOPKARTA_TEST_MODE"] = "1"
        runner = ["-m", "streamlit"]
        if self.profile is not None:  # the same server with a sampling profiler inside
            env["KOPKARTA_PROFILE"] = str(self.profile)
            runner = ["-m", "bench.load.profiled"]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - the server writes it until stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                *runner,
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy(timeout)
        self._stop.clear()
        self._sampler = threading.Thread(target=self._sample, name="server-sampler", daemon=True)
        self._sampler.start()

    def _wait_healthy(self, timeout: float) -> None:
        wait_healthy(self.url, self.proc, self.log_text, timeout)

    def _sample(self) -> None:
        try:
            ps = psutil.Process(self.proc.pid)
            ps.cpu_percent(None)
            while not self._stop.wait(1.0):
                with ps.oneshot():
                    self.samples.append(Sample(time.monotonic(), ps.cpu_percent(None), ps.memory_info().rss))
        except psutil.Error:
            return  # the process is gone (stopped or killed)

    def rss(self) -> int:
        try:
            return psutil.Process(self.proc.pid).memory_info().rss
        except (psutil.Error, AttributeError):
            return 0

    def cpu_seconds(self) -> float | None:
        """The server process's CPU time so far (user + system; ``None``: it is gone)."""
        try:
            t = psutil.Process(self.proc.pid).cpu_times()
            return t.user + t.system
        except (psutil.Error, AttributeError):
            return None

    def window(self, since: float, until: float | None = None) -> list[Sample]:
        until = until or time.monotonic()
        return [s for s in self.samples if since <= s.at <= until]

    def _end_sampling(self) -> None:
        self._stop.set()
        if self._sampler is not None:
            self._sampler.join(timeout=5)

    def stop(self) -> None:
        """SIGTERM and wait (the app checkpoints the database on a clean exit); SIGKILL after
        30 s. :attr:`stopped_cleanly` says which: uvicorn ends a graceful shutdown by raising
        the SIGTERM again (exit status -15); -9 is the SIGKILL (the server did not stop: an
        event stream still open holds uvicorn's shutdown, measured; so the harness closes
        every participant's stream first)."""
        self._end_sampling()
        if self.proc is not None:
            stop_process(self.proc, timeout=30)
            self.stopped_cleanly = self.proc.returncode in (0, -signal.SIGTERM)
        self._close_log()

    def kill(self) -> None:
        """SIGKILL: no checkpoint, no goodbye — what a power cut or the OOM killer does."""
        self._end_sampling()
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_errors(self) -> list[str]:
        """The errors the server's log reports: each traceback once (``Traceback … <its last
        line>``; a chained one with the exceptions it came from counts once), and each other line
        that reads as an error, but those in :data:`HARMLESS`."""
        return log_errors(self.log_text())


def log_errors(text: str) -> list[str]:
    """See :meth:`AppServer.log_errors`."""
    lines = text.splitlines()
    out: list[str] = []
    chained = False
    logged_at = -2  # the line of the last error entry that was a plain line
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(_TRACEBACK):
            j = i + 1  # the frames are indented; the exception's own line is the first that is not
            while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
            entry = f"Traceback … {lines[j].strip() if j < len(lines) else ''}"
            if chained and out:  # the same error, told with the exception it came from
                head, sep, _ = out[-1].partition(" — Traceback … ")
                out[-1] = f"{head} — {entry}" if sep else entry
            elif logged_at == i - 1 and out:
                out[-1] = f"{out[-1].strip()} — {entry}"  # a logged error and its traceback: one
            else:
                out.append(entry)
            chained = False
            i = j + 1
            continue
        if _CHAINED.match(line.strip()):
            chained = True
        elif ERROR_LINE.search(line) and not any(h.search(line) for h in HARMLESS):
            out.append(line)
            chained, logged_at = False, i
        i += 1
    return out
