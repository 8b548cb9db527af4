"""Connections to PostgreSQL, and psycopg's errors turned into the project's own.

This is the one place that knows what psycopg's exceptions look like (the adapter pattern, as
:mod:`workshop.store.duckdb.connection` is for DuckDB): the rest of the code catches
:class:`workshop.errors.StoreError`.

Each app process keeps one :class:`psycopg_pool.ConnectionPool` for its reads and writes, and
one more connection of its own for LISTEN (:mod:`.listener`). Connections are in autocommit
mode: a read is one statement, and a write opens its transaction explicitly
(``conn.transaction()``). The pool's sizes come from ``KOPKARTA_PG_POOL_MIN``/``_MAX``; the
defaults (2 and 10) suit one process on a 2-core host (``docs/deploy.md`` has the arithmetic
against ``max_connections``).
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Iterator

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool, PoolTimeout

from .. import redacted  # noqa: F401  (re-exported: the adapter's modules name it here)
from ...errors import StoreError

#: what a write may simply try again: another process's transaction got in the way
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.UniqueViolation)
PgError = psycopg.Error
#: every session reads times in UTC (as the DuckDB file keeps them)
SESSION_OPTIONS = "-c timezone=UTC"
OperationalError = psycopg.OperationalError


def connect(url: str, **kwargs) -> psycopg.Connection:
    """One connection of its own (the listener's, the migrations'), autocommit."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10, options=SESSION_OPTIONS, **kwargs)
    except psycopg.Error as exc:
        raise StoreError(f"cannot reach the database {redacted(url)}: {first_line(exc)}") from exc


def make_pool(url: str, name: str) -> ConnectionPool:
    """The process's pool, opened and checked (a wrong URL fails here, once, clearly)."""
    min_size = int(os.environ.get("KOPKARTA_PG_POOL_MIN", "2"))
    max_size = max(min_size, int(os.environ.get("KOPKARTA_PG_POOL_MAX", "10")))
    pool = ConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": True, "connect_timeout": 10, "application_name": name, "options": SESSION_OPTIONS},
        name=name,
        open=False,
        check=ConnectionPool.check_connection,  # a connection dropped by a restart is replaced, not handed out
        timeout=30,
    )
    try:
        pool.open(wait=True, timeout=15)
    except (PoolTimeout, psycopg.Error) as exc:
        pool.close()
        raise StoreError(f"cannot reach the database {redacted(url)}: {first_line(exc) or 'no connection within 15 s'}") from exc
    return pool


@contextlib.contextmanager
def translated(what: str) -> Iterator[None]:
    """Run a block, turning any ``psycopg.Error`` (or a pool that has no connection to give)
    into :class:`StoreError` naming ``what``."""
    try:
        yield
    except psycopg.Error as exc:
        raise StoreError(f"{what} failed in the database: {first_line(exc)}") from exc
    except PoolTimeout as exc:
        raise StoreError(f"{what} failed: no database connection was free within 30 s") from exc


def first_line(exc: BaseException | str) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__ if isinstance(exc, BaseException) else ""


def clock_offset(conn: psycopg.Connection) -> float:
    """How far the database's clock is ahead of this host's, in seconds (the midpoint of one
    round trip): every process shows a round's countdown from the same clock."""
    before = time.time()
    row = conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8").fetchone()
    after = time.time()
    return float(row[0]) - (before + after) / 2
