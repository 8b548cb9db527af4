"""The change feed across processes on PostgreSQL (issue 16): a commit in one process reaches
the listeners of another, once and in order, with what a round hides left out; the listening
connection comes back after ``pg_terminate_backend``; a change far bigger than NOTIFY's 8,000
bytes is told all the same (the notification is a hint; the change is read from the log).

Two stores opened on one database in this test process stand for two app processes: each has
its own pool, its own listening connection, its own feed and its own origin.
"""

from __future__ import annotations

import time

import psycopg
import pytest

from workshop.model import change_messages as M
from workshop.services import facilitation as fs
from workshop.services import rounds
from workshop.services.maps import import_document
from workshop.store import open_store

from fake_store import open_engine

W = "fleet-launch"


@pytest.fixture
def pair(db_path, fleet):
    """(first, second, facilitator): two stores on one fresh database holding the fleet map."""
    first = open_engine("postgres", db_path)
    created = import_document(first, fleet, actor="test").created
    second = open_store(first.url)
    yield first, second, fs.Facilitator(W, created.facilitator_key)
    second.close()
    first.close()


def hear(store) -> list:
    told: list = []
    store.subscribe(lambda wid, v, public, changes: told.append((wid, v, public, changes)))
    return told


def test_a_commit_in_one_process_reaches_the_other_once_in_order(pair):
    first, second, _ = pair
    assert second.wait_until_told()
    told = hear(second)
    step = first.add(W, "step", {"text": "Ask the reference customer"}, parent="s1", actor="p-anna")
    first.update(W, step.eid, {"text": "Call the reference customer"}, based_on=step.version, actor="p-anna")
    assert second.wait_until_told()
    assert [(v, [c.op for c in changes]) for _, v, _, changes in told] == [
        (step.version, ["add"]), (step.version + 1, ["update"])
    ]
    assert second.version(W) == first.version(W) == step.version + 1
    message = M.message(told[-1][1], told[-1][2], told[-1][3])
    assert message["put"][0]["data"]["text"] == "Call the reference customer"
    assert second.element(W, step.eid).data["text"] == "Call the reference customer"


def test_facilitation_and_hidden_dots_cross_processes(pair):
    first, second, fac = pair
    fs.set_phase(first, fac, 2, summon=True)
    vote = rounds.start_vote(first, fac, "motive", budget=3)
    assert second.wait_until_told()
    assert second.facilitation(W).phase == 2 and second.facilitation(W).current_round.no == vote.no
    told = hear(second)
    motive = first.elements(W, "motive")[0].eid
    participant = first.elements(W, "participant")[0].eid
    first.set_dots(W, vote.no, participant, motive, 1, actor=participant)
    assert second.wait_until_told()
    (_, v, public, changes), = told
    assert v == first.version(W) == second.version(W)
    assert vote.concealed  # a dot vote hides its dots until the reveal:
    assert changes == () and public == second.public_version(W) < v  # the number moves, nothing is shown
    # the second process writes under the same rules, seeing the first one's dot
    assert second.set_dots(W, vote.no, participant, motive, 2, actor=participant) == {motive: 2}


def test_a_change_bigger_than_a_notification_is_told(pair):
    first, second, _ = pair
    assert second.wait_until_told()
    told = hear(second)
    long = "x" * 3900
    note = first.add(W, "note", {"text": long}, actor="p-anna")
    for i in range(3):  # 4 changes of ~4 KB each: a notification holding them would pass 8,000 bytes
        first.update(W, note.eid, {"text": long[:-1] + str(i)}, based_on=first.element(W, note.eid).version, actor="p-anna")
    assert second.wait_until_told()
    assert second.element(W, note.eid).data["text"].endswith("2")
    assert len(told) == 4


def test_the_listener_comes_back_after_its_connection_is_killed(pair):
    first, second, _ = pair
    assert second.wait_until_told()
    listener = second.listener
    before = listener.connections
    with psycopg.connect(first.url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [listener.backend_pid])
    # a change made while the listener is away is not lost: it is read when it listens again
    step = first.add(W, "step", {"text": "Made while nobody listened"}, parent="s1", actor="p-anna")
    deadline = time.monotonic() + 30
    while listener.connections == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections == before + 1
    assert second.wait_until_told()
    assert second.version(W) == first.version(W) == step.version
    told = hear(second)
    first.add(W, "step", {"text": "After the reconnect"}, parent="s1", actor="p-anna")
    assert second.wait_until_told()
    assert [c.op for *_, changes in told for c in changes] == ["add"]


def test_several_processes_start_at_once_on_an_empty_database(db_path):
    """The migrations are applied once even when processes open a new database together."""
    import threading

    first = open_engine("postgres", db_path)
    url = first.url
    first.close()
    with psycopg.connect(url, autocommit=True) as admin:
        for table in ("schema_migrations", "plan_shares", "round_notes", "ratings", "rounds", "facilitation_states", "participant_tokens",
                      "workshop_versions", "events", "elements", "workshops"):
            admin.execute(psycopg.sql.SQL("DROP TABLE {}").format(psycopg.sql.Identifier(table)))
    opened, errors = [], []

    def open_one():
        try:
            opened.append(open_store(url))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == [] and len(opened) == 3
        with psycopg.connect(url, autocommit=True) as admin:
            assert [r[0] for r in admin.execute("SELECT version FROM schema_migrations ORDER BY version")] == [1, 2, 3, 4]
    finally:
        for s in opened:
            s.close()


def test_undo_sees_what_another_process_changed_since(pair):
    first, second, _ = pair
    el = first.element(W, "st4")
    mine = first.update(W, "st4", {"text": "Mine"}, based_on=el.version, actor="p-anna")
    second.update(W, "st4", {"text": "Theirs"}, based_on=mine.version, actor="p-mia")  # the other process
    from workshop.errors import Conflict

    with pytest.raises(Conflict):
        first.undo_last(W, "p-anna")  # its kept map is stale: the lock and the read after it see Mia's save
    assert first.element(W, "st4").data["text"] == "Theirs"
    first.undo_last(W, "p-mia")  # Mia's own undo, from either process, takes hers back
    assert second.element(W, "st4").data["text"] == "Mine"


def test_an_import_over_a_workshop_is_whole_while_another_process_writes(pair, fleet):
    """A replacing import in one process and a stream of added steps in another: afterwards no
    element of the old map is left beside the new one (everything is from the import or after)."""
    import threading

    first, second, _ = pair
    stop = threading.Event()
    added: list[int] = []

    def keep_adding():
        while not stop.is_set():
            added.append(second.add(W, "note", {"text": f"note {len(added)}"}, actor="p-anna").version)

    writer = threading.Thread(target=keep_adding)
    writer.start()
    try:
        time.sleep(0.3)
        doc = dict(fleet)
        doc["workshop"] = dict(fleet["workshop"], title="Replaced while others wrote")
        import_document(first, doc, mode="replace", actor="test")
        time.sleep(0.3)
    finally:
        stop.set()
        writer.join()
    imported = next(e["seq"] for e in first.events(W) if e["op"] == "import" and e["seq"] > 1)
    elements = first.elements(W)
    assert all(el.version >= imported for el in elements)  # nothing from before the import
    notes_after = [v for v in added if v > imported]
    assert len([el for el in elements if el.kind == "note" and el.version > imported]) == len(notes_after)
    assert first.workshop(W).data["title"] == "Replaced while others wrote"


def test_rounds_run_on_the_database_clock(pair):
    """Every process shows the same countdown: a round's start and deadline come from the
    database's clock (here one process's host clock is made to run 10 minutes behind)."""
    first, second, fac = pair
    with psycopg.connect(first.url, autocommit=True) as admin:
        db_now = admin.execute("SELECT extract(epoch FROM clock_timestamp())::float8").fetchone()[0]
    assert abs(first.clock() - db_now) < 5
    second._clock_offset += 600  # its host is 10 minutes behind the database
    r = rounds.start_timer(second, fac, "Think first", 5)
    assert abs(r.started_at - (time.time() + 600)) < 5  # the database's time, not its host's
    assert 290 < fs.countdown(second, W).remaining <= 300  # and the countdown is read on it too
