"""The event stream: a commit's public change serialised once for every screen of its workshop,
over real HTTP (uvicorn on a free port, the route of ``web.events``) on a real DuckDB store.

Refused: a wrong token, another workshop's token. Never sent: what a round still hides (dots
of a concealed vote, notes of a hidden brainstorm)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
import uvicorn
from starlette.applications import Starlette

from fake_store import MemoryStore, told_everything
from web import events
from workshop.model import change_messages as M
from workshop.ports import LoggedChange
from workshop.services import editing, live, rounds, votes
from workshop.services.facilitator import Facilitator
from workshop.services.maps import import_document
from workshop.services.stream import Broadcaster

W = "fleet-launch"


# -- the messages (pure) -------------------------------------------------------------------------
def _snap(eid, kind="step", parent="s1", text="x"):
    return {"eid": eid, "kind": kind, "parent": parent, "pos": 1.0, "data": {"id": eid, "text": text}, "lists": []}


def test_element_changes_become_puts_and_removes_in_order():
    changes = [
        LoggedChange(1, "add", "step", "st-1", None, [_snap("st-1")]),
        LoggedChange(2, "update", "step", "st-1", [_snap("st-1")], [_snap("st-1", text="y")]),
        LoggedChange(3, "delete", "step", "st-2", [_snap("st-2"), _snap("st-3")], None),
    ]
    msg = M.message(3, 3, changes)
    assert msg["put"] == [{"id": "st-1", "kind": "step", "parent": "s1", "pos": 1.0, "data": {"id": "st-1", "text": "y"}}]
    assert msg["remove"] == ["st-2", "st-3"]
    # an undo of a delete brings the element back
    back = M.message(4, 4, [LoggedChange(4, "undo", "step", "st-2", None, [_snap("st-2")])])
    assert [p["id"] for p in back["put"]] == ["st-2"] and back["remove"] == []


def test_a_brainstorm_note_tells_its_round(store, fleet):
    """The map does not hold which round a brainstorm note belongs to; the screens that list
    the round's notes learn it from the change (a note put with ``"round"``)."""
    created = import_document(store, fleet).created
    anna = live.join(store, created.join_code, "Anna", "sales")
    fac = Facilitator(W, created.facilitator_key, anna.participant_id)
    r = rounds.start_brainstorm(store, fac)
    told_everything(store)  # what came before is not this test's
    told = []
    unsubscribe = store.subscribe(lambda wid, v, public, changes: told.append(M.message(v, public, changes)))
    try:
        from workshop.services.brainstorm import post_note

        note = post_note(store, anna, r.no, "an open idea")
        editing.add_note(store, anna, "a sticky note, no round", "s1")
        told_everything(store)
    finally:
        unsubscribe()
    (in_round,), (plain,) = (m["put"] for m in told if m)
    assert (in_round["id"], in_round["round"], in_round["data"]["text"]) == (note.eid, r.no, "an open idea")
    assert "round" not in plain and plain["data"]["text"] == "a sticky note, no round"


def test_anything_but_elements_means_read_again_and_nothing_public_means_no_message():
    assert M.message(5, 5, [LoggedChange(5, "phase", "facilitation", None, {"phase": 0}, {"phase": 1})])["read"] is True
    assert M.message(6, 6, [LoggedChange(6, "import", "workshop", W, None, {"elements": 3})])["read"] is True
    assert M.message(7, 6, []) is None


def test_user_text_is_json_in_the_event_never_markup():
    data = M.event("change", {"put": [{"data": {"text": "</script><b>x</b>\n\ndata: fake"}}]})
    lines = data.decode().split("\n")
    assert lines[0] == "event: change" and lines[1].startswith("data: {")
    assert len([line for line in lines if line.startswith("data:")]) == 1  # a newline in text cannot forge an event
    assert json.loads(lines[1][6:])["put"][0]["data"]["text"] == "</script><b>x</b>\n\ndata: fake"


# -- over HTTP -------------------------------------------------------------------------------------
class _Served:
    def __init__(self, store):
        self.store = store
        self.broadcaster = Broadcaster(store).start()
        app = Starlette(routes=events.routes(lambda: (self.store, self.broadcaster)))
        sock_port = _free_port()
        self.url = f"http://127.0.0.1:{sock_port}{events.PATH}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=sock_port, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.02)

    def stop(self):
        self.broadcaster.stop()
        self.server.should_exit = True
        self.thread.join(30)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Client:
    """A raw subscriber: reads server-sent events line by line (generous socket timeout)."""

    def __init__(self, url: str):
        self.resp = urllib.request.urlopen(url, timeout=30)

    def next_event(self) -> dict:
        name, data = None, None
        while True:
            line = self.resp.readline().decode("utf-8")
            assert line, "the stream ended"
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and name is not None:
                return data

    def close(self):
        self.resp.close()


@pytest.fixture
def room(store, fleet):
    created = import_document(store, fleet).created
    served = _Served(store)
    anna, bea = live.join(store, created.join_code, "Anna", "sales"), live.join(store, created.join_code, "Bea", "product")
    yield served, anna, bea, Facilitator(W, created.facilitator_key, anna.participant_id)
    served.stop()


def _wait_subscribers(served, n):
    deadline = time.monotonic() + 30
    while served.broadcaster.count(W) < n:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_change_reaches_every_subscriber_serialised_once(room):
    served, anna, bea, _ = room
    clients = [_Client(f"{served.url}?t={bea.token}"), _Client(f"{served.url}?t={anna.token}&w={W}")]
    hellos = [c.next_event() for c in clients]
    assert all(h["hello"] and h["read"] and h["v"] == served.store.version(W) for h in hellos)
    _wait_subscribers(served, 2)
    before = served.broadcaster.serialised
    step = editing.add(served.store, anna, "step", {"text": "Finance checks the <b>TCO</b>"}, parent="s1")
    got = [c.next_event() for c in clients]
    assert got[0] == got[1]
    assert got[0]["put"] == [{"id": step.eid, "kind": "step", "parent": "s1", "pos": step.pos, "data": step.data}]
    assert got[0]["v"] == step.version
    assert served.broadcaster.serialised == before + 1
    for c in clients:
        c.close()


def test_hidden_dots_and_notes_never_reach_another_participant(room):
    served, anna, bea, fac = room
    client = _Client(f"{served.url}?t={bea.token}")
    client.next_event()
    _wait_subscribers(served, 1)
    vote = rounds.start_vote(served.store, fac, "objection", budget=3)
    assert client.next_event()["read"] is True  # a round started: read again
    votes.set_dots(served.store, anna, vote.no, "o-surv", 2)  # hidden until the reveal
    # who has taken part is told (never what they chose)
    told = client.next_event()
    assert told["round"] == vote.no and told["voted"] == [anna.participant_id]
    assert set(told) == {"v", "public", "round", "voted"}
    brainstorm = rounds.start_brainstorm(served.store, fac, hidden=True)
    assert client.next_event()["read"] is True
    from workshop.services.brainstorm import post_note

    post_note(served.store, anna, brainstorm.no, "a secret note")
    step = editing.add(served.store, anna, "step", {"text": "public step"}, parent="s1")
    seen = []
    while True:  # the public step, and nothing hidden on the way (only who took part)
        event = client.next_event()
        seen.append(event)
        if "put" in event:
            break
    assert [p["id"] for p in seen[-1]["put"]] == [step.eid]
    for event in seen:
        assert "secret" not in json.dumps(event) and "o-surv" not in json.dumps(event)
        assert set(event) <= {"v", "public", "put", "remove", "round", "voted"}
    client.close()


def test_a_live_part_reads_its_state_again_with_the_same_rules(room):
    """``/_kopkarta/live``: what one live part draws now. Bea's board never holds Anna's
    hidden note; Anna sees her own; a wrong token gets 403 and nothing else."""
    served, anna, bea, fac = room
    base = served.url.replace(events.PATH, events.STATE_PATH)
    brainstorm = rounds.start_brainstorm(served.store, fac, hidden=True)
    from workshop.services.brainstorm import post_note

    post_note(served.store, anna, brainstorm.no, "a secret note", about="s1")  # on the board's first stage

    def board(token):
        with urllib.request.urlopen(f"{base}?t={token}&view=board&seg=midsize", timeout=30) as resp:
            assert resp.headers["Content-Type"].startswith("application/json")
            return json.loads(resp.read())

    for_bea, for_anna = board(bea.token), board(anna.token)
    assert for_bea["structure"] == for_anna["structure"]
    assert {"s1", "st1"} <= {el["id"] for el in for_bea["state"]["elements"]}
    assert "secret" not in json.dumps(for_bea)
    assert "a secret note" in [el["data"].get("text") for el in for_anna["state"]["elements"]]  # her own
    clock = json.loads(urllib.request.urlopen(f"{base}?t={bea.token}&view=clock", timeout=30).read())["state"]
    assert clock["round"]["no"] == brainstorm.no, clock
    assert clock["voted"] == [anna.participant_id], clock
    for url in (f"{base}?t=not-a-token&view=board", f"{base}?view=board", f"{base}?t={bea.token}&view=nonsense"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, timeout=30)
        assert err.value.code in (403, 404)


def test_the_projector_opens_the_stream_with_the_join_code(room):
    """The presenter's view without joining: ``w`` and the join code, never another code."""
    served, anna, _, _ = room
    code = served.store.workshop(W).join_code
    client = _Client(f"{served.url}?w={W}&code={code}")
    hello = client.next_event()
    assert hello["hello"] and hello["n"] == 1
    _wait_subscribers(served, 1)
    step = editing.add(served.store, anna, "step", {"text": "on the wall"}, parent="s1")
    assert [p["id"] for p in client.next_event()["put"]] == [step.eid]
    client.close()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{served.url}?w={W}&code=ZZZZZZ", timeout=30)
    assert err.value.code == 403


@pytest.mark.parametrize("how", ["wrong token", "no token", "another workshop"])
def test_the_stream_refuses_a_wrong_token(room, kommun, how):
    served, anna, _, _ = room
    other = import_document(served.store, kommun).created
    stranger = live.join(served.store, other.join_code, "Sven", "sales")
    url = {
        "wrong token": f"{served.url}?t=not-a-token",
        "no token": served.url,
        "another workshop": f"{served.url}?t={stranger.token}&w={W}",
    }[how]
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=30)
    assert err.value.code == 403
    assert served.broadcaster.count(W) == 0


def test_the_broadcaster_follows_any_engine(fleet):
    """The change feed of the in-memory engine feeds the same stream (the seam a PostgreSQL
    listener will feed too)."""
    store = MemoryStore()
    created = import_document(store, fleet).created
    served = _Served(store)
    try:
        anna = live.join(store, created.join_code, "Anna", "sales")
        client = _Client(f"{served.url}?t={anna.token}")
        client.next_event()
        _wait_subscribers(served, 1)
        step = editing.add(store, anna, "step", {"text": "in memory"}, parent="s1")
        assert [p["id"] for p in client.next_event()["put"]] == [step.eid]
        client.close()
    finally:
        served.stop()
