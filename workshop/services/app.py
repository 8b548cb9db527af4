"""What the Streamlit app needs once per process: the open store.

Streamlit reruns page scripts constantly; the store (one DuckDB connection, one writer
thread) must be opened once per process and shared, and closed with a checkpoint when the
process ends.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from ..store import Store

_lock = threading.Lock()
_store: Store | None = None


def shared_store(path: Path | str | None = None) -> Store:
    """The process's one store (opened on first use; closed at exit)."""
    global _store
    with _lock:
        if _store is None:
            _store = Store(path)
            atexit.register(_store.close)
        return _store
