"""The single writer: every change goes through one thread, committed in groups.

Why: DuckDB's concurrency is optimistic, so concurrent transactions that touch the same rows
fail, and one transaction per tiny write spends most of its time committing. Here callers on
any thread hand a *job* (a function of a :class:`~workshop.ports.Transaction`, here :class:`.tx.DuckTx`) to the writer thread and wait. The writer
takes every job waiting, runs them in one transaction and commits once, so 30 people voting at
the same moment cost about one commit, not thirty, and never conflict. A caller returns only
after the commit: an acknowledged write is durable.

A job checks its preconditions before it writes; a job that refuses (a stale edit, an unknown
id) simply leaves the group. Should anything go wrong after a job started writing, the whole
group is rolled back and every job re-run alone, so one bad job never takes others down.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable, Generic, TypeVar

from ...errors import KopkartaError, StoreError
from ...rules.index import MapIndex
from .connection import DuckDBError
from .feed import Feed
from .tx import DuckTx

T = TypeVar("T")
MAX_GROUP = 256


class _Job(Generic[T]):
    __slots__ = ("fn", "done", "result", "error", "exclusive")

    def __init__(self, fn: Callable[[DuckTx], T], exclusive: bool = False):
        self.fn = fn
        self.exclusive = exclusive
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None


class _Restart(Exception):
    """A job failed after writing: the group must be rolled back and re-run job by job."""


class Writer:
    """The :class:`workshop.ports.Writer` port of the DuckDB file: one thread, groups of jobs."""

    def __init__(self, connection, feed: Feed):
        self._cur = connection.cursor()
        self._feed = feed
        self._indexes: dict[str, MapIndex] = {}
        self._queue: "queue.Queue[_Job | None]" = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="kopkarta-writer", daemon=True)
        self._closed = False
        self._thread.start()

    def submit(self, fn: Callable[[DuckTx], T]) -> T:
        if self._closed:
            raise StoreError("the database is closed")
        job: _Job[T] = _Job(fn)
        self._queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def exclusive(self, fn: Callable[[Any], T]) -> T:
        """Run ``fn(cursor)`` on the writer thread outside any transaction (checkpoint, backup)."""
        if self._closed:
            raise StoreError("the database is closed")
        job: _Job[T] = _Job(fn, exclusive=True)
        self._queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()
            self._cur.close()
            self._cur = None

    # -- the writer thread ---------------------------------------------------------------
    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if job.exclusive:
                try:
                    job.result = job.fn(self._cur)
                except BaseException as exc:  # handed to the caller
                    job.error = exc
                job.done.set()
                continue
            group = [job]
            stop = False
            while len(group) < MAX_GROUP:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None or nxt.exclusive:
                    stop = nxt is None
                    if nxt is not None:
                        self._queue.put(nxt)  # after this group (order among exclusives kept)
                    break
                group.append(nxt)
            try:
                self._run_group(group)
            except _Restart:
                for one in group:
                    try:
                        self._run_group([one])
                    except _Restart:
                        pass  # the job's own error was recorded by _run_group
            for one in group:
                one.done.set()
            if stop:
                return

    def _run_group(self, group: list[_Job]) -> None:
        tx = DuckTx(self._cur, self._feed, self._indexes)
        try:
            self._cur.execute("BEGIN TRANSACTION")
            for job in group:
                tx.wrote = False
                try:
                    job.result = job.fn(tx)
                    job.error = None
                except KopkartaError as exc:
                    job.error = exc
                    if tx.wrote:
                        raise _Restart from exc
                except DuckDBError as exc:
                    job.error = StoreError(f"the change failed in the database: {str(exc).splitlines()[0]}")
                    raise _Restart from exc
                except Exception as exc:  # a bug in a job must not kill the writer
                    job.error = exc
                    raise _Restart from exc
            tx.flush()
            self._cur.execute("COMMIT")
        except _Restart:
            self._rollback(tx)
            if len(group) > 1:
                raise
            return
        except DuckDBError as exc:
            self._rollback(tx)
            if len(group) > 1:
                raise _Restart from exc
            group[0].error = StoreError(f"the change could not be committed: {str(exc).splitlines()[0]}")
            return
        # in-memory state first, the counters last: a poller that sees a counter move finds
        # everything that change made already in place
        for fn in tx.committed_callbacks:
            try:
                fn()
            except Exception:  # noqa: BLE001 - the commit stands; a broken callback must not kill the writer
                logging.getLogger(__name__).exception("a callback after a commit failed")
        self._feed.committed(tx.pending, tx.public, tx.public_changes)

    def _rollback(self, tx: DuckTx) -> None:
        for workshop_id in tx.touched:  # indexes may hold rolled-back changes: reload later
            self._indexes.pop(workshop_id, None)
        try:
            self._cur.execute("ROLLBACK")
        except DuckDBError:
            pass
