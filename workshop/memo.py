"""A bounded memory of values built from the map, shared by every session in the process.

Why: in a workshop every change redraws the same things on every screen in the room (the map's
network page, the process board's cards, the map itself as :func:`workshop.services.live.snapshot`
reads it, the explorer's tables). What is drawn depends only on the map's version and a few
choices of the viewer, so the first page to draw a version builds it and the others reuse it.
A key must name everything the value depends on (for example the workshop's id and its change
number, the language); the value itself is never compared.

One class for every such memory (there were three hand-written ones): at most ``size`` values,
the least recently used forgotten first, and one build per key at a time. When a whole room's
pages miss the same new version together (in a vote every dot is one), the first builds it and
the others wait for that build instead of running the same one again; a build that fails is
not remembered, and a page that waited for it builds it itself (and sees the error itself if
it fails again).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class _Build:
    """A build under way: who runs it, how many wait for it, and an event set when it is over
    (done or failed)."""

    __slots__ = ("done", "thread", "waiters")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.thread = threading.get_ident()
        self.waiters = 0


class Memo(Generic[V]):
    """Values by key, at most ``size`` of them (the least recently used goes first); safe to
    use from every session's script thread at once.

    ``patience``: how many seconds :meth:`get` waits for another thread's build of the same key
    before it builds the value itself (``None``: as long as that build takes). No lock is held
    while a value is built."""

    def __init__(self, size: int, *, patience: float | None = None):
        self.size = size
        self.patience = patience
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._building: dict[Hashable, _Build] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value for ``key``, built by ``make()`` if it is not remembered. While another
        thread builds it, this one waits for that build; ``make`` must not ask this memo for
        the same key (that would wait for itself: it raises instead)."""
        while True:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
                under_way = self._building.get(key)
                if under_way is None:
                    mine = self._building[key] = _Build()
                elif under_way.thread != threading.get_ident():
                    under_way.waiters += 1
            if under_way is None:
                break
            if under_way.thread == threading.get_ident():
                raise RuntimeError(f"the value for {key!r} is asked for while it is being built")
            over = under_way.done.wait(self.patience)
            with self._lock:
                under_way.waiters -= 1
            if not over:
                return self._build(key, make)  # that build takes too long: not waited for any more
        try:
            return self._build(key, make)
        finally:
            with self._lock:
                del self._building[key]
            mine.done.set()  # the waiters look again: the value, or (it failed) no build under way

    def _build(self, key: Hashable, make: Callable[[], V]) -> V:
        value = make()
        self.put(key, value)
        return value

    def put(self, key: Hashable, value: V) -> None:
        """Remember ``value`` for ``key`` (as the most recently used)."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def peek(self, key: Hashable) -> V | None:
        """The remembered value for ``key`` (``None`` if there is none), never built, never
        waited for; counts as a use."""
        with self._lock:
            if key not in self._values:
                return None
            self._values.move_to_end(key)
            return self._values[key]

    def waiting(self, key: Hashable) -> int:
        """How many threads wait for the build of ``key`` under way (0 when none is)."""
        with self._lock:
            under_way = self._building.get(key)
            return under_way.waiters if under_way is not None else 0

    def values(self) -> list[V]:
        """Every remembered value, the least recently used first (a copy: the memory may
        change meanwhile); looking does not count as a use."""
        with self._lock:
            return list(self._values.values())

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
