"""What the Streamlit app needs once per process: the open store.

Streamlit reruns page scripts constantly; storage must be opened once per process (DuckDB lets
one process hold a file) and shared by every session, and closed (with a checkpoint) when the
process ends.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from ..ports import Storage
from ..store import default_url, open_store, redacted  # noqa: F401  (default_url: where the app keeps its data; redacted: shown without its password)

_lock = threading.Lock()
_stores: dict[str, Storage] = {}


def shared_store(where: Path | str | None = None) -> Storage:
    """The process's store for ``where`` (a file path or URL; default ``$KOPKARTA_DB`` or ``sessions/``)."""
    where = str(where or default_url())
    key = where if "://" in where else str(Path(where).resolve())
    with _lock:
        if key not in _stores:
            _stores[key] = open_store(key)
            atexit.register(_stores[key].close)
        return _stores[key]
