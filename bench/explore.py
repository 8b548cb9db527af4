"""Benchmark of the motive explorer (issue 6): 200 workshops of the synthetic size in one database.

Run: ``.venv/bin/python -m bench.explore`` (writes the "Explore" section of bench/RESULTS.md).
The database is built once and kept in ``bench/out/explore-200.duckdb`` (importing 200 large
maps takes a minute or two); delete the file to build it again. Motive, objection and USP texts
are varied per workshop (case, plural endings, punctuation, small rewordings, and a share of
texts of their own), so the fuzzy grouping has real work to do, not 25 identical texts.

Each measure is the median of 5 runs of the full service call the page makes for that section;
"cold" empties the explorer's caches first (the first view after the server started), "after a
vote" changes one workshop first (the usual case while a workshop runs: only that workshop is
read again, and the texts are grouped again), "nothing changed" is a filter or slider moved.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

from bench.results import write_section
from workshop.analysis import grouping
from workshop.analysis.explore_data import Filters, narrow
from workshop.analysis.explore_objections import cause_table, objection_table
from workshop.analysis.explore_tables import matrix, motive_groups, motive_table, report, usp_coverage
from workshop.demo import synthetic_map
from workshop.exports.table_csv import records_csv
from workshop.render.explore_charts import (
    cause_figure,
    motive_function_figure,
    objection_figure,
)
from workshop.services import explore
from workshop.services.access import Scope
from workshop.services.maps import import_document
from workshop.ports import Storage
from workshop.store import open_store

WORKSHOPS = 200
DB = Path(__file__).resolve().parent / "out" / f"explore-{WORKSHOPS}.duckdb"
REPEAT = 5

MOTIVES = [
    "Lower fuel cost per km",
    "Fewer unplanned stops",
    "Keep drivers on board",
    "No new system islands for IT",
    "Prove compliance to the authority",
    "Less paperwork for dispatch",
    "Faster invoicing",
    "Safer driving",
    "Lower insurance premiums",
    "Real-time view of the fleet",
    "Meet the climate targets",
    "Shorter delivery windows",
    "Fewer customer complaints",
    "Predictable maintenance costs",
    "Easier onboarding of new drivers",
    "One supplier for everything",
]
OBJECTIONS = [
    "Drivers see it as surveillance",
    "No budget this year",
    "Unclear who owns fuel cost",
    "IT has no time for an integration",
    "We tried something like it before",
    "The contract with the old supplier runs two more years",
    "Procurement must run a tender",
    "The union has not been asked",
    "Too expensive per vehicle",
    "Data must stay in the EU",
]


def vary(rnd: random.Random, text: str, n: int) -> str:
    """The same idea written the way another workshop would write it (or, sometimes, a text of its own)."""
    roll = rnd.random()
    if roll < 0.15:
        return f"{text} in region {n}"  # a text of this workshop only (numbers never group)
    if roll < 0.35:
        text = text.lower()
    if roll > 0.8:
        text = text + "s" if not text.endswith("s") else text[:-1]
    if rnd.random() < 0.2:
        text = text + "!"
    if rnd.random() < 0.1:
        text = text.replace(" ", "  ", 1)
    return text


def workshop_map(i: int) -> dict:
    rnd = random.Random(1000 + i)
    doc = synthetic_map(workshop_id=f"w{i:03d}", seed=i)
    doc["workshop"]["title"] = f"Workshop {i + 1}"
    doc["workshop"]["language"] = rnd.choice(["en", "en", "sv", "nb"])
    doc["workshop"]["created_at"] = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z"
    for seg in doc["segments"]:
        for m in seg["motives"]:
            m["text"] = vary(rnd, rnd.choice(MOTIVES), i)
        for o in seg["objections"]:
            o["text"] = vary(rnd, rnd.choice(OBJECTIONS), i)
    for u in doc["usps"]:
        u["text"] = vary(rnd, u["text"], i)
    return doc


def database() -> tuple[Storage, float | None]:
    """The benchmark's store (built when missing); the seconds building it took, if it was built."""
    DB.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(DB)
    have = {w.id for w in store.list_workshops()}
    built = None
    if len(have) < WORKSHOPS:
        t0 = time.perf_counter()
        for i in range(WORKSHOPS):
            if f"w{i:03d}" not in have:
                import_document(store, workshop_map(i), actor="bench")
                if i % 20 == 19:
                    print(f"  imported {i + 1}/{WORKSHOPS}", file=sys.stderr)
        built = time.perf_counter() - t0
    return store, built


def median_ms(fn, *, before=None) -> float:
    out = []
    for _ in range(REPEAT):
        if before:
            before()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out) * 1000


def cold() -> None:
    explore.clear_cache()
    grouping._group.cache_clear()


def page(store: Storage, lang: str = "en") -> None:
    """What one run of the explore page computes, without Streamlit."""
    ids = Scope(admin=True, joined=frozenset()).workshop_ids(store)
    data = narrow(explore.load(store, ids), Filters())
    grouping.group_texts([m.text for m in data.motives], grouping.DEFAULT_THRESHOLD)  # the keep-apart options
    result = report(data)
    m = matrix(result.motives, 30)
    motive_function_figure(m, lang)
    objection_figure(result.objections, lang)
    cause_figure(result.causes, lang)
    for rows in (result.motives, result.usps, result.objections, result.causes):
        [r.record() for r in rows]  # the CSV files themselves are made only when a download is clicked


def main() -> int:
    store, built = database()
    try:
        ids = Scope(admin=True, joined=frozenset()).workshop_ids(store)
        data = explore.load(store, ids)

        def vote() -> None:
            store.add(
                "w000",
                "vote",
                {"participant": "p1", "about": "g0m0", "dots": 1},
                actor="p1",
            )

        groups = motive_groups(data)
        rows = []

        def row(name: str, value: float, goal: str = "") -> None:
            rows.append((name, f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms", goal))
            print(f"{name}: {rows[-1][1]}", file=sys.stderr)

        row(
            "visible workshops (admin scope: list of workshops)",
            median_ms(lambda: Scope(True, frozenset()).workshop_ids(store)),
        )
        row(
            "read motives, objections, USPs, roles (cold: 5 queries)",
            median_ms(lambda: explore.load(store, ids), before=cold),
        )
        row(
            "  the same after a vote in one workshop (that one is read again)",
            median_ms(lambda: explore.load(store, ids), before=vote),
        )
        row(
            "  the same, nothing changed (kept by change numbers)",
            median_ms(lambda: explore.load(store, ids)),
        )
        row(
            "filters (narrow to a language and a date range)",
            median_ms(
                lambda: narrow(
                    data,
                    Filters(languages={"en", "sv"}, since=data.date_range[0]),
                )
            ),
        )
        row(
            "group motive texts (cold)",
            median_ms(lambda: motive_groups(data), before=cold),
        )
        row(
            "motive × role-function table",
            median_ms(lambda: motive_table(data, groups)),
        )
        row(
            "USP coverage (grouping USP texts, cold)",
            median_ms(lambda: usp_coverage(data, groups), before=cold),
        )
        row(
            "objections (grouping objection texts, cold)",
            median_ms(lambda: objection_table(data), before=cold),
        )
        row("no-decision causes", median_ms(lambda: cause_table(data)))
        tables = report(data)
        row(
            "CSV of the four tables (made when a download is clicked)",
            median_ms(
                lambda: [
                    records_csv([r.record() for r in rows])
                    for rows in (tables.motives, tables.usps, tables.objections, tables.causes)
                ]
            ),
        )
        row(
            "whole page, cold (nothing read or grouped yet)",
            median_ms(lambda: page(store), before=cold),
            "",
        )
        row(
            "  background warm-up the server runs when it starts (`explore.warm`)",
            median_ms(lambda: explore.warm(store), before=cold),
            "",
        )
        row(
            "whole page, first view after the server started (the warm-up done)",
            median_ms(lambda: page(store), before=lambda: (cold(), explore.warm(store))),
            "≤ 1 s",
        )
        row(
            "whole page after a vote in one workshop",
            median_ms(
                lambda: page(store),
                before=lambda: (vote(), grouping._group.cache_clear()),
            ),
            "≤ 1 s",
        )
        row(
            "whole page, nothing changed (a filter or slider moved)",
            median_ms(lambda: page(store)),
            "≤ 1 s",
        )
        size = (
            f"{len(ids)} workshops, {len(data.segments)} segments, {len(data.motives):,} motives "
            f"({len({grouping.normalise(m.text) for m in data.motives}):,} distinct texts, {len(groups.groups):,} groups at "
            f"{grouping.DEFAULT_THRESHOLD}), {len(data.objections):,} objections, {len(data.usps):,} USPs"
        )
    finally:
        store.close()
    table = "| measure (median of 5) | result | goal |\n|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in rows
    )
    build = f" Building the database took {built:.0f} s." if built else ""
    body = (
        f"Command: `.venv/bin/python -m bench.explore`. One database with {WORKSHOPS} synthetic large maps "
        f"(`workshop.demo.synthetic_map`, texts varied per workshop): {size}; cached in `bench/out/`.{build} "
        '"Whole page" is everything one run of the explore page computes (scope, reads, filters, grouping, '
        "the four tables and three figures), without Streamlit's own drawing. "
        f"Load average while measuring: {os.getloadavg()[0]:.1f} (other work shares the 2 cores).\n\n" + table
    )
    write_section("Explore", body)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
