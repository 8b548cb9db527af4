"""Reliability of the store under the conditions of a live workshop.

(a) 30 people write at the same moment; (b) the server is killed mid-stream; (c) a second
process opens the same file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from workshop.services.maps import export_document
from workshop.store import open_store

ROOT = Path(__file__).resolve().parents[1]
W = "fleet-launch"


def test_thirty_concurrent_writers_lose_nothing(fleet_store):
    store = fleet_store
    v0 = store.version(W)
    participants = ["p-anna", "p-lars", "p-mia", "p-omar", "p-eva"]
    acked: list[tuple[str, str]] = []  # (op, eid)
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(30)

    def worker(n: int) -> None:
        who = participants[n % len(participants)]
        try:
            start.wait()
            mine = store.add(W, "step", {"text": f"Step from writer {n}"}, parent=f"s{1 + n % 6}", actor=who)
            with lock:
                acked.append(("add", mine.eid))
            version = mine.version
            for i in range(10):
                vote = store.add(W, "vote", {"participant": who, "about": "o-surv", "round": 2, "dots": 1}, actor=who)
                edited = store.update(W, mine.eid, {"text": f"Writer {n} edit {i}"}, based_on=version, actor=who)
                version = edited.version
                with lock:
                    acked.append(("add", vote.eid))
                    acked.append(("update", mine.eid))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(acked) == 30 * 21
    assert store.version(W) == v0 + len(acked)  # the counter moved once per write
    doc = export_document(store, W)
    step_texts = {st["id"]: st["text"] for s in doc["segments"][0]["stages"] for st in s["steps"]}
    for op, eid in acked:
        if eid.startswith("~vote"):
            continue
        assert eid in step_texts
    assert sum(1 for v in doc["votes"] if v.get("round") == 2) == 30 * 10
    assert sorted(t for t in step_texts.values() if t.startswith("Writer")) == sorted(f"Writer {n} edit 9" for n in range(30))
    # the database agrees with the in-memory counter
    assert len(store.events(W)) == store.version(W)


WRITER = textwrap.dedent(
    """
    import sys
    from workshop import demo
    from workshop.services.maps import import_document
    from workshop.store import open_store
    s = open_store(sys.argv[1])
    import_document(s, demo.example("fleet"))
    print("ready", flush=True)
    i = 0
    while True:
        el = s.add("fleet-launch", "note", {"text": f"note {i}", "author": "p-anna"}, actor="p-anna")
        print(el.eid, flush=True)
        i += 1
    """
)


def test_pages_that_miss_a_new_version_together_read_it_once(fleet_store, monkeypatch):
    from workshop.services import live

    store = fleet_store
    store.add(W, "step", {"text": "A new version nobody has read yet"}, parent="s1", actor="p-anna")
    reads: list[int] = []
    real = store.load_versioned
    gate = threading.Event()

    def counted(workshop_id):
        reads.append(1)
        gate.wait(5)  # keep the first read under way until every page asked
        return real(workshop_id)

    monkeypatch.setattr(store, "load_versioned", counted)
    got: list = []
    pages = [threading.Thread(target=lambda: got.append(live.snapshot(store, W))) for _ in range(8)]
    for p in pages:
        p.start()
    while not reads:
        time.sleep(0.01)
    time.sleep(0.1)  # the other seven are waiting for that read by now
    gate.set()
    for p in pages:
        p.join()
    assert len(reads) == 1 and len(got) == 8
    assert all(s is got[0] for s in got) and got[0].version == store.version(W)
    assert any(st["text"] == "A new version nobody has read yet" for st in got[0].doc["segments"][0]["stages"][0]["steps"])


def test_a_failed_read_of_the_map_is_not_remembered(fleet_store, monkeypatch):
    """A read that fails (the database busy, a bug) raises to the page that asked; the next
    page reads the map again instead of being handed the failure or nothing."""
    from workshop.services import live

    store = fleet_store
    store.add(W, "step", {"text": "Read after a failure"}, parent="s1", actor="p-anna")
    real = store.load_versioned
    monkeypatch.setattr(store, "load_versioned", lambda wid: (_ for _ in ()).throw(OSError("disk busy")))
    with pytest.raises(OSError, match="disk busy"):
        live.snapshot(store, W)
    monkeypatch.setattr(store, "load_versioned", real)
    snap = live.snapshot(store, W)
    assert snap.version == store.version(W) and live.snapshot(store, W) is snap


def test_a_page_redrawn_for_others_changes_shares_the_read_during_a_vote(store, fleet, monkeypatch):
    """A hidden dot is a new change number that nobody else's page shows: a page redrawn for
    someone else's change takes the newest map already read that holds every public change
    (live.public_snapshot), not a read of its own per dot; it never goes back behind what the
    page last drew, and a public change is always in what it gets."""
    from workshop.services import facilitation as fs
    from workshop.services import live
    from workshop.services.maps import import_document

    fac = fs.Facilitator(W, import_document(store, fleet).created.facilitator_key, "p-eva")
    vote = fs.start_vote(store, fac, "objection", budget=5, max_per_element=5)
    anna = live.Identity(W, "p-anna", "Anna", "token")
    objection = live.snapshot(store, W).of_kind("objection")[0].eid
    store.add(W, "step", {"text": "Seen by everyone"}, parent="s1", actor="p-lars")
    public = store.public_version(W)
    first = live.snapshot(store, W)
    reads: list[int] = []
    real = store.load_versioned
    monkeypatch.setattr(store, "load_versioned", lambda wid: reads.append(1) or real(wid))
    for dots in (1, 2, 3):  # hidden dots: the change number moves, the public one does not
        fs.set_dots(store, anna, vote.no, objection, dots)
        assert store.public_version(W) == public
        assert live.public_snapshot(store, W, public) is first
    assert reads == []
    # the page last drew a newer map (its own click): never back behind it
    newer = live.public_snapshot(store, W, public, not_before=store.version(W))
    assert newer.version == store.version(W) and len(reads) == 1
    # a public change: the map that holds it is read, then shared
    store.add(W, "step", {"text": "A new public step"}, parent="s1", actor="p-lars")
    latest = live.public_snapshot(store, W, store.public_version(W))
    assert any(s["text"] == "A new public step" for s in latest.doc["segments"][0]["stages"][0]["steps"])
    assert live.public_snapshot(store, W, store.public_version(W)) is latest and len(reads) == 2


def test_killed_writer_loses_no_acknowledged_write(db_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acked = []
    try:
        assert proc.stdout.readline().strip() == "ready"
        while len(acked) < 200:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            acked.append(line.strip())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    # anything printed after our last read was acknowledged too: read what's left in the pipe
    acked.extend(line.strip() for line in proc.stdout.read().splitlines() if line.strip())
    proc.stdout.close()
    proc.stderr.close()

    store = open_store(db_path)
    try:
        notes = {n["id"] for n in export_document(store, W)["notes"]}
        assert set(acked) <= notes
        assert store.version(W) == 1 + len(notes) - 2  # import + one event per note (2 notes came with the map)
    finally:
        store.close()


def test_second_process_gets_a_clear_message_or_its_answer(fleet_store, db_path):
    """The DuckDB file is one process's: a second one is told so in one line. A PostgreSQL
    database is shared: the second process simply answers, while the first keeps it open."""
    where = getattr(fleet_store, "url", None) or str(db_path)
    result = subprocess.run(
        [sys.executable, "-m", "workshop", "list", "--db", where],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if where == str(db_path):
        assert result.returncode == 1
        assert "in use by another process" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    else:
        assert result.returncode == 0, result.stderr
        assert W in result.stdout
    assert "Traceback" not in result.stderr
    # the holder is unharmed
    fleet_store.add(W, "note", {"text": "still fine"})
    assert export_document(fleet_store, W)["notes"][-1]["text"] == "still fine"
