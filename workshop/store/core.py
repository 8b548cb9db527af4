"""The store's plumbing: one connection per process, a cursor per thread, the change counters.

DuckDB lets one process hold the file, so a process opens it once (:func:`open_store`) and
every thread reads through a cursor of its own. Writes go to the single writer thread
(:mod:`.writer`). Each workshop's change counter is the number of its last event; it is kept in
memory, set from the database on opening and moved after each commit, so polling it costs a
dictionary look-up (the database stays the truth).
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from ..errors import BadInput
from .connection import connect, default_db_path, translated
from .migrations import apply_migrations
from .writer import Writer


class StoreBase:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        self._con = connect(self.path)
        with translated("opening the database"):
            apply_migrations(self._con)
            rows = self._con.execute("SELECT workshop_id, max(seq) FROM events GROUP BY workshop_id").fetchall()
        self._versions: dict[str, int] = {wid: int(seq) for wid, seq in rows}
        self._local = threading.local()
        self._public: dict[str, int] = dict(self._versions)
        self._writer = Writer(self._con, self._versions, self._public)
        self._closed = False

    # -- reading --------------------------------------------------------------------------
    def _cursor(self):
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def _query(self, what: str, sql: str, params: list | None = None) -> list[tuple]:
        with translated(what):
            return self._cursor().execute(sql, params or []).fetchall()

    def version(self, workshop_id: str) -> int:
        """The workshop's change counter: moves by one on every committed change. Cheap."""
        return self._versions.get(workshop_id, 0)

    def public_version(self, workshop_id: str) -> int:
        """The number of the workshop's last change that every participant sees: it stays put
        for a dot or a rating that a round still hides (only its author and the facilitator
        see those). What a participant's page follows. Cheap."""
        return self._public.get(workshop_id, 0)

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Finish pending writes, checkpoint the write-ahead log and release the file."""
        if self._closed:
            return
        self._closed = True
        self._writer.close()
        with translated("closing the database"):
            self._con.execute("CHECKPOINT")
            self._con.close()

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

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
