"""Opening the DuckDB file, and turning DuckDB's errors into the project's own.

This is the one place that knows what DuckDB's exceptions look like (the adapter pattern: the
rest of the code catches :class:`workshop.errors.StoreError` and its subclasses).
"""

from __future__ import annotations

import atexit
import contextlib
import sys
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


@atexit.register
def _release_bound_constants() -> None:
    """Let go of the DuckDB objects its own modules hold, as the interpreter exits.

    Why: after a Streamlit server that has served a page is stopped with Ctrl-C, DuckDB's
    bindings (nanobind) check for leaks while the interpreter tears its modules down, before
    ``duckdb.sqltypes`` and its siblings have dropped their module-level constants (``VARCHAR``
    and the like), and print a page of "leaked instance/type/function" lines although every
    store was closed and nothing leaked (seen with duckdb 2.0.0; a plain script exits quietly).
    Dropping those constants here, after every store has closed (``atexit`` runs the stores'
    ``close``, registered later, first) and with the interpreter still whole, frees them
    before that check. Only instances of DuckDB's bound classes are dropped, from DuckDB's own
    modules; no DuckDB call is made after this point.
    """
    for name, module in list(sys.modules.items()):
        if module is None or not (name in ("duckdb", "_duckdb") or name.startswith(("duckdb.", "_duckdb."))):
            continue
        namespace = vars(module)
        for key in [k for k, v in namespace.items() if type(v).__module__.startswith(("_duckdb", "duckdb"))]:
            del namespace[key]

