"""The process's one listening connection: LISTEN, and hand every notification to the feed.

Why a connection of its own, outside the pool: a LISTEN belongs to a session, and a pooled
connection goes back to the pool (a transaction pooler such as PgBouncer in transaction mode
breaks LISTEN for the same reason: use a direct connection or session pooling). Three rules
learnt the hard way (DESIGN.md):

* **LISTEN first, then read the current numbers.** NOTIFY has no replay: a change committed
  before the LISTEN is never told, so the feed reads every workshop's numbers once the LISTEN
  stands (:meth:`.feed.Feed.resync`) and tells what moved.
* **No query on this connection inside ``notifies()``**: it hung. The loop only queues each
  payload for the feed's own thread, which reads with a pooled connection.
* **Reconnect when dropped** (a restart of the database, ``pg_terminate_backend``, a network
  cut): with a growing pause up to 5 s, then LISTEN and resync again. TCP keepalives find a
  connection that died without a word; a ``SELECT 1`` after 30 s of silence finds the rest.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg

from .feed import CHANNEL, Feed

_LOG = logging.getLogger(__name__)
_KEEPALIVE = {"keepalives": 1, "keepalives_idle": 20, "keepalives_interval": 5, "keepalives_count": 3}


class ChangeListener:
    def __init__(self, url: str, feed: Feed, name: str):
        self._url = url
        self._feed = feed
        self._name = f"{name}-listen"
        self._stop = threading.Event()
        self.listening = threading.Event()
        #: how many times a LISTEN was set up (1 after start, +1 per reconnect)
        self.connections = 0
        #: the backend process id of the listening connection (what pg_terminate_backend takes)
        self.backend_pid: int | None = None
        self._thread = threading.Thread(target=self._run, name="kopkarta-listen", daemon=True)
        self._thread.start()

    def close(self, wake: Callable[[], None] | None = None) -> None:
        """Stop listening; ``wake`` sends any notification, so the loop ends now rather than
        at the end of its current wait."""
        self._stop.set()
        if wake is not None and self.listening.is_set():
            try:
                wake()
            except Exception:  # noqa: BLE001 - the wait ends within a second anyway
                pass
        self._thread.join(timeout=10)

    def _run(self) -> None:
        pause = 0.2
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=10, application_name=self._name, **_KEEPALIVE) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")  # a constant channel name, not user input
                    self.backend_pid = conn.info.backend_pid
                    self.connections += 1
                    self._feed.resync()  # after the LISTEN: what moved before it is read, not lost
                    self.listening.set()
                    pause = 0.2
                    self._listen(conn)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                self.listening.clear()
                _LOG.warning("the change listener lost its connection (%s); reconnecting in %.1f s", str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, pause)
                self._stop.wait(pause)
                pause = min(pause * 2, 5.0)
        self.listening.clear()

    def _listen(self, conn: psycopg.Connection) -> None:
        quiet_since = time.monotonic()
        while not self._stop.is_set():
            heard = False
            for note in conn.notifies(timeout=1.0):
                if self._stop.is_set():
                    return
                self._feed.told(note.payload)  # only queued: no query on this connection in here
                heard = True
            if heard:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 30:
                conn.execute("SELECT 1")  # outside notifies(): is the connection still there?
                quiet_since = time.monotonic()
