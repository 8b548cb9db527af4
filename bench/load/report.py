"""The load curve in ``bench/RESULTS.md`` (section "load") and ``bench/load_curve.png``.

The chart is a plotly figure written to an offline HTML file (plotly's JS inlined) and
photographed with the system Chromium through Playwright, so no kaleido is needed.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.results import RESULTS, write_section

from .runner import OUT

PNG = RESULTS.parent / "load_curve.png"
GOALS = {"median": 1.0, "p95": 1.5, "mb_per_session": 40.0, "at": 50}
#: issue 15 (the live layer): p95 change-to-screen by room size, and no action lost
LIVE_GOALS = {100: 1.0, 200: 1.5}
COMMAND = ".venv/bin/python -m bench.load --levels 10,30,50,100 --seconds 60 --until-break"


def _f(value, fmt: str = "{:.2f}", none: str = "—") -> str:
    return none if value is None else fmt.format(value)


def _mean(spread: dict | None, fmt: str = "{:.1f}") -> str:
    return _f((spread or {}).get("mean"), fmt)


def live_cells(r: dict) -> str:
    """CPU per change per screen, stream messages and script runs per client (in the window)."""
    lv = r.get("live") or {}
    runs = f"{_mean(lv.get('runs_per_client'))} / {_mean(lv.get('fragment_runs_per_client'))} / {_mean(lv.get('polls_per_client'))}"
    return (
        f"| {_f(lv.get('cpu_ms_per_change_per_subscriber'), '{:.3f}')} ms ({lv.get('public_changes', '—')} × {lv.get('subscribers', '—')}) "
        f"| {_mean(lv.get('messages_per_client'), '{:.0f}')} ({_mean(lv.get('state_reads_per_client'))} reads) | {runs} "
    )


def row(r: dict) -> str:
    a, s, p, c = r["actions"], r["server"], r.get("probe") or {}, r["clients"]
    return (
        f"| {r['n']} | {r['joins']['ok']}/{r['n']} | {_f(p.get('median'))} s | {_f(p.get('p95'))} s | {p.get('n', '—')} / {p.get('not_seen', '—')} "
        f"| {_f(c['median'])} s | {_f(c['p95'])} s | {_f(s['cpu_mean'], '{:.0f}')} % ({_f(s['cpu_max'], '{:.0f}')}) "
        + live_cells(r)
        + f"| {_f(s['rss_end_mb'], '{:.0f}')} MB | {_f(s['rss_per_session_mb'], '{:.1f}')} MB "
        f"| {a['sent']} / {a['acknowledged']} / {a['lost']} / {a['refused']} / {a['unanswered']} ({a.get('stored_unacknowledged', 0)}) | {_f(a['ack_median'])} s "
        f"| {r['log']['error_lines']} |"
    )


def verdict(results: list[dict]) -> str:
    at = next((r for r in results if r["n"] == GOALS["at"] and not r["kill"]), None)
    if at is None:
        return f"No run at N = {GOALS['at']} yet." + live_verdict(results)
    p, c, a = at.get("probe") or {}, at["clients"], at["actions"]

    def lat(q: str, goal: float):
        """Met only if both the browsers and the protocol clients meet it, and every change was seen."""
        values = [v for v in (p.get(q), c[q]) if v is not None]
        seen_all = not p.get("not_seen") and not c["not_seen"]
        text = f"browsers {_f(p.get(q))} s (n = {p.get('n', 0)}, {p.get('not_seen', 0)} not seen), clients {_f(c[q])} s (n = {c['n']}, {c['not_seen']} not seen)"
        return bool(values) and seen_all and max(values) <= goal, text

    checks = [
        (f"latency median ≤ {GOALS['median']} s", *lat("median", GOALS["median"])),
        (f"latency p95 ≤ {GOALS['p95']} s", *lat("p95", GOALS["p95"])),
        (
            "zero lost actions",
            a["lost"] == 0 and a["unanswered"] == 0,
            f"{a['lost']} lost, {a['unanswered']} unanswered in 30 s",
        ),
        (
            f"memory ≤ {GOALS['mb_per_session']:.0f} MB per session",
            (at["server"]["rss_per_session_mb"] or 0) <= GOALS["mb_per_session"],
            _f(at["server"]["rss_per_session_mb"], "{:.1f}") + " MB",
        ),
    ]
    lines = [f"| {name} | {value} | {'met' if ok else '**not met**'} |" for name, ok, value in checks]
    return f"Goals at N = {GOALS['at']}:\n\n| goal | measured | |\n|---|---|---|\n" + "\n".join(lines) + live_verdict(results)


def live_verdict(results: list[dict]) -> str:
    """Issue 15's goals: p95 ≤ LIVE_GOALS[N] for browsers and clients, every change seen, 0 lost."""
    lines = []
    for n, goal in LIVE_GOALS.items():
        r = next((r for r in results if r["n"] == n and not r["kill"]), None)
        if r is None:
            continue
        p, c, a = r.get("probe") or {}, r["clients"], r["actions"]
        values = [v for v in (p.get("p95"), c["p95"]) if v is not None]
        ok = bool(values) and max(values) <= goal and not p.get("not_seen") and not c["not_seen"]
        lost_ok = a["lost"] == 0 and a["unanswered"] == 0
        lines.append(
            f"| N = {n}: p95 ≤ {goal} s, 0 lost | browsers {_f(p.get('p95'))} s, clients {_f(c['p95'])} s; "
            f"{a['lost']} lost, {a['unanswered']} unanswered | {'met' if ok and lost_ok else '**not met**'} |"
        )
    if not lines:
        return ""
    return "\n\nIssue 15 (the live layer):\n\n| goal | measured | |\n|---|---|---|\n" + "\n".join(lines)


def durability(r: dict) -> str:
    a, d = r["actions"], r.get("durability", {})
    return (
        f"Durability (`--kill`): {r['n']} participants, SIGKILL halfway through {r['seconds']:.0f} s, restart on the same file: "
        f"{a.get('acknowledged_before_kill', '—')} actions acknowledged before the kill, {a.get('under_way_at_kill', '—')} under way at the kill "
        f"(never acknowledged); after the restart {d.get('visible', '—')} of {d.get('checked', '—')} acknowledged steps and notes on a "
        f"participant's reopened page (token recognised: {d.get('recognised', '—')}), and in the database {a['lost']} acknowledged "
        f"actions lost ({a['acknowledged']} acknowledged in all, dots included)."
    )


def write(results: list[dict], note: str = "") -> None:
    curve = sorted((r for r in results if not r["kill"]), key=lambda r: r["n"])
    kills = [r for r in results if r["kill"]]
    table = (
        "| N | joined | latency median | p95 | probes measured / not seen | clients' median | p95 | server CPU mean (max) "
        "| server CPU per change per screen (changes × screens) | stream messages per client (state reads) "
        "| script runs per client: full / fragment / polls | RSS | per session "
        "| actions sent / ack / lost / refused / unanswered (of which stored) | ack median | log errors |\n|"
        + "---|" * 16
        + "\n"
        + "\n".join(row(r) for r in curve)
    )
    body = (
        f"Command: `{COMMAND}` (`--kill` for the durability run; `--help` for the rest). "
        "Each level: a fresh database with a B2B workshop and an open dot vote on its stages; two headless Chromium "
        "probes on the process page measure change-to-screen latency every ~3 s (A adds a step, time from the click on A's page "
        "until the frame in which B's page shows it, taken in the pages, the board's shadow root included; "
        '"not seen" = not shown within 60 s); N participants speak Streamlit\'s websocket protocol, join by the QR link, keep '
        "the process page live as a browser does (its board is a live part that the workshop's event stream `/_kopkarta/events` "
        "keeps up to date with no script run: each client opens the stream right after the page is drawn, takes others' steps and "
        "notes from its messages and reads a part's state again when told to; the page's 30 s safety-net poll runs too) and every "
        "5–20 s add a step (60 %) or post a note on a stage (40 %); "
        'in the last 8 s of every 30 s all of them put or move dots every 0.5–2.5 s (a click on the ballot, a live part: its trigger reruns the round panel\'s fragment), then go back to their 5–20 s rhythm; a widget inside a fragment reruns that fragment, as in a browser (the quick add, the sidebar\'s note form and the ballot are fragments). "clients\' median" is the same '
        'latency seen by the protocol participants (until the stream\'s message, or a run\'s live state, brings the change); "ack" is the time until the actor\'s own run ended with no error and its change is on its screen; '
        '"unanswered" = not shown to the actor within 30 s ("stored": in the database all the same). '
        "Server CPU per change per screen = the server's CPU seconds in the measured window ÷ (public changes in the window, "
        "counted on the stream × screens on the stream, the probes included); stream messages, state reads and script runs are "
        "per client in the window (full runs: the client's own clicks outside a fragment; fragment runs: its steps, notes and dots; polls: the safety net). "
        "RSS per session = (RSS at N − RSS with the probes only) / N.\n\n"
        f"{table}\n\n{verdict(curve)}\n\n"
        + "\n\n".join(durability(r) for r in kills)
        + (f"\n\n{note}" if note else "")
        + ("\n\n![load curve](load_curve.png)" if curve else "")
    )
    if curve:
        chart(curve)
    write_section("load", body)


def chart(curve: list[dict]) -> None:
    from plotly.subplots import make_subplots

    ns = [r["n"] for r in curve]
    titles = (
        "change-to-screen latency (s, log)",
        "server CPU (% of one core)",
        "server memory (MB)",
        "actions shown to the actor in 30 s (%)",
    )
    fig = make_subplots(rows=1, cols=4, subplot_titles=titles)
    probe = [r.get("probe") or {} for r in curve]
    for stat in ("median", "p95"):
        fig.add_scatter(x=ns, y=[p.get(stat) for p in probe], name=f"browsers {stat}", mode="lines+markers", row=1, col=1)
    for stat in ("median", "p95"):
        fig.add_scatter(
            x=ns, y=[r["clients"][stat] for r in curve], name=f"clients {stat}", mode="lines+markers",
            line={"dash": "dot"}, row=1, col=1,
        )
    span = [min(ns), max(ns)]  # goal lines as traces: hline annotations misplace on a log axis
    fig.add_scatter(
        x=span,
        y=[GOALS["median"]] * 2,
        name="goal median",
        mode="lines",
        line={"dash": "dash", "color": "green"},
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=span,
        y=[GOALS["p95"]] * 2,
        name="goal p95",
        mode="lines",
        line={"dash": "dash", "color": "grey"},
        row=1,
        col=1,
    )
    fig.update_yaxes(type="log", row=1, col=1)
    fig.add_scatter(
        x=ns, y=[r["server"]["cpu_mean"] for r in curve], name="CPU mean", mode="lines+markers", row=1, col=2
    )
    fig.add_scatter(x=ns, y=[r["server"]["cpu_max"] for r in curve], name="CPU max", mode="lines+markers", row=1, col=2)
    fig.add_scatter(
        x=ns, y=[r["server"]["rss_end_mb"] for r in curve], name="RSS total", mode="lines+markers", row=1, col=3
    )
    fig.add_scatter(
        x=ns,
        y=[r["server"]["rss_per_session_mb"] for r in curve],
        name="RSS per session",
        mode="lines+markers",
        row=1,
        col=3,
    )
    fig.add_hline(
        y=GOALS["mb_per_session"],
        line={"dash": "dash", "color": "grey"},
        annotation_text="goal per session",
        row=1,
        col=3,
    )
    shown = [100 * r["actions"]["acknowledged"] / max(r["actions"]["sent"], 1) for r in curve]
    fig.add_scatter(x=ns, y=shown, name="acknowledged", mode="lines+markers", row=1, col=4)
    fig.update_yaxes(range=[0, 105], row=1, col=4)
    fig.update_xaxes(title_text="participants (N)")
    fig.update_layout(
        width=1800,
        height=520,
        title="Köpkarta: one Streamlit process under a room of participants",
        template="plotly_white",
    )
    html = OUT / "load_curve.html"
    html.write_text(fig.to_html(include_plotlyjs=True, full_html=True), encoding="utf-8")
    _screenshot(html, PNG)


def _screenshot(html: Path, png: Path, size: tuple[int, int] = (1820, 540)) -> None:
    from playwright.sync_api import sync_playwright

    from .probes import ARGS, CHROMIUM

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        page.goto(html.as_uri())
        page.locator(".plotly").first.wait_for()
        page.wait_for_timeout(500)
        page.screenshot(path=str(png), full_page=True)
        browser.close()


def saved(levels: list[int] | None = None) -> list[dict]:
    """Results kept in bench/out/ by earlier runs."""
    out = []
    for f in sorted(OUT.glob("load-n*.json")):
        r = json.loads(f.read_text(encoding="utf-8"))
        if levels is None or r["n"] in levels or r["kill"]:
            out.append(r)
    return out
