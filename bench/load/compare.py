"""The live layer, before and after (issue 15): the load curve of the code before the live layer
(commit ``6a5dd17``, with its own harness) and of this code (this harness), measured in turn in
one session on this machine, written to ``bench/RESULTS.md`` ("Live layer: before and after").

Its own command, never part of the test run (about 17 minutes a round at the default levels,
35–40 minutes for the default two rounds; see :func:`minutes`)::

    .venv/bin/python -m bench.load.compare                        # levels 30,50,100,200, 60 s, 2 rounds
    .venv/bin/python -m bench.load.compare --levels 10 --seconds 20 --rounds 1 --no-write   # does it start?
    .venv/bin/python -m bench.load.compare --report-only          # the section again from bench/out/compare/

*Before* runs in a second worktree of the same repository (made if missing:
``git worktree add --detach ../wt-before 6a5dd17``), with the same virtualenv, as
``python -m bench.load --levels N --seconds S --no-write`` there: that commit's own harness
(its participants follow the pages' pushed reruns; the stream did not exist), on that commit's
app. *After* is the same command in this worktree. Each level runs once per round for each
side, the order alternating (before first at the first level of the first round, after first
at the next, and so on), so a drift of the machine during the session falls on both. Each
run's JSON is kept in ``bench/out/compare/{before|after}-n<N>-r<round>.json`` with the load
average before it started. The machine is shared: before each run the script waits (up to
``--patience`` seconds) until the 1-minute load average is at most ``--quiet`` (2.0).

Server CPU per change per screen is computed the same way for both sides from their JSON: the
server's mean CPU over the measured window × its seconds ÷ ((steps and notes sent + the
probes' steps) × (N + 2 screens)). For *after* the figure measured on the stream (public
changes counted as the stream's messages, screens as its subscribers) is shown beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.results import write_section

from .report import _f
from .server import ROOT

BEFORE_COMMIT = "6a5dd17"
BEFORE_TREE = ROOT.parent / "wt-before"
LEVELS = (30, 50, 100, 200)
OUT = ROOT / "bench" / "out" / "compare"
SECTION = "Live layer: before and after"
COMMAND = ".venv/bin/python -m bench.load.compare"


def minutes(levels: list[int], seconds: float, rounds: int) -> float:
    """The session's wall-clock minutes, roughly: per run, the server and the two browsers start
    and the room settles (~40 s), N join (``min(20, 0.2 N)`` s), the measured seconds, the last
    answers and the check (~10 s, up to 30 more for an overloaded room); waiting for a quiet
    machine (``--quiet``) comes on top."""
    return 2 * rounds * sum(40 + min(20.0, 0.2 * n) + seconds + 10 for n in levels) / 60


def cpu_model() -> str:
    """``lscpu``'s model name (the cores are counted too)."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown CPU"
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    model = fields.get("Model name", "unknown CPU").strip()
    return f"{model}, {os.cpu_count()} cores"


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def before_tree(path: Path, commit: str) -> Path:
    """The worktree of ``commit`` (added if missing); refuses one at another commit."""
    want = git("rev-parse", f"{commit}^{{commit}}")
    if not path.exists():
        git("worktree", "add", "--detach", str(path), want)
    have = git("rev-parse", "HEAD", cwd=path)
    if have != want:
        raise SystemExit(f"{path} is at {have[:10]}, not {commit}: move it (git -C {path} checkout --detach {commit}) or pass --before-tree")
    return path


def wait_quiet(below: float, patience: float) -> float:
    """Wait until the machine's 1-minute load average is at most ``below`` (other work on these
    shared 2 cores skews a run; the last run's own load fades in about half a minute), at most
    ``patience`` seconds; returns the seconds waited."""
    t0 = time.monotonic()
    while below > 0 and os.getloadavg()[0] > below and time.monotonic() - t0 < patience:
        time.sleep(5)
    return time.monotonic() - t0


def run_one(
    which: str, tree: Path, n: int, seconds: float, seed: int, rnd: int, commit: str, *, quiet: float = 0.0, patience: float = 0.0
) -> dict:
    """One level with that tree's own harness; its JSON, kept in ``OUT``."""
    OUT.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KOPKARTA_DB", "KOPKARTA_TEST_MODE")}
    cmd = [sys.executable, "-m", "bench.load", "--levels", str(n), "--seconds", str(seconds), "--seed", str(seed), "--no-write"]
    waited = wait_quiet(quiet, patience)
    load_before = os.getloadavg()
    started = time.time()
    log = OUT / f"{which}-n{n}-r{rnd}.out"
    print(f"[{datetime.now():%H:%M:%S}] {which} N={n} round {rnd} (load {load_before[0]:.2f}) in {tree}", flush=True)
    with open(log, "w", encoding="utf-8") as sink:
        proc = subprocess.run(cmd, cwd=tree, env=env, stdout=sink, stderr=subprocess.STDOUT, check=False)
    text = log.read_text(encoding="utf-8")
    print("   " + (text.strip().splitlines() or ["(no output)"])[-1], flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"{which} N={n} failed (exit {proc.returncode}); see {log}")
    result = json.loads((tree / "bench" / "out" / f"load-n{n}.json").read_text(encoding="utf-8"))
    result["compare"] = {
        "which": which, "commit": commit, "round": rnd, "seed": seed, "started": started,
        "minutes": (time.time() - started) / 60, "load_before": load_before, "waited_for_quiet": waited,
    }
    (OUT / f"{which}-n{n}-r{rnd}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    shutil.copy(tree / "bench" / "out" / f"load-n{n}.log", OUT / f"{which}-n{n}-r{rnd}.server.log")
    return result


def per_change_per_screen(r: dict) -> float | None:
    """Server CPU ms per public change per screen, the same formula for both sides (see the module)."""
    s, by = r["server"], r["actions"]["by_kind"]
    p = r.get("probe") or {}
    changes = by.get("step", 0) + by.get("note", 0) + (p.get("n", 0) + p.get("not_seen", 0))
    screens = r["n"] + (2 if p else 0)
    if s.get("cpu_mean") is None or not changes:
        return None
    return 1000 * (s["cpu_mean"] / 100 * r["seconds"]) / (changes * screens)


def row(r: dict) -> str:
    p, c, a, s = r.get("probe") or {}, r["clients"], r["actions"], r["server"]
    lv = r.get("live") or {}
    msgs = (lv.get("messages_per_client") or {}).get("mean")
    runs = (lv.get("runs_per_client") or {}).get("mean")
    frag = (lv.get("fragment_runs_per_client") or {}).get("mean")
    stream = lv.get("cpu_ms_per_change_per_subscriber")
    return (
        f"| {r['n']} | {r['compare']['which']} {r['compare']['round']} | {_f(p.get('median'))} / {_f(p.get('p95'))} s ({p.get('n', '—')}, {p.get('not_seen', '—')} not seen) "
        f"| {_f(c['median'])} / {_f(c['p95'])} s ({c['not_seen']} not seen) | {_f(s['cpu_mean'], '{:.0f}')} % "
        f"| {_f(per_change_per_screen(r), '{:.2f}')} ms{f' ({stream:.2f} on the stream)' if stream is not None else ''} "
        f"| {a['sent']} / {a['acknowledged']} / {a['lost']} / {a['unanswered']} "
        f"| {_f(msgs, '{:.0f}') if lv else '—'} | {(_f(runs, '{:.1f}') + ' / ' + _f(frag, '{:.1f}')) if lv else '—'} "
        f"| {r['compare']['load_before'][0]:.2f} |"
    )


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summary_line(n: int, rows: list[dict]) -> str:
    def side(which: str) -> str:
        rs = [r for r in rows if r["compare"]["which"] == which]
        if not rs:
            return f"{which}: —"
        pb = _median([(r.get("probe") or {}).get("p95") for r in rs])
        pc = _median([r["clients"]["p95"] for r in rs])
        lost = sum(r["actions"]["lost"] + r["actions"]["unanswered"] for r in rs)
        return f"{which} p95 browsers {_f(pb)} s, clients {_f(pc)} s, {lost} lost or unanswered"

    return f"- N = {n}: {side('before')}; {side('after')}."


def write(results: list[dict], note: str = "") -> None:
    results = sorted(results, key=lambda r: (r["n"], r["compare"]["round"], r["compare"]["which"] != "before"))
    after = next((r for r in results if r["compare"]["which"] == "after"), None)
    before = next((r for r in results if r["compare"]["which"] == "before"), None)
    started = min(r["compare"]["started"] for r in results)
    ended = max(r["compare"]["started"] + 60 * r["compare"]["minutes"] for r in results)
    span = (
        f"{datetime.fromtimestamp(started, timezone.utc):%Y-%m-%d %H:%M}–{datetime.fromtimestamp(ended, timezone.utc):%H:%M} UTC"
    )
    table = (
        "| N | run | browsers median / p95 (changes, not seen) | clients median / p95 | server CPU "
        "| CPU per change per screen | actions sent / ack / lost / unanswered | stream messages per client "
        "| script runs per client: full / fragment | load before |\n|" + "---|" * 10 + "\n"
        + "\n".join(row(r) for r in results)
    )
    levels = sorted({r["n"] for r in results})
    body = (
        f"CPU: {cpu_model()} (`lscpu`). Command: `{COMMAND}` (levels {', '.join(map(str, levels))}, "
        f"{results[0]['seconds']:.0f} s each, the order alternating; {span}). "
        f"*Before* is commit `{(before or {}).get('compare', {}).get('commit', BEFORE_COMMIT)}` (the pages rerun for every change, pushed through "
        "Streamlit's internals) measured by its own harness in a second worktree; *after* is "
        f"`{(after or {}).get('compare', {}).get('commit', '?')}` (the live parts drawn in the browser from the event stream) "
        "measured by this harness, whose participants open the stream as the browser's component does. "
        "Same room for both: a B2B workshop with an open dot vote, two Chromium probes timing change-to-screen "
        "in the pages, N protocol participants adding steps and notes every 5–20 s and putting dots in the last 8 s "
        "of every 30 s (`python -m bench.load`, section \"load\"). Goals (issue 15): N = 100 p95 ≤ 1.0 s, "
        "N = 200 p95 ≤ 1.5 s, 0 lost actions.\n\n"
        "CPU per change per screen = the server's mean CPU over the window × its seconds ÷ ((steps and notes sent + "
        "the probes' steps) × (N + 2 screens)), the same formula for both; for *after*, in brackets, the same "
        "measured on the stream (CPU time ÷ public changes told × subscribers). \"Lost\" = acknowledged but not "
        "stored; \"unanswered\" = not shown to the actor within 30 s. \"Load before\" = the machine's 1-minute load "
        "average when the run started.\n\n"
        f"{table}\n\n" + "\n".join(summary_line(n, [r for r in results if r["n"] == n]) for n in levels)
        + (f"\n\n{note}" if note else "")
    )
    write_section(SECTION, body)


def saved() -> list[dict]:
    return [json.loads(f.read_text(encoding="utf-8")) for f in sorted(OUT.glob("*-n*-r*.json"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=2, help="runs per level and side (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before", default=BEFORE_COMMIT, help=f"the commit before (default {BEFORE_COMMIT})")
    parser.add_argument("--before-tree", type=Path, default=BEFORE_TREE, help=f"its worktree (default {BEFORE_TREE})")
    parser.add_argument(
        "--quiet", type=float, default=2.0,
        help="before each run wait until the 1-minute load average is at most this (0: do not wait; default 2.0)",
    )
    parser.add_argument("--patience", type=float, default=300.0, help="at most this many seconds (default 300)")
    parser.add_argument("--no-write", action="store_true", help="leave RESULTS.md alone")
    parser.add_argument("--report-only", action="store_true", help="write the section from bench/out/compare/*.json")
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)
    if args.report_only:
        write(saved(), args.note)
        return 0
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    old = before_tree(args.before_tree, args.before)
    trees = {"before": (old, git("rev-parse", "--short", "HEAD", cwd=old)), "after": (ROOT, git("rev-parse", "--short", "HEAD"))}
    if git("status", "--porcelain", "--untracked-files=no"):
        print("note: this worktree has uncommitted changes; 'after' is measured with them", flush=True)
    runs = len(levels) * 2 * args.rounds
    print(f"{cpu_model()}; {runs} runs, about {minutes(levels, args.seconds, args.rounds):.0f} minutes", flush=True)
    for f in OUT.glob("*-n*-r*.json") if OUT.exists() else ():
        f.unlink()  # a new session: the section is of this one only
    results = []
    for rnd in range(1, args.rounds + 1):
        for i, n in enumerate(levels):
            order = ("before", "after") if (rnd + i) % 2 == 1 else ("after", "before")
            for which in order:
                tree, commit = trees[which]
                results.append(
                    run_one(which, tree, n, args.seconds, args.seed, rnd, commit, quiet=args.quiet, patience=args.patience)
                )
    for n in levels:
        print(summary_line(n, [r for r in results if r["n"] == n]), flush=True)
    if not args.no_write:
        write(results, args.note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
