"""The load harness's protocol client (bench/load) against a real server: two participants join
by the QR link, keep the process page live, add a step, post a note and put a dot; each sees
the other's step, and every acknowledged action is in the database afterwards.

Marked ``browser`` because it starts a ``streamlit run`` server (no Chromium is used).
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest

from bench.load.participant import Participant, Plan
from bench.load.room import prepare
from bench.load.server import AppServer
from bench.load.verify import verify
from workshop.store import open_store

pytestmark = pytest.mark.browser


async def _room(url: str, room) -> list[Participant]:
    seen: dict[str, set[int]] = {}
    now = time.monotonic()
    plan = Plan(now, now + 3.0, room.round_no, room.budget, pause=(0.3, 0.6), burst_every=1000.0, burst_length=0.0)
    people = [
        Participant(
            i,
            url,
            room.join_code,
            plan,
            random.Random(i),
            on_marker=lambda m, _t, i=i: seen.setdefault(m, set()).add(i),
        )
        for i in range(2)
    ]
    for p in people:
        await p.join()
    for p in people:
        await p.add_step()
        await p.post_note()
        await p.put_dot()
    await asyncio.sleep(5.5)  # both pages stay live: the safety-net poller runs (every 5 s; the server pushes changes)
    await asyncio.gather(*(p.play() for p in people))
    for p in people:
        await p.stop()
    for p in people:
        step = next(a for a in p.rec.actions if a.kind == "step")
        assert seen[step.marker] == {0, 1}, "each step reaches both screens"
    return people


def test_protocol_participants_act_and_every_acknowledged_action_is_stored(tmp_path: Path):
    room = prepare(tmp_path / "load.duckdb")
    server = AppServer(Path(room.db), tmp_path / "server.log")
    server.start()
    try:
        people = asyncio.run(asyncio.wait_for(_room(server.url, room), 120))
    finally:
        server.stop()
    records = [p.rec for p in people]
    for rec in records:
        assert rec.token and rec.joined is not None
        assert rec.polls > 0 and rec.runs >= 2  # home and process; the dot's own rerun
        # the other's changes reached this page as reruns of its live parts alone (ui.live)
        assert rec.fragment_runs > rec.polls
        assert not rec.errors
        kinds = {a.kind for a in rec.actions if a.acked is not None}
        assert kinds == {"step", "note", "dot"}
        assert not [a for a in rec.actions if a.refused or a.unanswered]
    check = verify(Path(room.db), room.workshop_id, room.round_no, records)
    assert check.lost == 0
    assert check.acknowledged == sum(1 for r in records for a in r.actions if a.acked is not None)
    store = open_store(Path(room.db))
    try:
        steps = [el.data["text"] for el in store.elements(room.workshop_id, "step")]
        for rec in records:
            for a in rec.actions:
                if a.kind == "step":
                    assert any(text.startswith(a.marker) for text in steps)
        votes = store.round_votes(room.workshop_id, room.round_no)
        assert sum(v.data.get("dots", 0) for v in votes) == sum(sum(r.dots.values()) for r in records)
    finally:
        store.close()
    assert "Traceback" not in server.log_text()
