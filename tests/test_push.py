"""The server push's rules (ui/push.py) with a stand-in for Streamlit's session manager: a page
behind the store's public change number is rerun once, never while it runs, at most two at a
time, the longest waiting first, and not again within the gap; a page with live parts gets
those rerun alone, the sidebar's parts after every page's push and not within their gap; the
rerun is asked on the session's event loop and not when a click got there first; browsers that
went away are forgotten. The stand-ins have the very attributes :mod:`ui.internals` reaches
for (``_scriptrunner``, ``_client_state``, ``has_fragment``, ...): the check of those is in
``tests/test_internals.py``."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from streamlit.proto.ClientState_pb2 import ClientState

from ui import internals, push


class FakeSession:
    def __init__(self):
        self._scriptrunner = None
        self._client_state = ClientState(query_string="t=abc", page_name="process")
        self.reruns = 0
        self.parts_rerun: list[str] = []
        self.fragments = {"board", "notes", "chart"}

    def has_fragment(self, fid):
        return fid in self.fragments

    def request_rerun(self, client_state):
        if client_state.fragment_id:  # a part alone, with the page's own last state otherwise
            assert client_state.query_string == "t=abc" and client_state.page_name == "process"
            self.parts_rerun.append(client_state.fragment_id)
        else:
            assert client_state is self._client_state  # the session's own last state: no widget pressed again
            self.reruns += 1
        self._scriptrunner = "running"


class FakeManager:
    def __init__(self, n):
        self.sessions = {f"s{i}": FakeSession() for i in range(n)}

    def get_active_session_info(self, sid):
        s = self.sessions.get(sid)
        return SimpleNamespace(session=s) if s is not None else None

    def list_active_sessions(self):
        return [SimpleNamespace(session=s) for s in self.sessions.values()]


class FakeStore:
    def __init__(self):
        self.versions = {"w": 1}

    def public_version(self, wid):
        return self.versions[wid]


@pytest.fixture
def room(monkeypatch):
    mgr, store = FakeManager(5), FakeStore()
    monkeypatch.setattr(internals, "session_manager", lambda: mgr)
    monkeypatch.setattr(internals, "_verdict", True)  # the start-up check passed
    monkeypatch.setattr(push, "_watches", {sid: push._Watch("w", 1) for sid in mgr.sessions})
    monkeypatch.setattr(push, "_pushed", set())
    monkeypatch.setattr(push, "_asking", set())
    clock = [1000.0]
    monkeypatch.setattr(push.time, "monotonic", lambda: clock[0])
    return mgr, store, clock


def _finish_runs(mgr):
    for s in mgr.sessions.values():
        s._scriptrunner = None


def test_nothing_changed_nothing_pushed(room):
    mgr, store, _ = room
    push._notify_once(store)
    assert all(s.reruns == 0 for s in mgr.sessions.values())


def test_a_change_reruns_every_page_two_at_a_time_once_each(room):
    mgr, store, clock = room
    store.versions["w"] = 2
    push._notify_once(store)
    assert sum(s.reruns for s in mgr.sessions.values()) == push.MAX_RUNNING
    for _ in range(5):  # the runs finish; the others follow, none twice
        _finish_runs(mgr)
        clock[0] += 0.05
        push._notify_once(store)
    assert [s.reruns for s in mgr.sessions.values()] == [1] * 5


def test_a_running_page_is_not_interrupted(room):
    mgr, store, _ = room
    for s in mgr.sessions.values():
        s._scriptrunner = "running its own change"
    store.versions["w"] = 2
    push._notify_once(store)
    assert all(s.reruns == 0 for s in mgr.sessions.values())


def test_a_burst_of_changes_waits_for_the_gap(room):
    mgr, store, clock = room
    mgr.sessions = {"s0": mgr.sessions["s0"]}
    push._watches = {"s0": push._Watch("w", 1)}
    store.versions["w"] = 2
    push._notify_once(store)
    _finish_runs(mgr)
    store.versions["w"] = 3
    clock[0] += push.MIN_GAP / 2
    push._notify_once(store)
    assert mgr.sessions["s0"].reruns == 1  # too soon: it shows both changes on the next push
    clock[0] += push.MIN_GAP
    push._notify_once(store)
    assert mgr.sessions["s0"].reruns == 2


def test_gone_browsers_are_forgotten(room):
    mgr, _, _ = room
    del mgr.sessions["s3"]
    push._sweep()
    assert "s3" not in push._watches and len(push._watches) == 4


def test_without_a_streamlit_runtime_pages_poll(monkeypatch, caplog):
    monkeypatch.setattr(internals, "_verdict", None)  # not checked yet in this process
    monkeypatch.setattr(push, "_thread", None)
    assert internals.usable() is False  # no Streamlit server here: ui.live falls back to polling
    assert push.watch("w", 1, FakeStore()) is False
    assert push._thread is None and caplog.records == []  # quietly: nothing is wrong


def test_parts_found_out_of_date_are_rerun_next(room, monkeypatch):
    mgr, store, _ = room
    monkeypatch.setattr(internals, "session_id", lambda: "s0")
    push._watches = {"s0": push._Watch("w", 1, parts=("board",))}
    store.versions["w"] = 2
    push._notify_once(store)
    push.queue_reruns(["notes"])  # the board's rerun found the note form's list changed
    _finish_runs(mgr)
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board", "notes"]
    push.queue_reruns(["gone"])  # a part a full run has dropped since: nothing is rerun for it
    _finish_runs(mgr)
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board", "notes"] and mgr.sessions["s0"].reruns == 0


def test_a_page_with_live_parts_gets_only_those_rerun(room):
    mgr, store, _ = room
    push._watches = {"s0": push._Watch("w", 1, parts=("board", "notes")), "s1": push._Watch("w", 1)}
    store.versions["w"] = 2
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board"] and mgr.sessions["s0"].reruns == 0
    assert mgr.sessions["s1"].reruns == 1  # no parts: the whole page
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board"]  # the next part waits until the first has run
    _finish_runs(mgr)
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board", "notes"]
    _finish_runs(mgr)
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board", "notes"] and mgr.sessions["s0"].reruns == 0


def test_a_page_whose_part_is_gone_is_rerun_whole(room):
    mgr, store, _ = room
    mgr.sessions["s0"].fragments = {"notes"}  # a full run since dropped the board's fragment
    push._watches = {"s0": push._Watch("w", 1, parts=("board", "notes"))}
    store.versions["w"] = 2
    push._notify_once(store)
    assert mgr.sessions["s0"].reruns == 1 and mgr.sessions["s0"].parts_rerun == []


def test_the_safety_net_leaves_a_page_whose_push_is_on_its_way(room, monkeypatch):
    _, store, clock = room
    monkeypatch.setattr(internals, "session_id", lambda: "s0")
    monkeypatch.setattr(push, "_ensure_notifier", lambda store: None)
    push.watch("w", 1, store)  # the page drew version 1 just now
    assert push.overdue("w", 1, store, after=5.0) is False  # up to date
    store.versions["w"] = 2
    push._notify_once(store)  # pushed
    clock[0] += 1.0
    assert push.overdue("w", 1, store, after=5.0) is False  # behind, but its redraw is on its way
    clock[0] += 5.0
    assert push.overdue("w", 1, store, after=5.0) is True  # the push got lost: redraw it from the page
    push.watch("w", 2, store)
    assert push.overdue("w", 2, store, after=5.0) is False



def test_sidebar_parts_wait_for_every_page_and_for_their_gap(room, monkeypatch):
    mgr, store, clock = room
    monkeypatch.setattr(internals, "session_id", lambda: "s0")
    push._watches = {"s0": push._Watch("w", 1, parts=("board",)), "s1": push._Watch("w", 1, parts=("board",))}
    push._watches["s0"].pushed_at = push._watches["s1"].pushed_at = clock[0] - 10  # both long due
    monkeypatch.setattr(push, "MAX_RUNNING", 1)
    store.versions["w"] = 2
    push._notify_once(store)  # s0's board first
    push.queue_reruns(["notes"], sidebar=True)  # its note form's list changed
    _finish_runs(mgr)
    push._notify_once(store)
    assert mgr.sessions["s1"].parts_rerun == ["board"]  # s1's board before s0's note form
    _finish_runs(mgr)
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board", "notes"]
    push.queue_reruns(["notes"], sidebar=True)  # another new step, a moment later
    _finish_runs(mgr)
    clock[0] += 1.0
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board", "notes"]  # not within SIDEBAR_GAP
    clock[0] += push.SIDEBAR_GAP
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["board", "notes", "notes"]


def test_parts_queued_in_the_main_area_come_before_other_pages_pushes(room, monkeypatch):
    mgr, store, clock = room
    monkeypatch.setattr(internals, "session_id", lambda: "s0")
    monkeypatch.setattr(push, "MAX_RUNNING", 1)
    push._watches = {"s0": push._Watch("w", 2, parts=("board",)), "s1": push._Watch("w", 1, parts=("board",))}
    store.versions["w"] = 2
    push.queue_reruns(["chart"])  # s0's own click redrew one part and found another out of date
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["chart"] and mgr.sessions["s1"].parts_rerun == []
    _finish_runs(mgr)
    push._notify_once(store)
    assert mgr.sessions["s1"].parts_rerun == ["board"]


class FakeLoop:
    """A session's event loop: what the notifier hands it runs when the test says so."""

    def __init__(self):
        self.waiting = []

    def call_soon_threadsafe(self, fn, *args):
        self.waiting.append((fn, args))

    def run(self):
        waiting, self.waiting = self.waiting, []
        for fn, args in waiting:
            fn(*args)


def test_a_click_that_comes_first_is_not_cut_short(room):
    mgr, store, _ = room
    s0 = mgr.sessions["s0"]
    s0._event_loop = loop = FakeLoop()
    push._watches = {"s0": push._Watch("w", 1, parts=("board",))}
    store.versions["w"] = 2
    push._notify_once(store)  # handed to the session's loop: nothing asked yet
    assert s0.parts_rerun == [] and push._asking == {"s0"}
    push._notify_once(store)
    assert len(loop.waiting) == 1  # not handed twice
    s0._scriptrunner = "the participant's dot click"  # handled on the loop before the push
    loop.run()
    assert s0.parts_rerun == [] and push._watches["s0"].drawn == 1 and not push._asking  # nothing booked
    _finish_runs(mgr)
    push._notify_once(store)
    loop.run()
    assert s0.parts_rerun == ["board"] and push._watches["s0"].drawn == 2 and push._pushed == {"s0"}


def test_a_sidebar_part_does_not_bring_the_next_push_forward(room):
    mgr, store, clock = room
    push._watches = {"s0": push._Watch("w", 1, pushed_at=clock[0], parts=("board",), sidebar_queued=("notes",))}
    store.versions["w"] = 2  # a change just after this page's last push
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["notes"]  # the note form, due since long
    assert push._watches["s0"].drawn == 1  # the board waits for its gap
    _finish_runs(mgr)
    clock[0] += push.MIN_GAP
    push._notify_once(store)
    assert mgr.sessions["s0"].parts_rerun == ["notes", "board"]
