"""Command line of the load harness (see :mod:`bench.load`)."""

from __future__ import annotations

import argparse
import json
import sys

from . import report
from .runner import run_level

MORE = (150, 200, 300, 400)


def broke(r: dict) -> bool:
    """A level the app did not hold: changes not reaching screens in time, actions or joins lost."""
    p = r.get("probe") or {}
    a = r["actions"]
    return bool(
        (p.get("p95") or 0) > 5.0
        or p.get("not_seen")
        or r["clients"]["not_seen"]
        or a["lost"]
        or a["unanswered"]
        or a["refused"]
        or r["joins"]["failed"]
        or r["log"]["tracebacks"]
        or (r.get("live") or {}).get("stream_errors")
    )


def summary(r: dict) -> str:
    p, a, s = r.get("probe") or {}, r["actions"], r["server"]
    return (
        f"N={r['n']}{' kill' if r['kill'] else ''}: joined {r['joins']['ok']}, latency median {report._f(p.get('median'))} s "
        f"p95 {report._f(p.get('p95'))} s (timed around Playwright {report._f(p.get('driver_median'))}/"
        f"{report._f(p.get('driver_p95'))} s; clients {report._f(r['clients']['median'])}/{report._f(r['clients']['p95'])} s), "
        f"CPU {report._f(s['cpu_mean'], '{:.0f}')} %, RSS {report._f(s['rss_end_mb'], '{:.0f}')} MB "
        f"({report._f(s['rss_per_session_mb'], '{:.1f}')} MB/session), actions {a['sent']} sent {a['acknowledged']} ack "
        f"{a['lost']} lost {a['refused']} refused {a['unanswered']} unanswered, log errors {r['log']['error_lines']}; "
        + live_summary(r)
    )


def live_summary(r: dict) -> str:
    lv = r.get("live") or {}

    def m(key: str, fmt: str = "{:.1f}") -> str:
        return report._f((lv.get(key) or {}).get("mean"), fmt)

    srv = lv.get("server_runs_per_client") or {}
    return (
        f"per client: {m('messages_per_client', '{:.0f}')} stream messages ({m('state_reads_per_client')} state reads), "
        f"runs {m('runs_per_client')} full / {m('fragment_runs_per_client')} fragment / {m('polls_per_client')} polls "
        f"(server's count over the run: {report._f((srv.get('run') or {}).get('mean'), '{:.1f}')} runs, "
        f"{report._f((srv.get('asked') or {}).get('mean'), '{:.1f}')} asked, {report._f((srv.get('poll') or {}).get('mean'), '{:.1f}')} polls); "
        f"{lv.get('public_changes', '—')} public changes × {lv.get('subscribers', '—')} screens, server "
        f"{report._f(lv.get('server_cpu_seconds'), '{:.1f}')} CPU s = "
        f"{report._f(lv.get('cpu_ms_per_change_per_subscriber'), '{:.3f}')} ms per change per screen; "
        f"stream errors {lv.get('stream_errors', '—')} (broken {lv.get('stream_broken', '—')}), would ask {lv.get('would_ask', '—')}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Load harness: N simulated participants on one app process (or, with --processes, on several).",
    )
    parser.add_argument(
        "--levels", default="10,30,50,100", help="participant counts, comma separated (default 10,30,50,100)"
    )
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="measured seconds per level, after everyone joined (default 60)"
    )
    parser.add_argument(
        "--until-break",
        action="store_true",
        help=f"after the levels, go on with {', '.join(map(str, MORE))} while the app holds",
    )
    parser.add_argument(
        "--kill", action="store_true", help="durability run instead: SIGKILL the server halfway, restart, check"
    )
    parser.add_argument("--kill-n", type=int, default=30, help="participants in the durability run (default 30)")
    parser.add_argument("--no-probes", action="store_true", help="leave out the two Chromium probes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile", action="store_true", help="sample the server's stacks; table in bench/out/load-n<N>-profile.txt"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md and the chart alone")
    parser.add_argument(
        "--report-only", action="store_true", help="write RESULTS.md and the chart from bench/out/load-*.json"
    )
    parser.add_argument(
        "--note", default="", help="a line to add to the RESULTS.md section (e.g. the machine was busy)"
    )
    several = parser.add_argument_group(
        "several processes (issue 16)",
        "--processes 1,2 --db postgresql: at each level, one DuckDB process and scripts/serve.sh (HAProxy in front) "
        "with each number of app processes on a throwaway PostgreSQL cluster (fsync on), in turn; then a SIGKILL of "
        "one of 2 processes (--kill: only that) and the cost of a poll and of a write; section 'Several processes on "
        "PostgreSQL (issue 16)' of RESULTS.md, bench/load_curve_processes.png, bench/out/processes/",
    )
    several.add_argument("--processes", help="app process counts on PostgreSQL, comma separated (e.g. 1,2)")
    several.add_argument(
        "--db", choices=("postgresql",), help="postgresql: a throwaway cluster of scripts/pg.sh (needs --processes)"
    )
    several.add_argument("--no-duckdb", action="store_true", help="leave out the DuckDB process at each level")
    several.add_argument("--no-kill", action="store_true", help="leave out the SIGKILL run")
    several.add_argument("--no-costs", action="store_true", help="leave out the cost of a poll and a write")
    several.add_argument("--ops", type=int, default=500, help="operations per cost measured (default 500)")
    several.add_argument(
        "--quiet", type=float, default=2.0, help="before each run, wait for a 1-minute load average at most this (0: don't)"
    )
    several.add_argument("--patience", type=float, default=300.0, help="... but at most this many seconds (default 300)")
    args = parser.parse_args(argv)
    if args.db and not args.processes:
        parser.error("--db postgresql goes with --processes (e.g. --processes 1,2)")
    if args.processes:
        return several_processes(args, argv)
    if args.report_only:
        report.write(report.saved(), args.note)
        return 0
    results = []
    if args.kill:
        results.append(
            run_level(
                args.kill_n, args.seconds, seed=args.seed, probes=not args.no_probes, kill=True, profile=args.profile
            )
        )
        print(summary(results[-1]), json.dumps(results[-1].get("durability")), flush=True)
    else:
        levels = [int(x) for x in args.levels.split(",") if x.strip()]
        if args.until_break:
            levels += [m for m in MORE if m > max(levels)]
        for i, n in enumerate(levels):
            if args.until_break and i > 0 and n > max(int(x) for x in args.levels.split(",")) and broke(results[-1]):
                break
            results.append(run_level(n, args.seconds, seed=args.seed, probes=not args.no_probes, profile=args.profile))
            print(summary(results[-1]), flush=True)
    if not args.no_write:
        # this run's results, and the other kind (the curve or the durability run) as saved before
        earlier = [r for r in report.saved() if r["kill"] != args.kill]
        report.write(earlier + results, args.note)
    return 0


def several_processes(args, argv: list[str] | None) -> int:
    """``--processes``: the server setup on PostgreSQL beside one DuckDB process (:mod:`.processes`)."""
    from . import processes

    if args.report_only:
        processes.write_report(args.note)
        return 0
    counts = [int(x) for x in args.processes.split(",") if x.strip()]
    if not counts or min(counts) < 1:
        raise SystemExit("python -m bench.load: --processes takes positive numbers, e.g. 1,2")
    command = "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:])
    processes.run(
        [int(x) for x in args.levels.split(",") if x.strip()],
        counts,
        args.seconds,
        seed=args.seed,
        probes=not args.no_probes,
        duckdb=not args.no_duckdb,
        kill=not args.no_kill,
        only_kill=args.kill,
        kill_n=args.kill_n,
        costs=not args.no_costs,
        ops=args.ops,
        quiet=args.quiet,
        patience=args.patience,
        command=f".venv/bin/{command}",
        note=args.note,
        write=not args.no_write,
        summary=summary,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
