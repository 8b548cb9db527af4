"""The PostgreSQL adapter: one database shared by several app processes (the server setup).

:class:`PostgresStore` implements the ports of :mod:`workshop.ports` and inherits every write
use case from :class:`workshop.rules.commands.Commands`, exactly as the DuckDB file does; what
is PostgreSQL's own is here:

* :mod:`.connection`: the process's pool (``psycopg_pool``), and psycopg's errors turned into
  the project's own;
* :mod:`.migrations`: the numbered schema migrations, recorded in the database, with keys;
* :mod:`.writer` and :mod:`.tx`: each job in a transaction, one writer per workshop at a time
  across every process (an advisory lock), event numbers from the database, a NOTIFY in the
  transaction of the change;
* :mod:`.reads` (and the shared :mod:`workshop.store.explore`): the read side;
* :mod:`.feed` and :mod:`.listener`: change numbers and facilitation state in memory, moved by
  this process's commits and by every process's NOTIFY, heard on one listening connection.

Only this package imports psycopg (a test enforces it). Open it with
``open_store("postgresql://user:password@host:port/database")``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

from ...errors import BadInput, StoreError
from ...rules.commands import Commands
from ..wiring import FeedAndWriter
from .connection import clock_offset, connect, make_pool, redacted, translated
from .feed import CHANNEL, Feed
from .listener import ChangeListener
from .migrations import apply_migrations
from .reads import PgReads
from .writer import Writer


class PostgresStore(PgReads, FeedAndWriter, Commands):
    """One PostgreSQL database, as seen from one process."""

    def __init__(self, url: str, *, listen: bool = True):
        self.url = url
        name = f"kopkarta-{os.getpid()}"
        conn = connect(url, application_name=f"{name}-open")
        try:
            with translated("preparing the database"):
                apply_migrations(conn)
                self._clock_offset = clock_offset(conn)
        finally:
            conn.close()
        pool = make_pool(url, name)
        feed = Feed(pool, origin=uuid.uuid4().hex[:12])
        try:
            with translated("reading the change numbers"), pool.connection() as c:
                feed.load(c)
        except BaseException:
            feed.close()
            pool.close()
            raise
        super().__init__(pool, feed)
        self.where = redacted(url)
        self._writer = Writer(pool, feed)
        self._closed = False
        #: the one listening connection (none for a command-line tool that only writes)
        self.listener = ChangeListener(url, feed, name) if listen else None
        self._bind_feed()

    # -- the change feed's clock and catching up ------------------------------------------------
    def clock(self) -> float:
        """Now, in seconds since the epoch, on the database's clock (rounds' deadlines)."""
        return time.time() + self._clock_offset

    def wait_until_told(self, timeout: float = 10.0) -> bool:
        """Wait until the notifications of every commit so far have reached this process's
        listeners (tests and tools; pages never wait)."""
        if self.listener is None:
            return False
        deadline = time.monotonic() + timeout
        if not self.listener.listening.wait(timeout):
            return False
        mark = uuid.uuid4().hex
        done = self._feed.expect_mark(mark)
        with translated("waiting for the change feed"), self._pool.connection() as conn:
            conn.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps({"mark": mark})])
        return done.wait(max(0.1, deadline - time.monotonic()))

    def _wake_listener(self) -> None:
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps({"mark": "stop"})])

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop listening, let the feed finish, close every pooled connection."""
        if self._closed:
            return
        self._closed = True
        self._writer.close()
        if self.listener is not None:
            self.listener.close(wake=self._wake_listener)
        self._feed.close()
        self._pool.close()

    def backup(self, target: Path | str) -> Path:
        """A consistent copy of the whole database in ``target``: ``pg_dump``'s custom format
        (one snapshot of every table; restore with ``pg_restore --dbname URL FILE``)."""
        target = Path(target)
        if target.exists():
            raise BadInput(f"{target} already exists; choose a new file for the backup")
        pg_dump = _pg_tool("pg_dump")
        target.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--file", str(target), "--dbname", self.url],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            target.unlink(missing_ok=True)
            raise StoreError(f"pg_dump could not back up {redacted(self.url)}: {(done.stderr or '').strip().splitlines()[-1:] or ['no message']}")
        return target

    def load_rows(self, tables) -> dict[str, int]:
        """Rows moved in from another engine (:mod:`.load`), in one transaction; then this
        process's numbers read again."""
        from .load import load

        counts = load(self._pool, tables)
        with translated("reading the change numbers"), self._pool.connection() as conn:
            self._feed.load(conn)
        return counts

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _pg_tool(name: str) -> str:
    """A PostgreSQL client program: on the PATH, else the newest of Debian's installed ones."""
    found = shutil.which(name)
    if found:
        return found
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True):
        if (bindir / name).exists():
            return str(bindir / name)
    raise StoreError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
