"""The event stream of a workshop: each commit's public change, serialised once, sent to every
screen of that workshop that this process serves.

Why: rerunning a Streamlit script per screen per change tops out near 35 runs a second per
process; a message per change costs one serialisation per commit and a queue put per
subscriber. :class:`Broadcaster` listens to the store's change feed
(:meth:`workshop.ports.ChangeFeed.subscribe`, called on the committing thread) and hands the
message bytes to each subscriber's queue on its own event loop. The PostgreSQL engine's
listener will feed the same change feed, so the stream does not change with the engine.

A subscriber proves who it is with the participant token of its link (:func:`subscribe`), or
the projector with the workshop's join code; a wrong token, or a token of another workshop, is
refused. A round's hidden dots and notes are never public changes, so they never reach a queue.
A subscriber that falls behind (its queue full) is told to read the map again instead of being
sent every change it missed.

While a round is open, who has taken part so far (never what they chose) is told too: at most
every :data:`PARTICIPATION_GAP` seconds per workshop, and only when it changed (a hidden dot is
no public change, so the feed cannot say it; :class:`_Participation` counts again).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import change_messages as M
from ..ports import LoggedChange, Storage
from .guard import Caller
from .live_state import participation, viewer

_LOG = logging.getLogger(__name__)

#: messages a subscriber may have waiting before it is told to read the map again instead
QUEUE = 256
#: the shortest time between two "who has taken part" messages of one workshop (seconds)
PARTICIPATION_GAP = 0.5


@dataclass(eq=False)
class Subscription:
    """One open stream: its workshop, participant and queue of event bytes (read on ``loop``)."""

    workshop_id: str
    participant_id: str | None
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE))

    def _deliver(self, data: bytes | None, read_again: bytes | None) -> None:  # on the subscriber's loop
        try:
            self.queue.put_nowait(data)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(read_again)


#: what a subscriber's queue gets when the server stops: its stream ends (the browser reconnects
#: to the next server)
END = None


class Broadcaster:
    """Per process and store: who listens to which workshop, fed by the change feed."""

    def __init__(self, store: Storage):
        self.store = store
        self._subs: dict[str, set[Subscription]] = {}
        self._lock = threading.Lock()
        self._unsubscribe: Callable[[], None] | None = None
        #: messages serialised since start (one per commit with public changes), for tests and benchmarks
        self.serialised = 0
        #: the server is stopping: every stream has ended, no new one opens
        self.stopping = False
        self._participation = _Participation(self)

    def start(self) -> "Broadcaster":
        if self._unsubscribe is None:
            self._unsubscribe = self.store.subscribe(self._committed)
        return self

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._participation.stop()

    def end_streams(self) -> None:
        """The server is stopping: every open stream ends (a stream never ends by itself, and
        the server waits for every open response before it closes the store). Any thread."""
        self.stopping = True
        with self._lock:
            subs = [sub for theirs in self._subs.values() for sub in theirs]
        self._hand(subs, END, END)

    def add(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.setdefault(sub.workshop_id, set()).add(sub)

    def remove(self, sub: Subscription) -> None:
        with self._lock:
            subs = self._subs.get(sub.workshop_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    self._subs.pop(sub.workshop_id, None)

    def count(self, workshop_id: str) -> int:
        with self._lock:
            return len(self._subs.get(workshop_id, ()))

    def _committed(self, workshop_id: str, version: int, public: int, changes: tuple[LoggedChange, ...]) -> None:
        with self._lock:
            subs = list(self._subs.get(workshop_id, ()))
        if not subs:
            return
        r = self.store.facilitation(workshop_id).open_round
        if r is not None and r.kind in ("vote", "rating", "brainstorm"):
            self._participation.soon(workshop_id)
        payload = M.message(version, public, changes)
        if payload is None:  # hidden dots only: nothing anyone else may see
            return
        self.send(workshop_id, subs, payload)

    def send(self, workshop_id: str, subs: list[Subscription] | None, payload: dict) -> None:
        """``payload`` serialised once, to every subscriber of the workshop (``subs``: those)."""
        if subs is None:
            with self._lock:
                subs = list(self._subs.get(workshop_id, ()))
        if not subs:
            return
        data = M.event("change", payload)  # serialised once for every subscriber
        read_again = M.event("change", {"v": payload["v"], "public": payload["public"], "read": True})
        self.serialised += 1
        self._hand(subs, data, read_again)

    def _hand(self, subs: list[Subscription], data: bytes | None, read_again: bytes | None) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for sub in subs:
            by_loop.setdefault(sub.loop, []).append(sub)
        for loop, theirs in by_loop.items():  # one wake-up of each loop, not one per screen
            try:
                loop.call_soon_threadsafe(_deliver_all, theirs, data, read_again)
            except RuntimeError:  # the loop closed: its subscribers are going away
                for sub in theirs:
                    self.remove(sub)


def _deliver_all(subs: list[Subscription], data: bytes | None, read_again: bytes | None) -> None:
    for sub in subs:
        sub._deliver(data, read_again)


class _Participation:
    """Who has taken part in each workshop's open round, told when it changed: counted again at
    most every :data:`PARTICIPATION_GAP` seconds per workshop, on a thread of its own (the feed
    calls the broadcaster on the committing thread, which must not wait for a read)."""

    def __init__(self, broadcaster: Broadcaster):
        self.b = broadcaster
        self._due: set[str] = set()
        self._told: dict[str, tuple[int, frozenset[str]]] = {}
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def soon(self, workshop_id: str) -> None:
        with self._wake:
            self._due.add(workshop_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kopkarta-participation", daemon=True)
                self._thread.start()
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._due and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
                due, self._due = self._due, set()
            for workshop_id in due:
                try:
                    self._tell(workshop_id)
                except Exception:  # noqa: BLE001 - a workshop deleted meanwhile; never stop the thread
                    _LOG.debug("participation of %s not counted", workshop_id, exc_info=True)
            with self._wake:  # at most every PARTICIPATION_GAP seconds: changes meanwhile wait
                self._wake.wait(PARTICIPATION_GAP)

    def _tell(self, workshop_id: str) -> None:
        store = self.b.store
        r = store.facilitation(workshop_id).open_round
        if r is None:
            return
        who = participation(store, workshop_id, r)
        told = self._told.get(workshop_id)
        if told == (r.no, who) or (not who and (told is None or told[0] != r.no)):
            return  # nothing new (a round starts with nobody: the screens know)
        self._told[workshop_id] = (r.no, who)
        v, public = store.version(workshop_id), store.public_version(workshop_id)
        self.b.send(workshop_id, None, {"v": v, "public": public, "round": r.no, "voted": sorted(who)})


def subscribe(
    store: Storage, broadcaster: Broadcaster, token: str, workshop_id: str | None, loop, *, code: str | None = None,
    caller: Caller | None = None,
) -> tuple[Subscription, bytes]:
    """Open a stream for the participant whose token this is (or, with no token, the projector
    that knows ``workshop_id``'s join ``code``); returns it and the first event (read the map
    as of now, and how many screens of the workshop this process serves). A wrong token, or
    one of another workshop than ``workshop_id``, raises :class:`Forbidden` and opens nothing
    (counted at ``caller``'s address: :func:`workshop.services.live_state.viewer`)."""
    wid, pid = viewer(store, token, workshop_id, code, caller=caller)
    sub = Subscription(wid, pid, loop)
    broadcaster.add(sub)
    first = M.event("change", {**M.hello(store.version(wid), store.public_version(wid)), "n": broadcaster.count(wid)})
    return sub, first
