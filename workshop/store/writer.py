"""The single writer: every change goes through one thread, committed in groups.

Why: DuckDB's concurrency is optimistic, so concurrent transactions that touch the same rows
fail, and one transaction per tiny write spends most of its time committing. Here callers on
any thread hand a *job* (a function of a :class:`Tx`) to the writer thread and wait. The writer
takes every job waiting, runs them in one transaction and commits once, so 30 people voting at
the same moment cost about one commit, not thirty, and never conflict. A caller returns only
after the commit: an acknowledged write is durable.

A job checks its preconditions before it writes; a job that refuses (a stale edit, an unknown
id) simply leaves the group. Should anything go wrong after a job started writing, the whole
group is rolled back and every job re-run alone, so one bad job never takes others down.
"""

from __future__ import annotations

import json
import queue
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Generic, TypeVar

from ..errors import KopkartaError, StoreError
from .connection import DuckDBError

T = TypeVar("T")
MAX_GROUP = 256


class _Job(Generic[T]):
    __slots__ = ("fn", "done", "result", "error", "exclusive")

    def __init__(self, fn: Callable[["Tx"], T], exclusive: bool = False):
        self.fn = fn
        self.exclusive = exclusive
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None


class _Restart(Exception):
    """A job failed after writing: the group must be rolled back and re-run job by job."""


class Tx:
    """What a job may do inside the writer's transaction."""

    def __init__(self, cursor, committed: dict[str, int]):
        self._cur = cursor
        self._committed = committed
        self.pending: dict[str, int] = {}
        self.wrote = False

    def execute(self, sql: str, params: list[Any] | None = None):
        return self._cur.execute(sql, params or [])

    def write(self, sql: str, params: list[Any] | None = None):
        self.wrote = True
        return self._cur.execute(sql, params or [])

    def version(self, workshop_id: str) -> int:
        return self.pending.get(workshop_id, self._committed.get(workshop_id, 0))

    def record(
        self,
        workshop_id: str,
        actor: str | None,
        op: str,
        kind: str | None,
        eid: str | None,
        before: Any,
        after: Any,
        undoes: int | None = None,
    ) -> int:
        """Append one event and move the workshop's change counter by one; returns its number."""
        seq = self.version(workshop_id) + 1
        self.write(
            "INSERT INTO events (workshop_id, seq, happened_at, actor, op, kind, eid, before, after, undoes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                workshop_id,
                seq,
                datetime.now(timezone.utc),
                actor,
                op,
                kind,
                eid,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
                undoes,
            ],
        )
        self.pending[workshop_id] = seq
        return seq


class Writer:
    def __init__(self, connection, committed: dict[str, int]):
        self._cur = connection.cursor()
        self._committed = committed
        self._queue: "queue.Queue[_Job | None]" = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="kopkarta-writer", daemon=True)
        self._closed = False
        self._thread.start()

    def submit(self, fn: Callable[[Tx], T]) -> T:
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
        tx = Tx(self._cur, self._committed)
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
            self._cur.execute("COMMIT")
        except _Restart:
            self._rollback()
            if len(group) > 1:
                raise
            return
        except DuckDBError as exc:
            self._rollback()
            if len(group) > 1:
                raise _Restart from exc
            group[0].error = StoreError(f"the change could not be committed: {str(exc).splitlines()[0]}")
            return
        self._committed.update(tx.pending)

    def _rollback(self) -> None:
        try:
            self._cur.execute("ROLLBACK")
        except DuckDBError:
            pass
