"""Benchmark of guessing (issue 18, item 2): how many wrong join codes reach the database
through the services, before the guard and with it, on a real DuckDB file with the fleet demo.

* no caller (as before the guard, and as the command line still calls): wrong codes a second;
* one browser session guessing for :data:`SECONDS` (the real clock): how many codes were looked
  at, and what a refused try costs;
* a new session per guess from one address for :data:`SECONDS`: how many were looked at;
* meanwhile, the right code from another session of the same address: it joins.

Run: ``.venv/bin/python -m bench.guard`` (writes the "Guessing (issue 18)" section of RESULTS.md).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.results import write_section

SECONDS = 10.0


def _run(store, code: str, guess) -> tuple[int, int, list[float]]:
    """Guess for SECONDS; (codes looked at, refused, seconds per refusal)."""
    from workshop.errors import NotFound
    from workshop.services.guard import TooManyAttempts

    looked, refused, costs = 0, 0, []
    end = time.monotonic() + SECONDS
    n = 0
    while time.monotonic() < end:
        n += 1
        started = time.perf_counter()
        try:
            guess(n)
        except NotFound:
            looked += 1
        except TooManyAttempts:
            refused += 1
            costs.append(time.perf_counter() - started)
    return looked, refused, costs


def main() -> None:
    from workshop import demo
    from workshop.errors import NotFound
    from workshop.services import live
    from workshop.services.guard import GUARD, Caller, TooManyAttempts
    from workshop.services.maps import import_document
    from workshop.store import open_store

    newcomer_wait = 0
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "guess.duckdb") as store:
        code = import_document(store, demo.example("fleet")).created.join_code
        wrong = lambda n: f"Z{n:06d}"  # never a code: a digit 0 is not in the alphabet  # noqa: E731

        count, end = 0, time.monotonic() + 3.0
        while time.monotonic() < end:
            try:
                live.join(store, wrong(count), "Bot")
            except NotFound:
                count += 1
        unguarded = count / 3.0

        GUARD.clear()
        one = Caller("bot", "198.51.100.1")
        s_looked, s_refused, s_costs = _run(store, code, lambda n: live.join(store, wrong(n), "Bot", caller=one))

        GUARD.clear()
        fia_caller = Caller("fia", "198.51.100.1")
        live.join(store, code, "Fia", caller=fia_caller)  # in before the guessing starts
        a_looked, a_refused, a_costs = _run(store, code, lambda n: live.join(store, wrong(n), "Bot", caller=Caller(f"bot-{n}", "198.51.100.1")))
        started = time.perf_counter()
        fia = live.join(store, code, "Fia", caller=fia_caller)  # one of the room: never refused for the address
        joined = time.perf_counter() - started
        try:  # a new session of that address waits until the count is back under the limit
            neighbour = live.join(store, code, "Ann", caller=Caller("ann", "198.51.100.1"))
        except TooManyAttempts as exc:
            neighbour, newcomer_wait = None, exc.retry_after
        GUARD.clear()

    us = lambda xs: f"{statistics.median(xs) * 1e6:.0f} µs" if xs else "—"  # noqa: E731
    body = f"""\
`.venv/bin/python -m bench.guard`: wrong join codes through the services (`live.join`) on a
DuckDB file, for {SECONDS:.0f} s each, with the guard's default limits
(`workshop/services/guard.py`).

| who guesses | codes looked at | refused | a refusal costs (median) |
|---|---:|---:|---:|
| no caller (as before the guard; the command line) | {unguarded:,.0f} a second | — | — |
| one browser session | {s_looked} in {SECONDS:.0f} s | {s_refused:,} | {us(s_costs)} |
| a new session per guess, one address | {a_looked} in {SECONDS:.0f} s | {a_refused:,} | {us(a_costs)} |

After it, a participant who was in before at that address joined again ({'yes' if fia else 'no'},
{joined * 1000:.1f} ms); a newcomer there {'joined' if neighbour else f'was told to wait {newcomer_wait} s'}.
"""
    print(body)
    write_section("Guessing (issue 18)", body)


if __name__ == "__main__":
    main()
