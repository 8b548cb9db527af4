"""The load harness's pure parts for several processes (issue 16), from made-up results: the
table and the goals of the "Several processes on PostgreSQL" section (a missed goal says by how
much), the kill run's account of the participants who moved, and the cookie jar that keeps a
participant on its app process behind HAProxy. No server, no timing."""

from __future__ import annotations

from bench.load import report_processes as rp
from bench.load.client import Action
from bench.load.participant import Record
from bench.load.several import moves
from bench.load.stream import Jar


def result(setup: str, n: int, *, p95: float = 0.1, clients_p95: float = 0.05, lost: int = 0, unanswered: int = 0) -> dict:
    engine, processes = ("duckdb", 1) if setup == "duckdb" else ("postgresql", int(setup.removeprefix("pg-p")))
    r = {
        "n": n,
        "seconds": 60,
        "kill": False,
        "joins": {"ok": n},
        "probe": {"n": 18, "median": p95 / 2, "p95": p95, "not_seen": 0},
        "clients": {"n": 1000, "median": clients_p95 / 2, "p95": clients_p95, "not_seen": 0},
        "server": {"cpu_mean": 10.0 * processes, "cpu_max": 40.0, "rss_end_mb": 250.0 * processes},
        "actions": {"sent": 300, "acknowledged": 300 - unanswered, "lost": lost, "refused": 0, "unanswered": unanswered, "ack_median": 0.02},
        "log": {"error_lines": 0},
        "setup": {"engine": engine, "processes": processes},
        "session": {"load_before": 0.5},
    }
    if engine == "postgresql":
        r["parts"] = {f"app{i}": {"cpu_mean": 10.0} for i in range(1, processes + 1)}
        r["parts"].update(postgres={"cpu_mean": 3.0}, haproxy={"cpu_mean": 1.0})
        if processes > 1:
            r["clients"]["by_process"] = {"same": {"p95": 0.04}, "other": {"p95": 0.06}}
    return r


def test_the_table_holds_every_setup_by_n_and_the_parts_cpu():
    results = [result(s, n) for n in (100, 50) for s in ("pg-p2", "duckdb", "pg-p1")]
    text = rp.table(results)
    rows = [line for line in text.splitlines()[2:]]
    assert [row.split(" | ")[1] for row in rows] == [
        "DuckDB, 1 process", "PostgreSQL, 1 process", "PostgreSQL, 2 processes",
    ] * 2
    assert rows[0].startswith("| 50 |") and rows[3].startswith("| 100 |")
    two = rows[2]
    assert "= 10 % + 10 %" in two and "| 3 % | 1 % |" in two  # each app process; PostgreSQL, HAProxy
    assert "(same process 0.04, other 0.06)" in two


def test_goals_met():
    results = [result(s, n) for n in (50, 100) for s in ("duckdb", "pg-p1", "pg-p2")]
    goals = rp.goals(results)
    assert [v for _, _, v in goals] == ["met", "met", "reported"]
    assert "= 1.00" in goals[2][1]  # the same p95 on 1 and 2 processes: ratio 1


def test_a_missed_goal_says_by_how_much():
    results = [
        result("duckdb", 50, p95=0.20, clients_p95=0.10),
        result("pg-p2", 50, p95=0.50, clients_p95=0.105, unanswered=1),
        result("pg-p1", 100, p95=1.0),
        result("pg-p2", 100, p95=1.8, lost=2),
    ]
    (g100, m100, v100), (g50, m50, v50), (_, ratio, _) = rp.goals(results)
    assert v100.startswith("**not met**") and "p95 +0.30 s over the goal" in v100 and "2 actions lost" in v100
    assert "2 lost" in m100
    # browsers 0.30 s above DuckDB's: not within the noise; clients 0.005 s above: within it
    assert "browsers p95 +0.30 s (2.5×) above DuckDB's" in v50 and "clients p95" not in v50
    assert "1 actions lost or unanswered against 0" in v50
    assert "= 1.80" in ratio


def test_the_section_has_the_table_the_goals_the_kill_run_and_the_costs():
    kill = result("pg-p2", 30)
    kill.update(
        kill=True,
        actions={**kill["actions"], "acknowledged_before_kill": 110, "under_way_at_kill": 2, "stored_unacknowledged": 1},
        durability={"checked": 200, "visible": 200, "authors": {"checked": 40, "same_participant": 40}},
        moves={"killed_process": "app1", "on_killed_process": 15, "moved": 15, "came_back": 15, "recognised": 15, "to": ["app2"],
               "noticed": {"mean": 0.02}, "page_back": {"median": 0.6, "max": 0.9}, "acted_after": 14,
               "first_action_acknowledged": 14, "first_action_ack": {"median": 0.03}, "worked_again": {"median": 9.0, "max": 19.0}},
    )
    costs = {"ops": 500, "engines": {e: {"version": {"median_ms": 0.0001, "p95_ms": 0.0002},
                                          "write_step": {"median_ms": 2.0, "p95_ms": 3.0}} for e in ("duckdb", "pg")}}
    text = rp.section([result("duckdb", 50), result("pg-p2", 50), kill], costs, {"pg_settings": {"fsync": "on"}})
    assert "fsync on" in text
    assert "| 50 | PostgreSQL, 2 processes |" in text
    assert "15 came back, all on app2, 15 recognised" in text and "**0 acknowledged actions lost**" in text
    assert "40 of 40 steps and notes" in text
    assert "| 0.10 / 0.20 µs | 0.10 / 0.20 µs |" in text and "| 2.00 / 3.00 ms | 2.00 / 3.00 ms |" in text
    assert "load_curve_processes.png" in text


def _record(index: int, process: str, *, lost: float | None = None, back: float | None = None, actions=()) -> Record:
    rec = Record(index, f"P{index:03d}", token=f"t{index}", joined=0.0, process=process)
    if lost is not None:
        rec.moves.append({"lost": lost, "back": back, "from": process, "to": "app2" if back else None,
                          "recognised": back is not None, "tries": 1})
    for sent, acked in actions:
        rec.actions.append(Action("step", index, sent, check=lambda s: True, marker=f"LS{index:03d}x{sent:03.0f}", acked=acked))
    return rec


def test_moves_counts_who_moved_and_how_long_until_each_worked_again():
    records = [
        _record(0, "app1", lost=10.02, back=10.6, actions=[(5, 5.01), (12, 12.05)]),
        _record(1, "app1", lost=10.02, back=10.7, actions=[(18, None)]),  # its next action unanswered
        _record(2, "app1", lost=10.03, back=None),  # never came back
        _record(3, "app2", actions=[(11, 11.02)]),
    ]
    m = moves(records, killed=10.0, process="app1")
    assert (m["on_killed_process"], m["moved"], m["came_back"], m["recognised"]) == (3, 3, 2, 2)
    assert m["to"] == ["None", "app2"]
    assert m["acted_after"] == 2 and m["first_action_acknowledged"] == 1
    assert abs(m["page_back"]["max"] - 0.7) < 1e-9
    assert abs(m["worked_again"]["median"] - 2.05) < 1e-9  # from the kill to its next acknowledgement
    assert abs(m["first_action_ack"]["median"] - 0.05) < 1e-9
    assert m["others_dropped"] == 0


def test_the_jar_keeps_the_cookies_an_answer_sets():
    jar = Jar()
    jar.take(["KOPKARTA_SRV=app2; path=/; HttpOnly", "_streamlit_xsrf=2|ab|cd; Path=/; SameSite=Lax", "broken"])
    assert jar.get("KOPKARTA_SRV") == "app2"
    jar.take(["KOPKARTA_SRV=app1; path=/"])  # moved to another process
    assert jar.header() == "KOPKARTA_SRV=app1; _streamlit_xsrf=2|ab|cd"
