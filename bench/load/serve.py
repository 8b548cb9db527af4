"""The server setup under load (issue 16): ``scripts/serve.sh`` itself, with a throwaway
PostgreSQL cluster, and the CPU and memory of each of its parts.

* :class:`Cluster`: one cluster for a whole benchmark session (``scripts/pg.sh start DIR PORT``
  in a temporary folder, **without** ``--fast``: fsync, synchronous commit and full-page writes
  on, as the server setup runs), a fresh database per level, stopped and removed at the end
  (:mod:`tests.pg_support`'s ``PgCluster`` with ``fast=False``).
* :class:`ServeSetup`: ``bash scripts/serve.sh`` as a subprocess (``KOPKARTA_PORT`` a free port
  with ``processes`` free ports above it, ``KOPKARTA_PROCESSES``, ``KOPKARTA_DB`` the level's
  database, ``KOPKARTA_SERVE_DIR`` a folder of the run's, ``KOPKARTA_TEST_MODE=1``): HAProxy in
  front, the app processes behind. It has the face of :class:`.server.AppServer` the runner
  uses (``url``, ``start``, ``stop``, ``cpu_seconds``, ``rss``, ``window``, ``log_errors``,
  ``stopped_cleanly``): ``url`` is HAProxy's, and the app's CPU and RSS are the sum over its
  processes. Beside them, once a second, the CPU of each app process, of PostgreSQL (the
  postmaster and every backend: CPU time of each process, summed) and of HAProxy
  (:meth:`ServeSetup.part_window`). :meth:`ServeSetup.kill_process` is the SIGKILL of one app
  process (serve.sh carries on with the others; HAProxy sends that process's browsers on).
* :func:`prepare_room`: the same room as :func:`.room.prepare` (the B2B template in English and
  an open dot vote on its stages), seeded while the app runs: the map through the command line
  (``python -m workshop import FILE --db URL``, which PostgreSQL lets in beside the app
  processes), the vote through the services as the facilitator's console starts it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from workshop.services import facilitation
from workshop.services.facilitator import Facilitator
from workshop.store import open_store
from workshop.templates import template_map

from .room import BUDGET, Room
from .server import ROOT, Sample, log_errors

sys.path.insert(0, str(ROOT / "tests"))
import pg_support  # noqa: E402
from e2e.conftest import free_ports  # noqa: E402

SERVE_SH = ROOT / "scripts" / "serve.sh"
#: what serve.sh prints once HAProxy answers in front of every app process
READY = "Köpkarta runs"
#: each app process runs as ``streamlit run`` does in the harness's own server (AppServer)
STREAMLIT_ARGS = ("--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none")


class Cluster:
    """A throwaway PostgreSQL cluster with fsync on; a fresh database per level."""

    def __init__(self) -> None:
        self._pg = pg_support.PgCluster(fast=False)

    def start(self) -> "Cluster":
        self._pg.start()
        return self

    @property
    def dir(self) -> Path | None:
        return self._pg.dir

    @property
    def url(self) -> str:
        return self._pg.url

    def fresh_database(self) -> str:
        return self._pg.fresh_database()

    def drop(self, url: str) -> None:
        self._pg.drop(url)

    def postmaster(self) -> int | None:
        """The server's pid (the first line of ``postmaster.pid``)."""
        try:
            return int((self._pg.dir / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError, TypeError):
            return None

    def settings(self) -> dict[str, str]:
        """The settings that decide what a commit costs (to print beside the results)."""
        import psycopg

        names = ["fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "shared_buffers", "server_version"]
        with psycopg.connect(self.url, autocommit=True) as conn:
            return {n: conn.execute(f"SHOW {n}").fetchone()[0] for n in names}  # constant names

    def stop(self) -> None:
        self._pg.stop()




@dataclass
class _Cpu:
    """CPU seconds per process of one part, to turn into a percentage between two samples."""

    seen: dict[int, float]
    at: float


class _Part:
    """One part of the setup (an app process, PostgreSQL, HAProxy): its processes' CPU % (of
    one core, summed over its processes) and RSS, once a second. A process that appeared since
    the last sample counts with all its CPU time; one that is gone no more."""

    def __init__(self, name: str, roots: list[int], *, children: bool = False):
        self.name = name
        self.roots = roots
        self.children = children
        self.samples: list[Sample] = []
        self._last: _Cpu | None = None

    def _procs(self) -> list[psutil.Process]:
        out = []
        for pid in self.roots:
            try:
                p = psutil.Process(pid)
            except psutil.Error:
                continue
            out.append(p)
            if self.children:
                try:
                    out += p.children(recursive=True)
                except psutil.Error:
                    pass
        return out

    def cpu_seconds(self) -> float | None:
        total, any_alive = 0.0, False
        for p in self._procs():
            try:
                t = p.cpu_times()
            except psutil.Error:
                continue
            total += t.user + t.system
            any_alive = True
        return total if any_alive else None

    def rss(self) -> int:
        total = 0
        for p in self._procs():
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
        return total

    def sample(self) -> None:
        now = time.monotonic()
        seen: dict[int, float] = {}
        rss = 0
        for p in self._procs():
            try:
                with p.oneshot():
                    t = p.cpu_times()
                    seen[p.pid] = t.user + t.system
                    rss += p.memory_info().rss
            except psutil.Error:
                continue
        last = self._last
        self._last = _Cpu(seen, now)
        if last is None or now <= last.at:
            return
        used = sum(max(0.0, cpu - last.seen.get(pid, 0.0)) for pid, cpu in seen.items())
        self.samples.append(Sample(now, 100 * used / (now - last.at), rss))


class ServeSetup:
    """``scripts/serve.sh`` with ``processes`` app processes on the database ``db`` (a
    ``postgresql://`` URL), HAProxy in front on :attr:`url`."""

    def __init__(
        self,
        db: str,
        processes: int,
        folder: Path,
        *,
        cluster: Cluster | None = None,
        test_mode: bool = True,
    ):
        self.db = db
        self.processes = processes
        self.folder = Path(folder)
        self.state = self.folder / "serve"
        self.cluster = cluster
        self.test_mode = test_mode
        self.port = free_ports(processes + 1)
        self.url = f"http://127.0.0.1:{self.port}"
        self.output_path = self.folder / "serve.out"
        self.proc: subprocess.Popen | None = None
        self.app_pids: list[int] = []
        self.haproxy_pid: int | None = None
        self.parts: dict[str, _Part] = {}
        self.samples: list[Sample] = []  # the app processes together (what AppServer.samples is)
        self.killed: dict[int, float] = {}  # app process number -> time.monotonic() of its SIGKILL
        self.stopped_cleanly: bool | None = None
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None
        self._out = None

    # -- start and stop ---------------------------------------------------------------------
    def start(self, timeout: float = 240.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        env = dict(
            os.environ,
            KOPKARTA_PORT=str(self.port),
            KOPKARTA_PROCESSES=str(self.processes),
            KOPKARTA_DB=self.db,
            KOPKARTA_SERVE_DIR=str(self.state),
            PYTHONPATH=str(ROOT),
        )
        if self.test_mode:
            env["KOPKARTA_TEST_MODE"] = "1"
        self._out = open(self.output_path, "wb")  # noqa: SIM115 - serve.sh writes it until stop()
        self.proc = subprocess.Popen(
            ["bash", str(SERVE_SH), *STREAMLIT_ARGS],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a stuck stop can be ended as a whole
        )
        deadline = time.monotonic() + timeout
        while READY not in self.output():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = self.output()[-3000:]
                self.stop()
                raise RuntimeError(f"scripts/serve.sh did not start: {tail}")
            time.sleep(0.3)
        self.app_pids = [int((self.state / f"app-{i}.pid").read_text()) for i in range(1, self.processes + 1)]
        self.haproxy_pid = self._find_haproxy()
        self.parts = {f"app{i}": _Part(f"app{i}", [pid]) for i, pid in enumerate(self.app_pids, 1)}
        if self.haproxy_pid is not None:
            self.parts["haproxy"] = _Part("haproxy", [self.haproxy_pid])
        postmaster = self.cluster.postmaster() if self.cluster is not None else None
        if postmaster is not None:
            self.parts["postgres"] = _Part("postgres", [postmaster], children=True)
        self._stop.clear()
        self._sampler = threading.Thread(target=self._sample, name="serve-sampler", daemon=True)
        self._sampler.start()

    def _find_haproxy(self) -> int | None:
        try:
            for child in psutil.Process(self.proc.pid).children():
                if child.name() == "haproxy":
                    return child.pid
        except psutil.Error:
            pass
        return None

    def _sample(self) -> None:
        for part in self.parts.values():
            part.sample()
        while not self._stop.wait(1.0):
            for part in self.parts.values():
                part.sample()
            apps = [self.parts[f"app{i}"].samples for i in range(1, self.processes + 1)]
            now = time.monotonic()
            fresh = [s[-1] for s in apps if s and now - s[-1].at < 0.9]
            if fresh:
                self.samples.append(Sample(now, sum(s.cpu for s in fresh), sum(s.rss for s in fresh)))

    def _end_sampling(self) -> None:
        self._stop.set()
        if self._sampler is not None:
            self._sampler.join(timeout=5)

    def stop(self) -> None:
        """SIGTERM to serve.sh, which stops HAProxy, then the app processes (each closes its
        pool and its listener), in order; the whole group gets SIGKILL after 120 s.
        :attr:`stopped_cleanly`: serve.sh ended with status 0, said "stopped", and had to kill
        no part of it ("did not stop within")."""
        self._end_sampling()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc is not None:
            out = self.output()
            self.stopped_cleanly = (
                self.proc.returncode == 0 and "serve.sh: stopped" in out and "did not stop within" not in out
            )
        if self._out is not None:
            self._out.close()
            self._out = None

    def kill_process(self, number: int) -> None:
        """SIGKILL app process ``number`` (1-based): no goodbye, as a crash or the OOM killer."""
        os.kill(self.app_pids[number - 1], signal.SIGKILL)
        self.killed[number] = time.monotonic()

    # -- what the runner reads ----------------------------------------------------------------
    def _apps(self) -> list[_Part]:
        return [self.parts[f"app{i}"] for i in range(1, self.processes + 1) if f"app{i}" in self.parts]

    def cpu_seconds(self) -> float | None:
        """The app processes' CPU time so far, summed (a killed one no more)."""
        values = [v for v in (p.cpu_seconds() for p in self._apps()) if v is not None]
        return sum(values) if values else None

    def rss(self) -> int:
        return sum(p.rss() for p in self._apps())

    def window(self, since: float, until: float | None = None) -> list[Sample]:
        until = until or time.monotonic()
        return [s for s in self.samples if since <= s.at <= until]

    def part_window(self, name: str, since: float, until: float) -> list[Sample]:
        part = self.parts.get(name)
        return [s for s in part.samples if since <= s.at <= until] if part is not None else []

    def output(self) -> str:
        try:
            return self.output_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def app_log(self, number: int) -> str:
        try:
            return (self.state / f"app-{number}.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def log_text(self) -> str:
        return "\n".join(self.app_log(i) for i in range(1, self.processes + 1))

    def log_errors(self) -> list[str]:
        """The errors every app process's log reports (see :func:`.server.log_errors`), each
        prefixed with its process."""
        out = []
        for i in range(1, self.processes + 1):
            out += [f"app{i}: {e}" for e in log_errors(self.app_log(i))]
        return out


# -- the room ---------------------------------------------------------------------------------
def prepare_room(db: str, folder: Path, *, vote_target: str = "stage") -> Room:
    """The load's room on the running setup's database: the B2B template (what
    :func:`workshop.services.live.create_workshop` makes of it) imported by the command line,
    then a dot vote on its stages started through the services with the facilitator key the
    import printed. Returns the same :class:`.room.Room` as :func:`.room.prepare`."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = template_map(
        "b2b", workshop_id="w-load", title="Load test", lang="en", question="How does a fleet manager buy?"
    )
    source = folder / "room.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "workshop", "import", str(source), "--db", db],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    if done.returncode != 0:
        raise RuntimeError(f"the command line could not import the room: {done.stderr.strip()}")
    workshop_id = done.stdout.strip().splitlines()[-1]
    found = re.search(r"join code (\S+); facilitator key (\S+)", done.stderr)
    if found is None:
        raise RuntimeError(f"the import printed no join code and key: {done.stderr.strip()}")
    code, key = found.groups()
    store = open_store(db)
    try:
        r = facilitation.start_vote(
            store, Facilitator(workshop_id, key), vote_target, budget=BUDGET, prompt="Where does the customer stall?"
        )
    finally:
        store.close()
    return Room(db, workshop_id, code, key, r.no, BUDGET, vote_target)


def scratch_folder(tag: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"kk-bench-{tag}-"))
