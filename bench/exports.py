"""Benchmark of the exports (issue 5): every available format built from the synthetic large map.

Run: ``.venv/bin/python -m bench.exports`` (writes the "Exports" section of bench/RESULTS.md).
Goals: pptx ≤ 5 s, html ≤ 2 s, the documents for people (pdf, docx, onepager, battlecard; issue
19, item 7) and the xlsx workbook ≤ 5 s, every other format ≤ 1 s (median of 5 runs, after one warm-up run so a
library's first import is not counted; the import time is shown beside it). A per-segment
document is made for the map's first segment; the battle card for every segment.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from bench.results import write_section
from workshop.demo import synthetic_map
from workshop.exports import FORMATS, available, render

GOALS = {"pptx": 5.0, "html": 2.0, "pdf": 5.0, "docx": 5.0, "onepager": 5.0, "battlecard": 5.0, "xlsx": 5.0}
DEFAULT_GOAL = 1.0
REPEAT = 5


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def main() -> int:
    doc = synthetic_map()
    rows, failed = [], []
    first_segment = doc["segments"][0]["id"]
    for fmt in available():
        segment = first_segment if FORMATS[fmt].segment == "one" else None
        t0 = time.perf_counter()
        size = len(render(doc, fmt, segment=segment))  # the first run, with the format's imports
        first = time.perf_counter() - t0
        runs = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            render(doc, fmt, segment=segment)
            runs.append(time.perf_counter() - t0)
        median = statistics.median(runs)
        goal = GOALS.get(fmt, DEFAULT_GOAL)
        ok = median <= goal
        if not ok:
            failed.append(fmt)
        rows.append((fmt, FORMATS[fmt].extension, seconds(median), seconds(first), f"{size / 1e6:.2f} MB", f"≤ {seconds(goal)}", "yes" if ok else "**no**"))
    missing = [f for f in FORMATS if f not in available()]
    table = "| format | file | median of 5 | first run | size | goal | met |\n|---|---|---|---|---|---|---|\n" + "\n".join(
        "| " + " | ".join(row) + " |" for row in rows
    )
    size = "Large synthetic map (see Core): 4 segments × 12 stages × 10 steps, 40 roles, 25 motives, 50 objections per segment."
    note = f"\n\nNot yet available (not measured): {', '.join(missing)}." if missing else ""
    load = os.getloadavg()[0]  # a busy machine (other processes on the cores) slows every row alike
    note += f"\n\nLoad average (1 min) at the end: {load:.1f} on {os.cpu_count()} cores."
    body = f"Command: `.venv/bin/python -m bench.exports`. {size} Each format through `workshop.exports.render`, in the workshop's language; pdf, docx and onepager for the first segment, battlecard for all four.\n\n{table}{note}"
    write_section("Exports", body)
    print(table + note)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
