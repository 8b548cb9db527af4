"""Writers in three OS processes on one PostgreSQL database (issue 16): the rules hold across
processes, not only across threads.

Each process (``process_writer.py``) has its own pool, its own kept copy of the map's index and
its own change feed. They cast dots for the same participants on the same elements and edit
the same elements, all at once. Afterwards: every participant is within the budget and the most
per element, the change numbers have no gap and every process agrees on them, and of the
stale saves made on the same version exactly one won.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from workshop.model.tallies import round_of
from workshop.services import rounds
from workshop.services.facilitator import Facilitator
from workshop.services.maps import import_document

from fake_store import open_engine

ROOT = Path(__file__).resolve().parents[1]
W = "fleet-launch"
BUDGET, MOST = 5, 2


@pytest.fixture
def pg_store(db_path):
    s = open_engine("postgres", db_path)
    yield s
    s.close()


def test_three_processes_cast_dots_and_edit_the_same_elements(pg_store, fleet, tmp_path):
    store = pg_store
    created = import_document(store, fleet, actor="test").created
    fac = Facilitator(W, created.facilitator_key)
    vote = rounds.start_vote(store, fac, "motive", budget=BUDGET, max_per_element=MOST)
    people = [el.eid for el in store.elements(W, "participant")]
    targets = [el.eid for el in store.elements(W, "motive")]
    stale = targets[0]
    based_on = store.element(W, stale).version
    (tmp_path / "done").mkdir()
    start_at = time.time() + 8  # every process open and waiting by then, even on a busy machine
    procs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "process_writer.py"), json.dumps({
                "url": store.url, "me": f"proc-{i}", "start_at": start_at, "round_no": vote.no,
                "people": people, "targets": targets, "stale": stale, "based_on": based_on,
                "done_dir": str(tmp_path / "done"), "writers": 3,
            })],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )
        for i in range(3)
    ]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))

    # exactly one of the saves based on the same version won
    assert sorted(r["stale"] for r in reports) == ["refused", "refused", "won"]
    assert sum(r["accepted"] for r in reports) > 0 and sum(r["refused"] for r in reports) > 0

    # no budget exceeded, no element over the most per participant
    votes = [el for el in store.round_votes(W, vote.no) if round_of(el.data) == vote.no]
    per_person = Counter()
    for el in votes:
        assert 1 <= el.data["dots"] <= MOST, el.data
        per_person[el.data["participant"]] += el.data["dots"]
    assert per_person and max(per_person.values()) <= BUDGET
    assert len({(el.data["participant"], el.data["about"]) for el in votes}) == len(votes)  # one vote element per pair

    # the change numbers: no gap, no double, and every process saw the same last one
    seqs = [e["seq"] for e in store.events(W)]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    assert store.wait_until_told(30)
    assert {r["version"] for r in reports} == {store.version(W)} == {max(seqs)}
    assert {r["public"] for r in reports} == {store.public_version(W)}
