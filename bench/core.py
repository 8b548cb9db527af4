"""Benchmark of the map's core (issue 2): import, analyze, export, writes, concurrency, polling.

Run: ``.venv/bin/python -m bench.core`` (writes the "Core" section of bench/RESULTS.md).
The synthetic large map comes from :func:`workshop.demo.synthetic_map`.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from bench.results import write_section
from workshop.analysis import analyze
from workshop.demo import synthetic_map
from workshop.exports import render
from workshop.model.reader import read_map
from workshop.services.maps import export_document, import_bytes
from workshop.ports import Storage
from workshop.store import open_store

W = "synthetic"


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms"


def bare_commit_rate(folder: Path, n: int = 600) -> float:
    """Single-thread commits per second of a bare DuckDB transaction inserting one row."""
    con = duckdb.connect(str(folder / "bare.duckdb"))
    con.execute("CREATE TABLE t (workshop_id VARCHAR, seq BIGINT, data JSON)")
    t0 = time.perf_counter()
    for i in range(n):
        con.execute("BEGIN TRANSACTION")
        con.execute("INSERT INTO t VALUES (?, ?, ?)", ["w", i, '{"dots": 1}'])
        con.execute("COMMIT")
    rate = n / (time.perf_counter() - t0)
    con.close()
    return rate


def concurrent_vote_rate(store: Storage, writers: int = 30, each: int = 40) -> tuple[float, int]:
    people = [p["id"] for p in export_document(store, W)["participants"]]
    barrier = threading.Barrier(writers + 1)
    errors = []

    def work(n: int) -> None:
        who = people[n % len(people)]
        barrier.wait()
        for _ in range(each):
            try:
                store.add(W, "vote", {"participant": who, "about": "g0s0t0", "dots": 1}, actor=who)
            except Exception as exc:  # noqa: BLE001 - counted
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return writers * each / (time.perf_counter() - t0), len(errors)


def main() -> int:
    doc = synthetic_map()
    raw = json.dumps(doc).encode("utf-8")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = open_store(folder / "bench.duckdb")
        try:
            imports = []
            for i in range(5):
                t0 = time.perf_counter()
                import_bytes(store, raw, mode="replace" if i else "new")
                imports.append(time.perf_counter() - t0)
            rows.append(("import (read + validate + store) the large map", ms(imports), "≤ 1.5 s"))
            rows.append(("  of which read + validate", ms(timed(lambda: read_map(raw), 5)), ""))
            loaded = export_document(store, W)
            rows.append(("analyze the large map", ms(timed(lambda: analyze(loaded), 20)), "≤ 100 ms"))
            rows.append(
                ("export json (load from the store + write)", ms(timed(lambda: render(export_document(store, W), "json"), 10)), "≤ 500 ms")
            )
            votes = timed(lambda: store.add(W, "vote", {"participant": "p1", "about": "g0s0t0", "dots": 1}, actor="p1"), 300)
            rows.append(("a single write (a vote), median", ms(votes), "≤ 5 ms"))
            polls = timed(lambda: store.version(W), 100000)
            rows.append(("poll the change counter, median", f"{statistics.median(polls) * 1e6:.2f} µs", "≤ 0.1 ms"))
            bare = bare_commit_rate(folder)
            rate, errors = concurrent_vote_rate(store)
            ratio = rate / bare
            rows.append(("bare DuckDB transaction, single thread", f"{bare:.0f} commits/s", ""))
            rows.append(("30 concurrent writers (votes)", f"{rate:.0f} writes/s, {errors} errors", ""))
            rows.append(("ratio 30 writers / bare single thread", f"{ratio:.0%}", "≥ 80 %"))
        finally:
            store.close()
    table = "| measure | result | goal |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    size = f"Large map: 4 segments × 12 stages × 10 steps, 40 roles, 25 motives and 50 objections per segment, 1,500 votes, 60 deals ({len(raw) / 1e6:.2f} MB of JSON)."
    body = f"Command: `.venv/bin/python -m bench.core`. {size}\n\n{table}"
    write_section("Core", body)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
