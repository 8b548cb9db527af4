"""The DuckDB adapter: one database file, one process (the embedded default).

:class:`DuckDBStore` implements the ports of :mod:`workshop.ports` and inherits every write
use case from :class:`workshop.rules.commands.Commands`; what is DuckDB's own is here:

* :mod:`.connection`: opening the file, and DuckDB's errors turned into the project's own;
* :mod:`.migrations`: the numbered schema migrations, recorded in the database;
* :mod:`.writer`: the single writer thread that runs the rules' jobs in groups, one commit each;
* :mod:`.tx`: the Transaction port as SQL (bulk appends, the map's index kept in memory);
* :mod:`.reads` and :mod:`.explore`: the read side;
* :mod:`.feed`: change numbers and the facilitation state in memory, and change listeners.

Only this package imports duckdb (a test enforces it).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from ...errors import BadInput
from ...rules.commands import Commands
from ..wiring import FeedAndWriter
from .connection import connect, translated
from .feed import Feed
from .migrations import apply_migrations
from .reads import DuckReads
from .writer import Writer


class DuckDBStore(DuckReads, FeedAndWriter, Commands):
    """One open database file: workshops, their elements, their facilitation and their change log."""

    def __init__(self, path: Path | str):
        path = Path(path)
        con = connect(path)
        with translated("opening the database"):
            apply_migrations(con)
            feed = Feed(con)
        super().__init__(path, con, feed)
        self._writer = Writer(con, feed)
        self._closed = False
        self._bind_feed()

    # -- the change feed's clock -----------------------------------------------------------------
    def clock(self) -> float:
        """This host's clock: one process holds the file, so there is no other to agree with."""
        return time.time()

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        """Finish pending writes, checkpoint the write-ahead log and release the file."""
        if self._closed:
            return
        self._closed = True
        self._writer.close()
        self._close_cursors()
        with translated("closing the database"):
            self._con.execute("CHECKPOINT")
            self._con.close()
        self._con = None  # nothing of DuckDB's may outlive the store (see ``_close_cursors``)

    def backup(self, target: Path | str) -> Path:
        """Write a consistent copy of the whole database to ``target`` (a new file).

        Runs on the writer thread between transactions, so no change can slip in half-way.
        """
        target = Path(target)
        if target.exists():
            raise BadInput(f"{target} already exists; choose a new file for the backup")
        target.parent.mkdir(parents=True, exist_ok=True)

        def copy(cursor) -> None:
            cursor.execute("CHECKPOINT")
            shutil.copyfile(self.path, target)

        with translated("backing up the database"):
            self._writer.exclusive(copy)
        return target

    def dump_rows(self):
        """Every row, table by table (:mod:`.dump`), for a move to another engine."""
        from .dump import dump

        return dump(self._con)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
