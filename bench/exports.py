"""Benchmark of the exports (issue 5): every available format built from the synthetic large map.

Run: ``.venv/bin/python -m bench.exports`` (writes the "Exports" section of bench/RESULTS.md).
Goals: pptx (the executive deck) and pptx-appendix (every detail, 200+ slides) ≤ 5 s each, the
documents for people (pdf, docx, onepager, battlecard) and the xlsx workbook ≤ 5 s each (issue 19,
item 7), html ≤ 2 s, every other format ≤ 1 s (median of 5 runs, after one warm-up run so a
library's first import is not counted; the import time is shown beside it). A per-segment
document is made for the map's first segment; the battle card for every segment.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from io import BytesIO

from bench.results import write_section
from workshop.demo import synthetic_map
from workshop.exports import FORMATS, available, render

GOALS = {"pptx": 5.0, "pptx-appendix": 5.0, "html": 2.0, "pdf": 5.0, "docx": 5.0, "onepager": 5.0, "battlecard": 5.0, "xlsx": 5.0}
DEFAULT_GOAL = 1.0
REPEAT = 5


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def slides(data: bytes) -> int:
    """The slide count of a .pptx file."""
    from pptx import Presentation

    return len(Presentation(BytesIO(data)).slides)


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
    decks = ", ".join(f"{fmt} {slides(render(doc, fmt))}" for fmt in available() if FORMATS[fmt].extension == "pptx")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    table = "| format | file | median of 5 | first run | size | goal | met |\n|---|---|---|---|---|---|---|\n" + "\n".join(
        "| " + " | ".join(row) + " |" for row in rows
    )
    size = "Large synthetic map (see Core): 4 segments × 12 stages × 10 steps, 40 roles, 25 motives, 50 objections per segment."
    note = f"\n\nSlides of the decks: {decks}. Load average after the runs (1, 5, 15 min): {load}."
    note += f"\n\nNot yet available (not measured): {', '.join(missing)}." if missing else ""
    body = f"Command: `.venv/bin/python -m bench.exports`. {size} Each format through `workshop.exports.render`, in the workshop's language; pdf, docx and onepager for the first segment, battlecard for all four.\n\n{table}{note}"
    write_section("Exports", body)
    print(table + note)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
