"""Opening the DuckDB file, and turning DuckDB's errors into the project's own.

This is the one place that knows what DuckDB's exceptions look like (the adapter pattern: the
rest of the code catches :class:`workshop.errors.StoreError` and its subclasses).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import duckdb

from ...errors import DatabaseLocked, StoreError


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the database file; a file held by another process is a clear error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # No extension may be fetched at run time (workshops run offline).
        return duckdb.connect(str(path), config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise DatabaseLocked(
                f"the database {path} is in use by another process (DuckDB lets one process hold a file): "
                "stop the app first, or use the app instead (its Export page, or Create a workshop from a map file)"
            ) from exc
        raise StoreError(f"cannot open the database {path}: {_first_line(text)}") from exc
    except duckdb.Error as exc:
        raise StoreError(f"cannot open the database {path}: {_first_line(str(exc))}") from exc


@contextlib.contextmanager
def translated(what: str) -> Iterator[None]:
    """Run a block, turning any ``duckdb.Error`` into :class:`StoreError` naming ``what``."""
    try:
        yield
    except duckdb.Error as exc:
        raise StoreError(f"{what} failed in the database: {_first_line(str(exc))}") from exc


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


DuckDBError = duckdb.Error
