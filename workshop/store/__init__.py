"""DuckDB storage: the only package that imports duckdb (a test enforces it).

:class:`Store` is one open database file. Reads run on a cursor per thread; writes go through
one writer thread that commits in groups (:mod:`.writer`); every change is an event in the
same transaction (:mod:`.editing`, :mod:`.workshops`, :mod:`.facilitation`); schema changes are
numbered migrations (:mod:`.migrations`). DuckDB errors leave this package as :class:`workshop.errors.StoreError`.
"""

from __future__ import annotations

from .connection import DB_ENV, default_db_path
from .core import StoreBase
from .editing import Editing
from .explore import ExploreQueries
from .facilitation import Facilitation
from .participants import ParticipantTokens
from .workshops import Created, WorkshopInfo, WorkshopQueries, WorkshopSummary, hash_key


class Store(ExploreQueries, ParticipantTokens, Editing, Facilitation, WorkshopQueries, StoreBase):
    """One open database file: workshops, their elements, their facilitation and their change log."""


def open_store(path=None) -> Store:
    return Store(path)


__all__ = [
    "DB_ENV",
    "Created",
    "Store",
    "WorkshopInfo",
    "WorkshopSummary",
    "default_db_path",
    "hash_key",
    "open_store",
]
