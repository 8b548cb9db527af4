"""Several processes on PostgreSQL (issue 16): the load curve of one DuckDB process and of the
server setup on PostgreSQL with 1 and 2 app processes behind HAProxy, measured in turn in the
same run; the SIGKILL of one of 2 app processes; the cost of a poll and of a write.

Its own command (``python -m bench.load --processes 1,2 --db postgresql``; see
:mod:`bench.load.__main__`), never part of the test run. One session:

1. a throwaway PostgreSQL cluster (``scripts/pg.sh``, fsync on) for the whole session, and the
   costs (:mod:`bench.pg_costs`) on it, beside DuckDB and a second cluster with fsync off;
2. for each N of ``levels``, each setup in turn (DuckDB 1 process, then PostgreSQL with each
   process count of ``processes``; the order rotates from one N to the next, so a drift of the
   machine falls on all of them), after waiting for a quiet machine (1-minute load average ≤
   ``quiet``, at most ``patience`` seconds): :func:`bench.load.runner.run_level`, a fresh
   database and a fresh server (``scripts/serve.sh`` for PostgreSQL) per run;
3. the kill run: 2 processes on PostgreSQL, ``kill_n`` participants, one process SIGKILLed
   halfway;
4. the "Several processes on PostgreSQL (issue 16)" section of ``bench/RESULTS.md`` and
   ``bench/load_curve_processes.png`` (:mod:`bench.load.report_processes`).

Each run's JSON is kept in ``bench/out/processes/`` (with the load average before it), the
session's facts in ``session.json``; ``--report-only`` writes the section again from them.
A level takes its measured seconds and about a minute more per setup.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone

from . import report_processes as report
from .compare import cpu_model, wait_quiet
from .runner import OUT, Setup, run_level

FOLDER = OUT / "processes"
SESSION = FOLDER / "session.json"


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _keep(result: dict, tag: str, extra: dict) -> dict:
    result["session"] = extra
    (FOLDER / f"load-{tag}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def run(
    levels: list[int],
    processes: list[int],
    seconds: float,
    *,
    seed: int = 1,
    probes: bool = True,
    duckdb: bool = True,
    kill: bool = True,
    only_kill: bool = False,
    kill_n: int = 30,
    costs: bool = True,
    ops: int = 500,
    quiet: float = 2.0,
    patience: float = 300.0,
    command: str = "",
    note: str = "",
    write: bool = True,
    summary=None,
) -> list[dict]:
    from bench import pg_costs

    from .serve import Cluster

    FOLDER.mkdir(parents=True, exist_ok=True)
    meta = {"started": _stamp(), "cpu": cpu_model(), "command": command or report.COMMAND}
    results: list[dict] = []
    cluster = Cluster().start()
    try:
        meta["pg_settings"] = cluster.settings()
        if costs and not only_kill:
            import pg_support  # on the path through .serve

            fast = pg_support.PgCluster(fast=True).start()
            try:
                wait_quiet(quiet, patience)
                print(f"[{datetime.now():%H:%M:%S}] costs of a poll and a write ({ops} operations each)", flush=True)
                measured = pg_costs.run(ops, clusters={"pg": cluster, "pg_fast": fast})
                print(pg_costs.table(measured), flush=True)
            finally:
                fast.stop()
        setups = ([Setup(tagged=True)] if duckdb else []) + [Setup("postgresql", p, cluster) for p in processes]
        for i, n in enumerate(levels if not only_kill else []):
            turn = i % len(setups)
            for setup in setups[turn:] + setups[:turn]:
                waited = wait_quiet(quiet, patience)
                load = os.getloadavg()[0]
                print(f"[{datetime.now():%H:%M:%S}] N={n} {setup.label} (load {load:.2f})", flush=True)
                t0 = time.time()
                r = run_level(n, seconds, seed=seed, probes=probes, setup=setup, out=FOLDER)
                extra = {"load_before": load, "waited_for_quiet": waited, "minutes": (time.time() - t0) / 60}
                results.append(_keep(r, f"{setup.name}-n{n}", extra))
                if summary is not None:
                    print("   " + summary(r), flush=True)
        if kill or only_kill:
            setup = Setup("postgresql", 2, cluster)
            waited = wait_quiet(quiet, patience)
            load = os.getloadavg()[0]
            print(f"[{datetime.now():%H:%M:%S}] kill run: N={kill_n} {setup.label} (load {load:.2f})", flush=True)
            # a run of other than 60 s kills at another moment (halfway): kept beside the 60 s one
            suffix = "" if seconds == 60 else f"-s{seconds:g}"
            r = run_level(kill_n, seconds, seed=seed, probes=False, kill=True, setup=setup, out=FOLDER, suffix=suffix)
            results.append(
                _keep(r, f"{setup.name}-n{kill_n}-kill{suffix}", {"load_before": load, "waited_for_quiet": waited})
            )
            print("   " + json.dumps(r.get("moves")), json.dumps(r.get("durability")), flush=True)
    finally:
        cluster.stop()
    meta["ended"] = _stamp()
    old = json.loads(SESSION.read_text(encoding="utf-8")) if SESSION.exists() else {}
    if only_kill:  # the curve's session stays the one described
        meta = {**old, "kill_run": meta}
    SESSION.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    if write:
        write_report(note)
    return results


def write_report(note: str = "") -> None:
    """The section and the chart from what ``bench/out/processes`` and ``bench/out/pg_costs.json`` hold."""
    from bench.pg_costs import OUT as COSTS

    meta = json.loads(SESSION.read_text(encoding="utf-8")) if SESSION.exists() else {}
    costs = json.loads(COSTS.read_text(encoding="utf-8")) if COSTS.exists() else None
    report.write(report.saved(FOLDER), costs, meta, note)
