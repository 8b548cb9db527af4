"""Who is the facilitator of a workshop, and the server's clock every round runs on.

Why the permission check lives in the services and not only in the pages: a page that merely
hides the facilitator's buttons protects nothing (a crafted request, a second tab, a future
page). Every facilitator action takes a :class:`Facilitator` and calls :func:`authorise`,
which refuses with :class:`Forbidden` unless its key is the workshop's facilitator key; the
check is one indexed read (the key's hash). A :class:`Facilitator` (or a check) that names its
``caller`` is counted: wrong keys bring a delay, then a lockout (:mod:`workshop.services.guard`).

Clock: every timer is computed from the database's clock (``store.clock()``: this host's clock
for the DuckDB file, PostgreSQL's for the server setup, so every app process shows the same
countdown); each function that depends on the time takes ``now`` so tests inject it
(:func:`server_time`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..errors import Forbidden
from ..ports import Storage
from .guard import Caller, guarded
from .live import Identity


@dataclass(frozen=True)
class Facilitator:
    """The facilitator's credentials for one workshop: the key shown at creation, and the
    facilitator's own participant id (their changes to the map are attributed to it)."""

    workshop_id: str
    key: str
    participant_id: str | None = None
    caller: Caller | None = None


def as_facilitator(me: Identity, key: str, caller: Caller | None = None) -> Facilitator:
    return Facilitator(me.workshop_id, key, me.participant_id, caller)


def is_facilitator(store: Storage, workshop_id: str, key: str | None, *, caller: Caller | None = None) -> bool:
    """Whether ``key`` is the workshop's facilitator key; with a ``caller``, a wrong one counts
    (and a caller who must wait is refused with ``TooManyAttempts`` before the key is read)."""
    return guarded("facilitator", caller, lambda: bool(key) and store.check_facilitator_key(workshop_id, key or ""))


def authorise(store: Storage, fac: Facilitator) -> None:
    if not is_facilitator(store, fac.workshop_id, fac.key, caller=fac.caller):
        raise Forbidden("only the facilitator can do this: the facilitator key is missing or wrong")


def server_time(now: float | None, store: Storage | None = None) -> float:
    """``now`` when a test gives it, else the database's clock (this host's without a store)."""
    if now is not None:
        return float(now)
    return store.clock() if store is not None else time.time()
