"""The event stream of a workshop: each commit's public change, serialised once, sent to every
screen of that workshop that this process serves.

Why: rerunning a Streamlit script per screen per change tops out near 35 runs a second per
process; a message per change costs one serialisation per commit and a queue put per
subscriber. :class:`Broadcaster` listens to the store's change feed
(:meth:`workshop.ports.ChangeFeed.subscribe`, called on the committing thread) and hands the
message bytes to each subscriber's queue on its own event loop. The PostgreSQL engine's
listener will feed the same change feed, so the stream does not change with the engine.

A subscriber proves who it is with the participant token of its link (:func:`subscribe`); a
wrong token, or a token of another workshop, is refused. A round's hidden dots and notes are
never public changes, so they never reach a queue. A subscriber that falls behind (its queue
full) is told to read the map again instead of being sent every change it missed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Forbidden, NotFound
from ..model import change_messages as M
from ..ports import LoggedChange, Storage
from .live import identify

#: messages a subscriber may have waiting before it is told to read the map again instead
QUEUE = 256


@dataclass(eq=False)
class Subscription:
    """One open stream: its workshop, participant and queue of event bytes (read on ``loop``)."""

    workshop_id: str
    participant_id: str
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE))

    def _deliver(self, data: bytes, read_again: bytes) -> None:  # on the subscriber's loop
        try:
            self.queue.put_nowait(data)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(read_again)


class Broadcaster:
    """Per process and store: who listens to which workshop, fed by the change feed."""

    def __init__(self, store: Storage):
        self.store = store
        self._subs: dict[str, set[Subscription]] = {}
        self._lock = threading.Lock()
        self._unsubscribe: Callable[[], None] | None = None
        #: messages serialised since start (one per commit with public changes), for tests and benchmarks
        self.serialised = 0

    def start(self) -> "Broadcaster":
        if self._unsubscribe is None:
            self._unsubscribe = self.store.subscribe(self._committed)
        return self

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

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
        payload = M.message(version, public, changes)
        if payload is None:  # hidden dots only: nothing anyone else may see
            return
        data = M.event("change", payload)  # serialised once for every subscriber
        read_again = M.event("change", {"v": version, "public": public, "read": True})
        self.serialised += 1
        for sub in subs:
            try:
                sub.loop.call_soon_threadsafe(sub._deliver, data, read_again)
            except RuntimeError:  # the subscriber's loop closed: it is going away
                self.remove(sub)


def subscribe(store: Storage, broadcaster: Broadcaster, token: str, workshop_id: str | None, loop) -> tuple[Subscription, bytes]:
    """Open a stream for the participant whose token this is; returns it and the first event
    (read the map as of now). A wrong token, or one of another workshop than ``workshop_id``,
    raises :class:`Forbidden` and opens nothing."""
    try:
        me = identify(store, token or "")
    except NotFound:
        raise Forbidden("this link is not valid for the live stream") from None
    if workshop_id and workshop_id != me.workshop_id:
        raise Forbidden("this link is not valid for the live stream")
    sub = Subscription(me.workshop_id, me.participant_id, loop)
    broadcaster.add(sub)
    first = M.event("change", M.hello(store.version(me.workshop_id), store.public_version(me.workshop_id)))
    return sub, first
