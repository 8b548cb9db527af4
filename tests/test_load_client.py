"""The load harness's protocol client (bench/load) against a real server: two participants join
by the QR link, open the workshop's event stream as the page's live parts do, add a step (the
quick add's fragment), post a note (the sidebar form's fragment) and put a dot (the ballot's
``dot`` trigger, in the round panel's fragment); each sees the other's step and note arrive on
the stream (no script run on the watcher's session, none of the page for their own), a run of
the whole page draws the board with no state and the client keeps the one it had, and every
acknowledged action is in the database afterwards.

Marked ``browser`` because it starts a ``streamlit run`` server (no Chromium is used).
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest

from bench.load import stream as http
from bench.load.client import element_markers
from bench.load.participant import Participant, Plan
from bench.load.room import prepare
from bench.load.server import AppServer, log_errors
from bench.load.verify import verify
from workshop.store import open_store

pytestmark = pytest.mark.browser


async def _room(url: str, room) -> tuple[list[Participant], dict]:
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
        assert p.client.stream_log[0][1] == "hello"  # the stream's first message
        assert p.client.fragment is not None and p.client.fragment[1] == 30  # the safety net's poll
    # one at a time: while one acts, the other only watches
    for p in people:
        await p.add_step()
        await p.post_note()
        await p.put_dot()
    await asyncio.sleep(0.5)
    first = {p.rec.index: [a for a in p.rec.actions if a.marker] for p in people}
    runs = {p.rec.token: await http.get_json(url, http.RUNS, {"t": p.rec.token}) for p in people}
    await asyncio.gather(*(p.play() for p in people))
    await asyncio.sleep(0.5)
    for p in people:
        # a run of the whole page (a widget outside the fragments): while the room's dot vote
        # hides things the board comes with its state again (the viewer's own may have
        # changed); the client shows at least what it showed
        c = p.client
        shown = set(element_markers(c.screen.live_state("board")))
        ballot = c.screen.ballot(room.round_no)
        assert ballot is not None and ballot[1]["mine"] == p.rec.dots
        full = c.runs
        await c.send_rerun()
        screen = await c.wait_run(after=full)
        assert "state" in screen.live_parts()["board"]["live"]  # the room's vote is hidden until the reveal
        assert shown and shown <= set(element_markers(screen.live_state("board")))
        mine = {a.marker for a in p.rec.actions if a.marker and a.acked is not None}
        assert mine <= shown
        assert screen.ballot(room.round_no)[1]["mine"] == p.rec.dots  # the ballot always has its state
    for p in people:
        await p.stop()
    for p in people:
        other = people[1 - p.rec.index]
        for a in first[other.rec.index]:
            # the other's step and note reached this screen by the stream, with no run of its page
            assert p.rec.seen_via.get(a.marker) == "stream", (a.marker, p.rec.seen_via)
        step = next(a for a in p.rec.actions if a.kind == "step")
        assert seen[step.marker] == {0, 1}, "each step reaches both screens"
        # this page's own runs: joining (the home page, the process page); its step, note and
        # dot ran their fragments only; nothing for the other's changes, and no live part asked
        counted = runs[p.rec.token]
        assert counted.get("run", 0) <= 2 + 1, counted  # + the join's own rerun, if it made one
        assert counted.get("asked", 0) == 0, counted
    return people, runs


def test_protocol_participants_act_and_every_acknowledged_action_is_stored(tmp_path: Path):
    room = prepare(tmp_path / "load.duckdb")
    server = AppServer(Path(room.db), tmp_path / "server.log")
    server.start()
    try:
        people, _runs = asyncio.run(asyncio.wait_for(_room(server.url, room), 120))
    finally:
        server.stop()
    assert server.stopped_cleanly  # every stream was closed: the server's shutdown was not held
    records = [p.rec for p in people]
    for rec in records:
        assert rec.token and rec.joined is not None
        assert rec.runs >= 2 and rec.fragment_runs >= 3  # home and process; the step's, the note's and the dot's
        # no state read of the ballot (the view has none: 404), nothing refused
        assert not rec.errors and not rec.stream_errors and rec.stream_connects == 1 and rec.stream_broken == 0
        kinds = {a.kind for a in rec.actions if a.acked is not None}
        assert kinds == {"step", "note", "dot"}
        assert sum(rec.dots.values()) >= 1
        assert not [a for a in rec.actions if a.refused or a.unanswered]
        assert any(kind == "put" for _, kind, _ in rec.stream_log)
        assert rec.would_ask == 0
    check = verify(Path(room.db), room.workshop_id, room.round_no, records)
    assert check.lost == 0
    assert check.acknowledged == sum(1 for r in records for a in r.actions if a.acked is not None)
    store = open_store(Path(room.db))
    try:
        texts = [el.data["text"] for kind in ("step", "note") for el in store.elements(room.workshop_id, kind)]
        for rec in records:
            for a in rec.actions:
                if a.kind in ("step", "note"):
                    assert any(text.startswith(a.marker) for text in texts)
        votes = store.round_votes(room.workshop_id, room.round_no)
        assert sum(v.data.get("dots", 0) for v in votes) == sum(sum(r.dots.values()) for r in records)
    finally:
        store.close()
    assert not server.log_errors(), server.log_errors()


def test_the_log_check_counts_errors_once_and_not_harmless_lines():
    log = """
  You can now view your Streamlit app in your browser.
2026-12-06 02:38:02.575 The fragment with id 389b21297387baa3119cf627b42a77a3 does not exist anymore - it might have been removed during a preceding full-app rerun.
ERROR:    Exception in ASGI application
Traceback (most recent call last):
  File "x.py", line 1, in <module>
    raise ValueError("a")
ValueError: a

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "y.py", line 2, in <module>
KeyError: 'b'
2026-12-06 02:39:00.000 a change listener failed: Error: boom
nanobind: leaked 3 instances!
 - leaked type "duckdb.PythonExceptionHandling"
See https://nanobind.readthedocs.io/en/latest/refleaks.html
"""
    assert log_errors(log) == [
        "ERROR:    Exception in ASGI application — Traceback … KeyError: 'b'",
        "2026-12-06 02:39:00.000 a change listener failed: Error: boom",
    ]
