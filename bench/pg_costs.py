"""What a poll and a write cost on PostgreSQL next to DuckDB (issue 16), through the same store
and services the app's pages use, in one process.

Run: ``.venv/bin/python -m bench.pg_costs [--ops 500]`` (about a minute). It starts two
throwaway clusters with ``scripts/pg.sh`` (one as the server setup runs, fsync on; one with
``--fast``, fsync off, for comparison only) and a DuckDB file in a temporary folder, and
measures on each, with median and p95 over ``--ops`` operations:

* **poll**, the look-ups a screen makes many times a second: the change number
  (``store.version``, the feed's memory) and the facilitation state (``store.facilitation``),
  both dictionary reads on either engine; and a **snapshot read**, the whole map with the change
  number it holds (``store.load_versioned``, what :func:`workshop.services.live.snapshot` reads
  once per change for a process), on the load's room after a busy minute (the B2B template with
  300 steps and 100 notes) and on the large synthetic map (``bench.core``'s);
* **write**, one participant's change as the pages make it, returning after the commit: a step
  (``editing.add`` → ``store.add``) and a dot (``votes.set_dots`` in an open dot vote);
* on PostgreSQL, **told**: from a write's return until the change feed's listeners are told,
  in the writing process (its screens hear of their own change only when its NOTIFY comes back
  on the process's listening connection) and in another store (another app process: its own
  pool and listener, here in the same Python process).

The results go to ``bench/out/pg_costs.json`` and into the "Several processes on PostgreSQL
(issue 16)" section of ``bench/RESULTS.md`` (written by ``python -m bench.load --processes``,
which runs this first on its own cluster; ``--report-only`` there picks the JSON up).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from workshop.demo import synthetic_map
from workshop.services import editing, live, votes
from workshop.services import facilitation as fac
from workshop.services.maps import import_bytes
from workshop.store import open_store

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "pg_costs.json"
#: the load room after a busy minute: steps and notes added to the B2B template
ROOM_STEPS, ROOM_NOTES = 300, 100


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def stats(values: list[float]) -> dict:
    """Median and p95 in milliseconds (and the count)."""
    return {"n": len(values), "median_ms": 1000 * pct(values, 0.5), "p95_ms": 1000 * pct(values, 0.95)} if values else {}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


class _Told:
    """Waits for a store's change listeners to be told a workshop's change number."""

    def __init__(self, store, workshop_id: str):
        self.workshop_id = workshop_id
        self._cond = threading.Condition()
        self._version = 0
        self._at = 0.0
        store.subscribe(self._heard)

    def _heard(self, workshop_id, version, public, changes) -> None:
        if workshop_id != self.workshop_id:
            return
        with self._cond:
            if version > self._version:
                self._version, self._at = version, time.perf_counter()
            self._cond.notify_all()

    def when(self, version: int, timeout: float = 10.0) -> float | None:
        """perf_counter() when ``version`` (or later) was told; None if not within ``timeout``."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._version >= version, timeout):
                return None
            return self._at


def room(store) -> tuple[str, object, object, list[str], int]:
    """The load's room (as :func:`bench.load.room.prepare` makes it) with ROOM_STEPS steps and
    ROOM_NOTES notes added: (workshop, facilitator's identity, a participant, stage ids, round)."""
    made = live.create_workshop(
        store, title="Costs", language="en", template="b2b", name="Facilitator", function="sales",
        question="How does a fleet manager buy?",
    )
    w = made.workshop_id
    me = live.join(store, made.join_code, "Pat", "product")
    stages = [el.eid for el in store.elements(w, "stage")]
    for i in range(ROOM_STEPS):
        editing.add(store, me, "step", {"text": f"step {i} of the busy minute"}, parent=stages[i % len(stages)])
    for i in range(ROOM_NOTES):
        editing.add_note(store, me, f"note {i} of the busy minute", stages[i % len(stages)])
    boss = fac.as_facilitator(made.me, made.facilitator_key)
    r = fac.start_vote(store, boss, "stage", budget=6, prompt="Where does the customer stall?")
    return w, made, me, stages, r.no


def measure(where: str, ops: int, *, other: str | None = None) -> dict:
    """Every cost on the store at ``where`` (a DuckDB path or a PostgreSQL URL); ``other``: the
    same database opened a second time (PostgreSQL: another process's view) for ``told``."""
    store = open_store(where)
    second = open_store(other) if other else None
    try:
        w, _made, me, stages, round_no = room(store)
        out: dict = {}
        reps = max(ops * 20, 10000)
        out["version"] = stats(timed(lambda: store.version(w), reps))
        out["facilitation"] = stats(timed(lambda: store.facilitation(w), reps))
        out["snapshot_room"] = stats(timed(lambda: store.load_versioned(w), ops))
        out["room_elements"] = len(store.load_versioned(w)[3])

        told_here = _Told(store, w)
        told_there = _Told(second, w) if second is not None else None
        if second is not None:
            second.wait_until_told()
        steps, here, there = [], [], []
        for i in range(ops):
            t0 = time.perf_counter()
            el = editing.add(store, me, "step", {"text": f"cost {i}"}, parent=stages[i % len(stages)])
            t1 = time.perf_counter()
            steps.append(t1 - t0)
            if where.startswith("postgres"):  # the listeners hear of it by NOTIFY
                version = el.version
                at = told_here.when(version)
                if at is not None:
                    here.append(max(0.0, at - t1))
                if told_there is not None:
                    at = told_there.when(version)
                    if at is not None:
                        there.append(max(0.0, at - t1))
        out["write_step"] = stats(steps)
        if here:
            out["told_here"] = stats(here)
        if there:
            out["told_other"] = stats(there)
        dots = []
        voted = stages[:5]  # within the budget of 6: one dot on each, then each taken back, in turn
        for i in range(ops):
            about = voted[i % len(voted)]
            t0 = time.perf_counter()
            votes.set_dots(store, me, round_no, about, 1 if (i // len(voted)) % 2 == 0 else 0)
            dots.append(time.perf_counter() - t0)
        out["write_dot"] = stats(dots)

        large = import_bytes(store, json.dumps(synthetic_map()).encode("utf-8"), mode="new")
        wl = large.workshop_id
        out["large_elements"] = len(store.load_versioned(wl)[3])
        out["snapshot_large"] = stats(timed(lambda: store.load_versioned(wl), max(20, ops // 5)))
        return out
    finally:
        if second is not None:
            second.close()
        store.close()


def run(ops: int = 500, clusters: dict | None = None) -> dict:
    """Measure DuckDB and each PostgreSQL cluster of ``clusters`` (name → a started
    ``bench.load.serve.Cluster`` or ``tests.pg_support.PgCluster``); started here if None."""
    sys.path.insert(0, str(ROOT / "tests"))
    import pg_support

    started = []
    if clusters is None:
        clusters = {"pg": pg_support.PgCluster(fast=False), "pg_fast": pg_support.PgCluster(fast=True)}
        started = list(clusters.values())
        for c in started:
            c.start()
    results: dict = {"ops": ops, "engines": {}, "load_before": os.getloadavg()[0]}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results["engines"]["duckdb"] = measure(str(Path(tmp) / "costs.duckdb"), ops)
        for name, cluster in clusters.items():
            url = cluster.fresh_database()
            results["engines"][name] = measure(url, ops, other=url)
    finally:
        for c in started:
            c.stop()
    results["load_after"] = os.getloadavg()[0]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


NAMES = {"duckdb": "DuckDB (one file)", "pg": "PostgreSQL, fsync on", "pg_fast": "PostgreSQL, fsync off"}
ROWS = (
    ("version", "poll: the change number (`store.version`)"),
    ("facilitation", "poll: the facilitation state (`store.facilitation`)"),
    ("snapshot_room", "snapshot read of the load's room ({room_elements} elements)"),
    ("snapshot_large", "snapshot read of the large synthetic map ({large_elements} elements)"),
    ("write_step", "write: a step (`editing.add` → `store.add`), until committed"),
    ("write_dot", "write: a dot (`votes.set_dots`), until committed"),
    ("told_here", "from a write's return until its own process's listeners are told (NOTIFY back)"),
    ("told_other", "from a write's return until another process's listeners are told"),
)


def _cell(s: dict | None) -> str:
    if not s:
        return "—"
    med, p95 = s["median_ms"], s["p95_ms"]
    if p95 < 0.1:
        return f"{med * 1000:.2f} / {p95 * 1000:.2f} µs"
    return f"{med:.2f} / {p95:.2f} ms"


def table(results: dict) -> str:
    engines = [e for e in ("duckdb", "pg", "pg_fast") if e in results["engines"]]
    head = "| cost (median / p95) | " + " | ".join(NAMES[e] for e in engines) + " |\n|---|" + "---|" * len(engines)
    lines = []
    first = results["engines"][engines[0]]
    for key, label in ROWS:
        if not any(key in results["engines"][e] for e in engines):
            continue
        label = label.format(room_elements=first.get("room_elements", "?"), large_elements=first.get("large_elements", "?"))
        lines.append(f"| {label} | " + " | ".join(_cell(results["engines"][e].get(key)) for e in engines) + " |")
    return head + "\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_costs", description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=500, help="operations per measure (default 500)")
    args = parser.parse_args(argv)
    results = run(args.ops)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
