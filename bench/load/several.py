"""One load level on the server setup (issue 16): ``scripts/serve.sh`` with its app processes
behind HAProxy on a fresh database of a throwaway PostgreSQL cluster (:mod:`.serve`), the room
seeded while it runs, every participant and probe keeping its HAProxy cookie as a browser does;
the level's steps otherwise those of :func:`.runner.run_level` (which calls :func:`run_served`
for a PostgreSQL :class:`.runner.Setup`).

With ``kill`` one app process (the one most participants are on) gets SIGKILL halfway and is
not started again: its participants connect again as a browser does (HAProxy sends them to a
living process) and :func:`moves` says how many moved, whether each was recognised, and how
long until its page was back and its next action acknowledged; every acknowledged action must
be in the database afterwards, and the steps and notes a moved participant added afterwards
must carry that participant as author (:func:`authors_after_moves`).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path

from .participant import Record
from .runner import Probes, Setup, drive, pct, probe_result, spread
from .serve import ServeSetup, prepare_room
from .verify import verify


def run_served(
    n: int, seconds: float, *, seed: int, probes: bool, kill: bool, setup: Setup, out: Path, tag: str
) -> dict:
    """A level on the server setup (see the module's docstring)."""
    folder = out / tag
    db = setup.cluster.fresh_database()
    server = ServeSetup(db, setup.processes, folder, cluster=setup.cluster)
    server.start()
    probe = None
    try:
        room = prepare_room(db, folder)
        if probes and not kill:
            probe = Probes(server.url, room.join_code, tag, out)
            probe.wait_ready()
        time.sleep(3)
        base_rss = statistics.median(server.rss() for _ in range(3))
        result = asyncio.run(drive(server, room, n, seconds, seed, kill, sticky=True))
        if probe is not None:
            probe_result(probe, result)
    finally:
        if probe is not None and probe.proc.poll() is None:
            probe.stop()
        server.stop()
    result.pop("window_epoch", None)
    result.pop("window_epoch_end", None)
    records = result.pop("_records")
    check = verify(db, room.workshop_id, room.round_no, records)
    result["actions"]["lost"] = check.lost
    result["actions"]["lost_examples"] = check.lost_examples
    result["actions"]["stored_unacknowledged"] = check.stored_unacknowledged
    result["server"]["rss_probes_only_mb"] = base_rss / 2**20
    rss_end = result["server"]["rss_end_mb"]
    result["server"]["rss_per_session_mb"] = (rss_end - base_rss / 2**20) / n if rss_end else None
    result["server"]["stopped_cleanly"] = server.stopped_cleanly
    start, end = result.pop("_window")
    result["parts"] = {
        name: _cpu_stats(server.part_window(name, start, end)) for name in sorted(server.parts)
    }
    if kill:
        result["moves"] = moves(records, result.pop("_killed"), result.pop("_killed_process"))
        result["durability"]["authors"] = authors_after_moves(db, room.workshop_id, records)
    errors = server.log_errors()
    result["log"] = {
        "error_lines": len(errors),
        "tracebacks": sum("Traceback" in e for e in errors),
        "examples": errors[:5],
    }
    result["setup"] = {
        "engine": setup.engine,
        "processes": setup.processes,
        "label": setup.label,
        "serve_output_tail": server.output()[-1500:],
    }
    result.update(n=n, seconds=seconds, seed=seed, kill=kill)
    (out / f"load-{tag}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def _cpu_stats(samples) -> dict:
    return {
        "cpu_mean": statistics.fmean(s.cpu for s in samples) if samples else None,
        "cpu_max": max((s.cpu for s in samples), default=None),
        "rss_end_mb": samples[-1].rss / 2**20 if samples else None,
    }


def moves(records: list[Record], killed: float | None, process: str | None) -> dict:
    """The participants whose app process was killed: how many moved, whether each was
    recognised on the other process, and how long after the SIGKILL its page was back and
    its next action acknowledged ("worked again"); also how many actions were acknowledged
    before and after the kill."""
    moved = [r for r in records if r.moves]
    back = [r.moves[0]["back"] - killed for r in moved if killed is not None and r.moves[0]["back"] is not None]
    worked, first_ack, acted, first_acked = [], [], 0, 0
    for r in moved:
        b = r.moves[0]["back"]
        if b is None or killed is None:
            continue
        after = [a for a in r.actions if a.sent >= b]
        if not after:
            continue
        acted += 1
        first = min(after, key=lambda a: a.sent)
        if first.acked is not None:  # its first action on the other process (after its usual pause)
            first_acked += 1
            first_ack.append(first.acked - first.sent)
            worked.append(first.acked - killed)
    noticed = [r.moves[0]["lost"] - killed for r in moved if killed is not None]
    return {
        "killed_process": process,
        "on_killed_process": sum(1 for r in records if r.process == process),
        "moved": len(moved),
        "came_back": len(back),
        "recognised": sum(1 for r in moved if r.moves[0]["recognised"]),
        "to": sorted({str(r.moves[0]["to"]) for r in moved}),
        "tries": spread([r.moves[0]["tries"] for r in moved]),
        "noticed": spread(noticed),
        "page_back": {"median": pct(back, 0.5), "max": max(back, default=None), "n": len(back)},
        "acted_after": acted,
        "first_action_acknowledged": first_acked,
        "first_action_ack": {"median": pct(first_ack, 0.5), "max": max(first_ack, default=None)},
        "worked_again": {"median": pct(worked, 0.5), "max": max(worked, default=None), "n": len(worked)},
        "moved_more_than_once": sum(1 for r in moved if len(r.moves) > 1),
        "others_dropped": sum(1 for r in records if r.moves and r.process != process),
    }


def authors_after_moves(db: str, workshop_id: str, records: list[Record]) -> dict:
    """The steps and notes a moved participant got acknowledged after coming back carry that
    participant as their author (its token was recognised on the other process)."""
    from workshop.store import open_store

    store = open_store(db)
    try:
        by_marker = {}
        for kind in ("step", "note"):
            for el in store.elements(workshop_id, kind):
                by_marker[str(el.data.get("text", "")).split(" ", 1)[0]] = el.by
        checked = same = 0
        for r in records:
            if not r.moves or not r.token or r.moves[0]["back"] is None:
                continue
            _, pid = store.participant_for_token(r.token)
            for a in r.actions:
                if a.marker and a.acked is not None and a.sent >= r.moves[0]["back"]:
                    checked += 1
                    same += by_marker.get(a.marker) == pid
        return {"checked": checked, "same_participant": same}
    finally:
        store.close()
