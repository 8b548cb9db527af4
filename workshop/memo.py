"""A bounded memory of values built from the map, shared by every session in the process.

Why: in a workshop every change redraws the same things on every screen in the room (the map's
network page, the process board's cards). What is drawn depends only on the map's version and
a few choices of the viewer, so the first page to draw a version builds it and the others
reuse it. A key must name everything the value depends on (for example the workshop's id and
its change number, the language); the value itself is never compared.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """Values by key, at most ``size`` of them (the least recently used goes first); safe to
    use from every session's script thread at once. Two threads that miss the same key may
    both build it (the values are equal): a build is never waited for under the lock."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value for ``key``, built by ``make()`` if it is not remembered."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
