"""What every engine's store does the same way: hand jobs to its writer, answer the change
feed's questions from its feed, and keep the change listeners.

Why here: the DuckDB file and PostgreSQL differ in how they write and how they learn of
changes, not in how a store exposes them. An engine's store inherits :class:`FeedAndWriter`
and sets ``_writer`` (anything with ``submit``) and ``_feed`` (its feed); its feed keeps its
listeners in a :class:`Listeners`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from ..ports import Listener

_LOG = logging.getLogger(__name__)


class Listeners:
    """The change listeners of one feed: added and removed from any thread, told in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def add(self, listener: Listener) -> Callable[[], None]:
        """Add ``listener``; returns the function that removes it."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def __bool__(self) -> bool:
        return bool(self._listeners)

    def tell(self, workshop_id: str, version: int, public: int, changes: tuple) -> None:
        """Call every listener; one that fails is logged and the others are still told."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(workshop_id, version, public, changes)
            except Exception:  # noqa: BLE001 - a listener must not stop the writer or the feed
                _LOG.exception("a change listener failed")


class FeedAndWriter:
    """The :class:`~workshop.ports.Writer` and :class:`~workshop.ports.ChangeFeed` ports of a
    store, from its ``_writer`` and ``_feed``."""

    _writer: Any
    _feed: Any

    def _bind_feed(self) -> None:
        """Every screen polls these many times a second: the feed's own methods, one call each
        instead of two (the methods below say what they are)."""
        self.version = self._feed.version  # type: ignore[method-assign]
        self.public_version = self._feed.public_version  # type: ignore[method-assign]
        self.facilitation = self._feed.facilitation  # type: ignore[method-assign]

    def submit(self, job):
        return self._writer.submit(job)

    def version(self, workshop_id: str) -> int:
        return self._feed.version(workshop_id)

    def public_version(self, workshop_id: str) -> int:
        return self._feed.public_version(workshop_id)

    def facilitation(self, workshop_id: str):
        return self._feed.facilitation(workshop_id)

    def subscribe(self, listener):
        return self._feed.subscribe(listener)
