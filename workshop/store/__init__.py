"""Storage engines behind the ports of :mod:`workshop.ports`, and the one way to open one.

:func:`open_store` takes where the data lives, as a DuckDB file path or a URL, and returns a
:class:`workshop.ports.Storage`:

* ``sessions/kopkarta.duckdb``, ``/abs/path.duckdb`` or ``duckdb:///abs/path.duckdb``: the
  embedded DuckDB file (:mod:`.duckdb`), the default;
* ``postgresql://user:password@host:port/database`` (or ``postgres://``): the server setup,
  where several app processes share one database (:mod:`.postgres`).

A new engine is a subpackage here that implements the ports (see :mod:`workshop.ports`) and one
entry in :data:`ENGINES`; the rules it must keep are already written (:mod:`workshop.rules`).
Nothing outside this package imports an engine's driver (a test enforces it for duckdb and psycopg).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import BadInput
from ..ports import Created, Storage, WorkshopInfo, WorkshopSummary
from ..rules.workshops import hash_key

#: environment variable that names the database (a DuckDB file path or a URL)
DB_ENV = "KOPKARTA_DB"


def default_db_path() -> Path:
    """``$KOPKARTA_DB`` if it names a file, else ``sessions/kopkarta.duckdb`` beside the project."""
    env = os.environ.get(DB_ENV)
    if env and scheme_of(env) in (None, "duckdb"):
        return Path(_duckdb_path(env))
    return Path(__file__).resolve().parents[2] / "sessions" / "kopkarta.duckdb"


def default_url() -> str:
    """Where the app and the command line keep their data: ``$KOPKARTA_DB``, else the default file."""
    return os.environ.get(DB_ENV) or str(default_db_path())


def scheme_of(where: str) -> str | None:
    """``postgresql`` of ``postgresql://…``; ``None`` for a plain file path."""
    head, sep, _ = where.partition("://")
    if sep and head.replace("+", "").isalnum():
        return head.lower()
    return None


def _duckdb_path(where: str) -> str:
    return where[len("duckdb://"):] if scheme_of(where) == "duckdb" else where


def _open_postgres(where: str) -> Storage:
    from .postgres import PostgresStore

    return PostgresStore(where)


def _open_duckdb(where: str) -> Storage:
    from .duckdb import DuckDBStore

    path = _duckdb_path(where)
    if not path:
        raise BadInput("a duckdb URL names a file: duckdb:///path/to/file.duckdb")
    return DuckDBStore(Path(path))


#: URL scheme -> how to open it (``None``: a plain path, a DuckDB file)
ENGINES: dict[str | None, Callable[[str], Storage]] = {
    None: _open_duckdb,
    "duckdb": _open_duckdb,
    "postgresql": _open_postgres,
    "postgres": _open_postgres,
}


def redacted(url: str) -> str:
    """The URL without its password (for messages and logs); a file path as it is."""
    head, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    cred, _, host = rest.rpartition("@")
    user = cred.split(":", 1)[0]
    return f"{head}://{user}:***@{host}" if ":" in cred else url


def open_store(where: str | Path | None = None) -> Storage:
    """Open the storage ``where`` names (default: :func:`default_url`); see the module's docstring."""
    where = str(where) if where is not None else default_url()
    scheme = scheme_of(where)
    opener = ENGINES.get(scheme)
    if opener is None:
        known = ", ".join(f"{s}://" for s in ENGINES if s)
        raise BadInput(f"no storage engine for '{scheme}://'; known: {known} or a file path")
    return opener(where)


__all__ = [
    "DB_ENV",
    "ENGINES",
    "Created",
    "Storage",
    "WorkshopInfo",
    "WorkshopSummary",
    "default_db_path",
    "default_url",
    "hash_key",
    "open_store",
    "redacted",
    "scheme_of",
]
