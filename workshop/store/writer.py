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
import logging
import queue
import threading
from contextlib import contextmanager
from typing import Any, Callable, Generic, TypeVar

from ..errors import KopkartaError, NotFound, StoreError
from .connection import DuckDBError
from .index import MapIndex
from .rows import utc_now

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

    def __init__(self, cursor, committed: dict[str, int], indexes: dict[str, MapIndex]):
        self._cur = cursor
        self._committed = committed
        self._indexes = indexes
        self.pending: dict[str, int] = {}
        #: the last change per workshop that everyone sees (see :meth:`privately`)
        self.public: dict[str, int] = {}
        self._private = False
        self.touched: set[str] = set()
        self.wrote = False
        #: per-transaction state jobs share (e.g. a facilitation state not committed yet)
        self.scratch: dict[Any, Any] = {}
        self._after: list[Callable[[], None]] = []
        self._events: list[tuple] = []
        self._elements: list[tuple] = []

    def index(self, workshop_id: str) -> MapIndex:
        """The workshop's element index (see :mod:`.index`); unknown workshop: NotFound."""
        self.touched.add(workshop_id)
        idx = self._indexes.get(workshop_id)
        if idx is None:
            if not self._cur.execute("SELECT 1 FROM workshops WHERE id = ?", [workshop_id]).fetchall():
                raise NotFound(f"no workshop '{workshop_id}'")
            idx = self._indexes[workshop_id] = MapIndex.load(self._cur, workshop_id)
        return idx

    def forget(self, workshop_id: str) -> None:
        """Drop the workshop's index (after a change the index does not follow, like an import)."""
        self._indexes.pop(workshop_id, None)

    def execute(self, sql: str, params: list[Any] | None = None):
        self.flush()
        return self._cur.execute(sql, params or [])

    def write(self, sql: str, params: list[Any] | None = None):
        self.flush()
        self.wrote = True
        return self._cur.execute(sql, params or [])

    def version(self, workshop_id: str) -> int:
        return self.pending.get(workshop_id, self._committed.get(workshop_id, 0))

    @contextmanager
    def privately(self, private: bool = True):
        """Changes recorded inside are seen only by their author and the facilitator until a
        reveal (a dot or a rating in a round that hides them): they move the workshop's change
        counter but not its public one, so no other participant's page is redrawn for them."""
        before, self._private = self._private, private
        try:
            yield
        finally:
            self._private = before

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
        self.wrote = True
        self._events.append(
            (
                workshop_id,
                seq,
                utc_now(),
                actor,
                op,
                kind,
                eid,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
                undoes,
            )
        )
        self.pending[workshop_id] = seq
        if not self._private:
            self.public[workshop_id] = seq
        return seq

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the writer thread once the transaction has committed (never after a
        rollback): how in-memory copies of committed state (like the facilitation state) follow
        the database in commit order."""
        self._after.append(fn)

    def insert_element(self, row: tuple) -> None:
        """Queue one element row (workshop_id, eid, kind, parent, pos, data, lists, version, author)."""
        self.wrote = True
        self._elements.append(row)

    def flush(self) -> None:
        """Write queued rows, one statement per table for the whole group of jobs.

        Appending rows in bulk is what lets 30 simultaneous votes cost about one commit and two
        statements instead of thirty of each. Any other statement flushes first, so every
        query sees every earlier change of the transaction.
        """
        if len(self._events) == 1 and len(self._elements) <= 1:  # a lone change: plain rows are cheaper
            self._cur.execute(
                "INSERT INTO events (workshop_id, seq, happened_at, actor, op, kind, eid, before, after, undoes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(self._events.pop()),
            )
            if self._elements:
                self._cur.execute(
                    "INSERT INTO elements (workshop_id, eid, kind, parent, pos, data, lists, version, author) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    list(self._elements.pop()),
                )
            return
        if self._events:
            cols = list(zip(*self._events))
            self._events = []
            self._cur.execute(
                "INSERT INTO events (workshop_id, seq, happened_at, actor, op, kind, eid, before, after, undoes) "
                "SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]), unnest(?::TIMESTAMP[]), unnest(?::VARCHAR[]), "
                "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), CAST(unnest(?::VARCHAR[]) AS JSON), "
                "CAST(unnest(?::VARCHAR[]) AS JSON), unnest(?::BIGINT[])",
                [list(c) for c in cols],
            )
        if self._elements:
            cols = list(zip(*self._elements))
            self._elements = []
            self._cur.execute(
                "INSERT INTO elements (workshop_id, eid, kind, parent, pos, data, lists, version, author) "
                "SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                "unnest(?::DOUBLE[]), CAST(unnest(?::VARCHAR[]) AS JSON), CAST(unnest(?::VARCHAR[]) AS JSON), "
                "unnest(?::BIGINT[]), unnest(?::VARCHAR[])",
                [list(c) for c in cols],
            )


class Writer:
    def __init__(self, connection, committed: dict[str, int], public: dict[str, int] | None = None):
        self._cur = connection.cursor()
        self._committed = committed
        self._public = public if public is not None else {}
        self._indexes: dict[str, MapIndex] = {}
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
        tx = Tx(self._cur, self._committed, self._indexes)
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
        for fn in tx._after:
            try:
                fn()
            except Exception:  # noqa: BLE001 - the commit stands; a broken callback must not kill the writer
                logging.getLogger(__name__).exception("a callback after a commit failed")
        self._public.update(tx.public)
        self._committed.update(tx.pending)

    def _rollback(self, tx: Tx) -> None:
        for workshop_id in tx.touched:  # indexes may hold rolled-back changes: reload later
            self._indexes.pop(workshop_id, None)
        try:
            self._cur.execute("ROLLBACK")
        except DuckDBError:
            pass
