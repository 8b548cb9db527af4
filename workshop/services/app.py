"""What the Streamlit app needs once per process: the open store.

Streamlit reruns page scripts constantly; a database file must be opened once per process
(DuckDB lets one process hold it) and shared by every session, and closed with a checkpoint
when the process ends.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from ..store import Store, default_db_path

_lock = threading.Lock()
_stores: dict[Path, Store] = {}


def shared_store(path: Path | str | None = None) -> Store:
    """The process's store for ``path`` (default: ``$KOPKARTA_DB`` or ``sessions/``)."""
    key = Path(path or default_db_path()).resolve()
    with _lock:
        if key not in _stores:
            _stores[key] = Store(key)
            atexit.register(_stores[key].close)
        return _stores[key]
