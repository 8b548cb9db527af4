"""What moved the no-decision risk in this session: its path from the change log, and the
mends that would lower it most (issue 17). Kept per workshop and change number: the insights
page of a full room asks for the same path once per change, not once per screen."""

from __future__ import annotations

from ..analysis.progress import RiskPoint, risk_path
from ..memo import Memo
from ..ports import Storage

_paths: Memo[list[RiskPoint]] = Memo(16)


def path(store: Storage, workshop_id: str, segment_id: str, lang: str) -> list[RiskPoint]:
    """The segment's risk over the session, oldest first (see :mod:`workshop.analysis.progress`)."""

    def read() -> list[RiskPoint]:
        workshop, lists, elements = store.load(workshop_id)
        return risk_path(workshop, lists, elements, store.events(workshop_id), segment_id, lang)

    key = (id(store), store.where, workshop_id, store.version(workshop_id), segment_id, lang)
    return _paths.get(key, read)
