"""One load level: a fresh room, the server, the two browser probes, N protocol participants.

Order of a level: prepare the database (workshop + open vote) → start the server → start the
probes and wait until both browsers show the process page → note the server's RSS (probes only)
→ N participants join, spread over a few seconds → the clock starts when all have joined, and
for ``seconds`` they act → stop, SIGTERM the server, check the database. With ``kill`` the
server gets SIGKILL halfway (or later, once ``KILL_AFTER_ACKED`` actions were acknowledged), is started again on the same file and port, and the check is made
both through the app (a participant's token, the process page: its board's live state holds
every acknowledged step and note) and in the database.

With a :class:`Setup` on PostgreSQL (issue 16) the level runs the server setup instead:
``scripts/serve.sh`` with ``processes`` app processes behind HAProxy on a fresh database of a
throwaway cluster (:mod:`.serve`), the room seeded while it runs, and every participant and
probe keeping its HAProxy cookie as a browser does (so each stays on one process). With
``kill`` one app process gets SIGKILL halfway and is not started again: its participants
connect again as a browser would, HAProxy sends them to the living process, and the level
reports how many moved and how long until they worked again (:mod:`.several`).
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import sys
import time

from dataclasses import dataclass
from pathlib import Path

import psutil

from . import stream as http
from .client import Client, element_markers
from .participant import Participant, Plan, Record
from .room import prepare
from .server import ROOT, AppServer
from .verify import verify

OUT = ROOT / "bench" / "out"
#: the durability run kills the server only once this many actions were acknowledged
KILL_AFTER_ACKED = 15


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Setup:
    """How a level's app runs: ``duckdb`` (one ``streamlit run`` on a fresh DuckDB file, the
    harness's own :class:`.server.AppServer`) or ``postgresql`` (``scripts/serve.sh`` with
    ``processes`` app processes behind HAProxy, on a fresh database of ``cluster``)."""

    engine: str = "duckdb"
    processes: int = 1
    cluster: object | None = None  # a .serve.Cluster for postgresql
    #: name the level's files after the setup (``duckdb-n50``) even on DuckDB, whose files are
    #: ``n50`` otherwise (the "load" section's); PostgreSQL's always are (``pg-p2-n50``)
    tagged: bool = False

    @property
    def name(self) -> str:
        return "duckdb" if self.engine == "duckdb" else f"pg-p{self.processes}"

    @property
    def label(self) -> str:
        if self.engine == "duckdb":
            return "DuckDB, 1 process"
        return f"PostgreSQL, {self.processes} process{'es' if self.processes > 1 else ''}"


class Probes:
    """The browser probes' process (see :mod:`bench.load.probes`)."""

    def __init__(self, url: str, code: str, tag: str, out: Path = OUT):
        self.out = out / f"load-{tag}-probes.jsonl"
        self.stop_file = out / f"load-{tag}-probes.stop"
        self.processes: list[str] = []  # behind HAProxy: the app process of each browser
        for f in (self.out, self.stop_file):
            f.unlink(missing_ok=True)
        with open(out / f"load-{tag}-probes.log", "wb") as log:  # the child keeps its own handle
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.load.probes",
                    url,
                    code,
                    str(self.out),
                    "--seconds",
                    "3600",
                    "--stop-file",
                    str(self.stop_file),
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )

    def wait_ready(self) -> None:
        line = self.proc.stdout.readline()
        words = line.split()
        if not words or words[0] != "ready":
            raise RuntimeError(f"the browser probes did not start (see bench/out/*-probes.log): {line!r}")
        self.processes = words[1:]

    def stop(self) -> None:
        self.stop_file.touch()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def latencies(self, since_epoch: float, until_epoch: float) -> tuple[list[float], list[float], int]:
        """(seconds of each change seen in the window, the same timed around Playwright's calls
        (see :mod:`bench.load.probes`), changes never seen)."""
        seen, driver, missed = [], [], 0
        if self.out.exists():
            for line in self.out.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                if since_epoch <= row["at"] <= until_epoch:
                    if row["latency"] is None:
                        missed += 1
                    else:
                        seen.append(row["latency"])
                        driver.append(row["driver"])
        return seen, driver, missed


def run_level(
    n: int,
    seconds: float,
    *,
    seed: int = 1,
    probes: bool = True,
    kill: bool = False,
    profile: bool = False,
    setup: Setup | None = None,
    out: Path = OUT,
    suffix: str = "",
) -> dict:
    """One level; ``setup`` (default: DuckDB, one process) says how the app runs, ``out`` where
    its JSON, logs and database go (``load-<tag>.json``, ``suffix`` at its end; tag ``n<N>`` on DuckDB as ever,
    ``<setup>-n<N>`` otherwise)."""
    setup = setup or Setup()
    out.mkdir(parents=True, exist_ok=True)
    tag = f"n{n}" + ("-kill" if kill else "") + suffix
    if setup.engine != "duckdb":
        from .several import run_served  # the server setup's own steps

        return run_served(n, seconds, seed=seed, probes=probes, kill=kill, setup=setup, out=out, tag=f"{setup.name}-{tag}")
    if setup.tagged:
        tag = f"{setup.name}-{tag}"
    db, log = out / f"load-{tag}.duckdb", out / f"load-{tag}.log"
    log.unlink(missing_ok=True)
    room = prepare(db)
    server = AppServer(db, log, profile=out / f"load-{tag}-profile.txt" if profile else None)
    server.start()
    probe = None
    try:
        if probes and not kill:  # the durability run checks data, not latency
            probe = Probes(server.url, room.join_code, tag, out)
            probe.wait_ready()
        time.sleep(3)
        base_rss = statistics.median(server.rss() for _ in range(3))
        result = asyncio.run(drive(server, room, n, seconds, seed, kill))
        if probe is not None:
            probe_result(probe, result)
    finally:
        if probe is not None and probe.proc.poll() is None:
            probe.stop()
        server.stop()
    result.pop("window_epoch", None)
    result.pop("window_epoch_end", None)
    result.pop("_window", None)
    records = result.pop("_records")
    check = verify(db, room.workshop_id, room.round_no, records)
    result["actions"]["lost"] = check.lost
    result["actions"]["lost_examples"] = check.lost_examples
    result["actions"]["stored_unacknowledged"] = check.stored_unacknowledged
    result["server"]["rss_probes_only_mb"] = base_rss / 2**20
    rss_end = result["server"]["rss_end_mb"]
    result["server"]["rss_per_session_mb"] = (rss_end - base_rss / 2**20) / n if rss_end else None
    errors = server.log_errors()
    result["server"]["stopped_cleanly"] = server.stopped_cleanly
    result["log"] = {
        "error_lines": len(errors),
        "tracebacks": sum("Traceback" in e for e in errors),
        "examples": errors[:5],
    }
    if setup.tagged:
        result["setup"] = {"engine": "duckdb", "processes": 1, "label": setup.label}
    result.update(n=n, seconds=seconds, seed=seed, kill=kill)
    (out / f"load-{tag}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def probe_result(probe: Probes, result: dict) -> None:
    probe.stop()
    lat, driver, missed = probe.latencies(result.pop("window_epoch")[0], result["window_epoch_end"])
    result["live"]["probe_changes"] = len(lat) + missed
    result["probe"] = {
        "n": len(lat),
        "median": pct(lat, 0.5),
        "p95": pct(lat, 0.95),
        "max": max(lat, default=None),
        "not_seen": missed,
        "driver_median": pct(driver, 0.5),
        "driver_p95": pct(driver, 0.95),
        "processes": probe.processes,
    }


async def drive(
    server: AppServer, room, n: int, seconds: float, seed: int, kill: bool, *, sticky: bool = False
) -> dict:
    seen: dict[str, list[tuple[int, float]]] = {}
    plan = Plan(0.0, float("inf"), room.round_no, room.budget)
    people = [
        Participant(
            i,
            server.url,
            room.join_code,
            plan,
            random.Random(seed * 1000 + i),
            on_marker=_recorder(seen, i),
            jar=http.Jar() if sticky else None,
            rejoin=sticky and kill,
        )
        for i in range(n)
    ]
    lag = _LoopLag()
    lag_task = asyncio.create_task(lag.run())
    spread = min(20.0, 0.2 * n)
    t_join = time.monotonic()
    joined = await asyncio.gather(
        *(_join_later(p, spread * i / max(n, 1)) for i, p in enumerate(people)), return_exceptions=True
    )
    failed_joins = [str(r) for r in joined if isinstance(r, BaseException)]
    active = [p for p, r in zip(people, joined) if not isinstance(r, BaseException)]
    join_seconds = time.monotonic() - t_join
    plan.start = time.monotonic()
    plan.end = plan.start + seconds
    epoch0 = time.time()
    harness = psutil.Process()
    harness.cpu_percent(None)
    cpu = {"start": server.cpu_seconds()}
    cpu_task = asyncio.create_task(_cpu_at(server, plan.end, cpu))
    playing = [asyncio.create_task(p.play()) for p in active]
    killed = killed_process = None
    if kill:  # halfway, once some actions were acknowledged (a slow room acknowledges late)
        while time.monotonic() < plan.end - 1 and (
            time.monotonic() < plan.start + seconds / 2
            or sum(a.acked is not None for p in active for a in p.rec.actions) < KILL_AFTER_ACKED
        ):
            await asyncio.sleep(0.2)
        cpu_task.cancel()
        if sticky:  # the server setup: one app process, the one most participants are on
            counts = {}
            for p in active:
                counts[p.rec.process] = counts.get(p.rec.process, 0) + 1
            killed_process = max(sorted(k for k in counts if k), key=lambda k: counts[k])
            server.kill_process(int(killed_process.removeprefix("app")))
        else:
            server.kill()
        killed = time.monotonic()
    killed_in_burst = killed is not None and plan.in_burst(killed)  # dots every 0.5-2.5 s: actions under way
    await asyncio.gather(*playing)
    harness_cpu = harness.cpu_percent(None)
    server_runs = await _server_runs(server, active) if not kill else {}
    for p in people:
        await p.stop()
    lag_task.cancel()
    window = server.window(plan.start, plan.end)
    records = [p.rec for p in people]
    result = {
        "joins": {
            "ok": len(active),
            "failed": len(failed_joins),
            "examples": failed_joins[:3],
            "seconds": join_seconds,
        },
        "server": {
            "cpu_mean": statistics.fmean(s.cpu for s in window) if window else None,
            "cpu_max": max((s.cpu for s in window), default=None),
            "rss_end_mb": window[-1].rss / 2**20 if window else None,
            "rss_peak_mb": max((s.rss for s in window), default=0) / 2**20,
        },
        "harness": {"cpu": harness_cpu, "loop_lag_p95": pct(lag.lags, 0.95)},
        "actions": {**_actions(records, killed), **({"killed_in_vote_burst": killed_in_burst} if kill else {})},
        "clients": _client_latency(records, seen, plan.end, plan.start),
        "activity": {
            "app_runs": sum(r.runs for r in records),
            "polls": sum(r.polls for r in records),
            "client_errors": sum(len(r.errors) for r in records),
            "client_error_examples": [e for r in records for e in r.errors][:5],
        },
        "live": _live(records, plan.start, plan.end, cpu, server_runs),
        "window_epoch": (epoch0, epoch0 + seconds),
        "window_epoch_end": epoch0 + seconds,
        "_records": records,
        "_window": (plan.start, plan.end),
    }
    if kill:
        if sticky:  # the others go on: nothing to start again
            result["_killed"], result["_killed_process"] = killed, killed_process
        else:
            server.start()
        result["durability"] = await _seen_after_restart(server, records, jar=http.Jar() if sticky else None)
    return result


async def _cpu_at(server: AppServer, when: float, into: dict) -> None:
    """The server's CPU time when the clock stops (the window's end)."""
    await asyncio.sleep(max(0.0, when - time.monotonic()))
    into["end"] = server.cpu_seconds()


async def _server_runs(server: AppServer, people: list[Participant]) -> dict[str, dict[str, int]]:
    """The server's own count of each participant's script runs (its test mode), by token;
    behind HAProxy asked with the participant's cookies, so the process that served it answers
    (each process counts only its own sessions' runs)."""
    gate = asyncio.Semaphore(8)

    async def one(token: str, jar):
        async with gate:
            try:
                return token, await http.get_json(server.url, http.RUNS, {"t": token}, timeout=10, jar=jar)
            except Exception:  # noqa: BLE001 - not in the test mode, or gone: not counted
                return token, None

    answers = await asyncio.gather(*(one(p.rec.token, p.client.jar) for p in people if p.rec.token))
    return {token: counts for token, counts in answers if counts is not None}


def spread(values: list[float]) -> dict:
    """Mean, least and most of a per-client figure."""
    if not values:
        return {"mean": None, "min": None, "max": None}
    return {"mean": statistics.fmean(values), "min": min(values), "max": max(values)}


def _live(records: list[Record], start: float, end: float, cpu: dict, server_runs: dict) -> dict:
    """The live layer in the window [start, end]: per client, the stream's messages, the state
    reads and the script runs (as the client counted them, and the server's own count over the
    whole run); the public changes the stream told (one message per commit with public
    changes: distinct change numbers), the screens listening (the stream's count at the last
    connection), and the server's CPU per change per screen: CPU seconds in the window ÷
    (changes × screens)."""
    live = [r for r in records if r.joined is not None]

    def within(t: float) -> bool:
        return start <= t <= end

    per_kind = {
        k: spread([sum(1 for at, kind, _ in r.stream_log if kind == k and within(at)) for r in live])
        for k in ("put", "read", "voted")
    }
    changes = {v for r in live for at, kind, v in r.stream_log if kind in ("put", "read") and within(at)}
    # the screens on the stream: each process counts its own (one group on a single process)
    rooms: dict[str | None, int] = {}
    for r in live:
        rooms[r.process] = max(rooms.get(r.process, 0), r.room)
    subscribers = sum(rooms.values())
    cpu_s = cpu["end"] - cpu["start"] if cpu.get("end") is not None and cpu.get("start") is not None else None
    per = cpu_s / (len(changes) * subscribers) if cpu_s is not None and changes and subscribers else None
    counted = [server_runs[r.token] for r in live if r.token in server_runs]
    return {
        "window_seconds": end - start,
        "messages_per_client": spread([sum(1 for at, _, _ in r.stream_log if within(at)) for r in live]),
        "messages_by_kind": per_kind,
        "state_reads_per_client": spread([sum(1 for at in r.state_reads if within(at)) for r in live]),
        "runs_per_client": spread([sum(1 for at, kind in r.run_log if kind == "run" and within(at)) for r in live]),
        "fragment_runs_per_client": spread(
            [sum(1 for at, kind in r.run_log if kind == "fragment" and within(at)) for r in live]
        ),
        "polls_per_client": spread([sum(1 for at in r.poll_log if within(at)) for r in live]),
        "server_runs_per_client": {
            k: spread([c.get(k, 0) for c in counted]) for k in ("run", "asked", "poll")
        } if counted else None,
        "others_first_seen_via": {
            via: sum(1 for r in live for m, how in r.seen_via.items() if how == via and int(m[2:5]) != r.index)
            for via in ("stream", "run", "read")
        },
        "would_ask": sum(r.would_ask for r in live),
        "stream_connects": sum(r.stream_connects for r in live),
        "stream_errors": sum(len(r.stream_errors) for r in live),
        "stream_broken": sum(r.stream_broken for r in live),
        "stream_error_examples": [e for r in live for e in r.stream_errors][:5],
        "public_changes": len(changes),
        "subscribers": subscribers,
        "server_cpu_seconds": cpu_s,
        "cpu_ms_per_change_per_subscriber": 1000 * per if per is not None else None,
    }


async def _join_later(p: Participant, delay: float) -> None:
    await asyncio.sleep(delay)
    await p.join()


def _recorder(seen: dict, index: int):
    def note(marker: str, at: float) -> None:
        seen.setdefault(marker, []).append((index, at))

    return note


def _actions(records, killed: float | None) -> dict:
    actions = [a for r in records for a in r.actions]
    acked = [a.acked - a.sent for a in actions if a.acked is not None]
    by_kind = {k: sum(1 for a in actions if a.kind == k) for k in ("step", "note", "dot")}
    out = {
        "sent": len(actions),
        "by_kind": by_kind,
        "acknowledged": len(acked),
        "refused": sum(1 for a in actions if a.refused is not None),
        "refused_examples": sorted({a.refused for a in actions if a.refused})[:5],
        "unanswered": sum(1 for a in actions if a.unanswered),
        "unanswered_examples": [(a.kind, a.participant) for a in actions if a.unanswered][:10],
        "ack_median": pct(acked, 0.5),
        "ack_p95": pct(acked, 0.95),
    }
    if killed is not None:
        out["acknowledged_before_kill"] = sum(1 for a in actions if a.acked is not None and a.acked < killed)
        out["under_way_at_kill"] = sum(1 for a in actions if a.sent < killed and (a.acked is None or a.acked >= killed))
    return out


def _client_latency(records, seen: dict, end: float, start: float = 0.0) -> dict:
    """Change-to-screen on the protocol clients: from a step or note's send until each other
    participant's page showed it (changes made 10 s or more before the end and not refused;
    "not_seen" counts (change, screen) pairs that never showed it before the run ended).
    ``series``: per change, when it was sent (seconds after the clock started) and its median
    and slowest screen, to see where in the run (a vote burst?) the slow ones fall."""
    joined = {r.index: r.joined for r in records if r.joined is not None}
    process = {r.index: r.process for r in records}
    lat, missing, series = [], 0, []
    split: dict[str, list[float]] = {"same": [], "other": []}  # actor and screen on one process or two
    for r in records:
        for a in r.actions:
            if a.marker is None or a.refused is not None or a.sent > end - 10:
                continue
            saw = {i: t for i, t in seen.get(a.marker, []) if i != r.index}
            mine = []
            for i, t_join in joined.items():
                if i == r.index or t_join > a.sent:
                    continue
                if i in saw:
                    mine.append(saw[i] - a.sent)
                    split["same" if process[i] == r.process else "other"].append(saw[i] - a.sent)
                else:
                    missing += 1
            lat += mine
            if mine:
                series.append((round(a.sent - start, 1), round(pct(mine, 0.5), 2), round(max(mine), 2)))
    out = {
        "n": len(lat), "median": pct(lat, 0.5), "p95": pct(lat, 0.95), "not_seen": missing, "series": sorted(series),
    }
    if split["other"]:  # several processes: the change crossed from one to another (NOTIFY) or not
        out["by_process"] = {
            k: {"n": len(v), "median": pct(v, 0.5), "p95": pct(v, 0.95)} for k, v in split.items()
        }
    return out


async def _seen_after_restart(server: AppServer, records, jar: http.Jar | None = None) -> dict:
    """After the restart: does a participant's page (reopened with their token) show every
    step and note that someone saw acknowledged before the kill?"""
    who = next((r for r in records if r.token), None)
    if who is None:
        return {"checked": 0, "visible": 0}
    c = Client(server.url, jar=jar)
    await c.connect()
    try:
        screen = await c.open("process", f"t={who.token}", until=lambda s: bool(s.live_state("board")))
        on_board = set(element_markers(screen.live_state("board")))
        markers = [a.marker for r in records for a in r.actions if a.marker and a.acked is not None]
        missing = [m for m in markers if m not in on_board]
        return {
            "checked": len(markers),
            "visible": len(markers) - len(missing),
            "missing_examples": missing[:10],
            "recognised": screen.widget("text_input", "add_step_text") is not None,
        }
    finally:
        await c.close()


class _LoopLag:
    """How late the harness's own event loop wakes up (a busy harness skews its timings)."""

    def __init__(self):
        self.lags: list[float] = []

    async def run(self) -> None:
        while True:
            t0 = time.monotonic()
            await asyncio.sleep(0.25)
            self.lags.append(time.monotonic() - t0 - 0.25)
