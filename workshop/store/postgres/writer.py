"""The :class:`workshop.ports.Writer` port on PostgreSQL: each job in a transaction of its own,
on a pooled connection, tried again when another process's transaction got in the way.

Why not the DuckDB file's single writer thread: here the writers are in several processes,
so no one thread can order them. PostgreSQL does: the per-workshop lock of :mod:`.tx` orders
the jobs on one workshop across every process, and jobs on different workshops run side by
side. A job that loses a race the lock cannot prevent (a deadlock between two workshops, a key
taken by a concurrent import) is rolled back and run again, up to :data:`TRIES` times; a job
that refuses (a stale edit, a spent budget) is rolled back and its error handed to the caller.
The caller returns only after the commit: an acknowledged write is durable.
"""

from __future__ import annotations

import logging
import random
import time
from typing import Callable, TypeVar

from psycopg_pool import PoolTimeout

from ...errors import StoreError
from .connection import RETRYABLE, PgError, first_line
from .feed import Feed
from .tx import IndexCache, PgTx

T = TypeVar("T")
TRIES = 8
_LOG = logging.getLogger(__name__)


class Writer:
    def __init__(self, pool, feed: Feed):
        self._pool = pool
        self._feed = feed
        self._indexes = IndexCache()
        self._closed = False

    def submit(self, job: Callable[[PgTx], T]) -> T:
        if self._closed:
            raise StoreError("the database is closed")
        for attempt in range(1, TRIES + 1):
            try:
                with self._pool.connection() as conn:
                    tx = PgTx(conn, self._feed, self._indexes)
                    with conn.transaction():
                        result = job(tx)
                        tx.finish(self._feed.origin)
            except RETRYABLE as exc:
                if attempt == TRIES:
                    raise StoreError(f"the change failed in the database after {TRIES} tries: {first_line(exc)}") from exc
                _LOG.info("a write met another transaction (%s); trying again", type(exc).__name__)
                time.sleep(random.uniform(0.005, 0.02) * attempt)
                continue
            except PgError as exc:
                raise StoreError(f"the change failed in the database: {first_line(exc)}") from exc
            except PoolTimeout as exc:
                raise StoreError("the change failed: no database connection was free within 30 s") from exc
            # committed: in-memory state first, the counters last (a poller that sees a
            # counter move finds everything that change made already in place)
            for fn in tx.committed_callbacks:
                try:
                    fn()
                except Exception:  # noqa: BLE001 - the commit stands
                    _LOG.exception("a callback after a commit failed")
            tx.committed()
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._closed = True
