"""After a run: is every change a participant saw acknowledged really in the database?

Read with :func:`workshop.store.open_store` once the server stopped (DuckDB lets one process hold
the file). *Lost* is an acknowledged step or note whose marker is not in the map, or an
acknowledged dot count that the stored vote does not match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workshop.model import tallies as T
from workshop.store import open_store

from .participant import Record


@dataclass
class Check:
    acknowledged: int = 0
    lost: int = 0
    lost_examples: list[str] = field(default_factory=list)
    #: unacknowledged actions whose result is in the database anyway (done, but never shown)
    stored_unacknowledged: int = 0

    def miss(self, what: str) -> None:
        self.lost += 1
        if len(self.lost_examples) < 10:
            self.lost_examples.append(what)


def verify(db: Path, workshop_id: str, round_no: int, records: list[Record]) -> Check:
    store = open_store(db)
    try:
        texts = {el.data.get("text", "") for kind in ("step", "note") for el in store.elements(workshop_id, kind)}
        stored = {text.split(" ", 1)[0] for text in texts}
        votes = [v.data for v in store.round_votes(workshop_id, round_no)]
        check = Check()
        for rec in records:
            for action in rec.actions:
                if action.marker is None:
                    continue
                if action.acked is not None:
                    check.acknowledged += 1
                    if action.marker not in stored:
                        check.miss(f"{action.kind} {action.marker}")
                elif action.marker in stored:
                    check.stored_unacknowledged += 1
            acked_dots = [a for a in rec.actions if a.kind == "dot" and a.acked is not None]
            if rec.token and acked_dots:
                check.acknowledged += len(acked_dots)
                _, pid = store.participant_for_token(rec.token)
                mine = T.dots_of(votes, pid)
                for eid, dots in rec.dots.items():
                    if mine.get(eid, 0) != dots and _last_acked(rec, eid):
                        check.miss(f"dots of {rec.name} on {eid}: saw {dots}, stored {mine.get(eid, 0)}")
        return check
    finally:
        store.close()


def _last_acked(rec: Record, eid: str) -> bool:
    """Whether the participant's last dot action on ``eid`` was acknowledged (if a later one is
    unanswered, the stored count may rightly differ from what was last seen)."""
    last = [a for a in rec.actions if a.kind == "dot" and a.dot and a.dot[0] == eid]
    return bool(last) and last[-1].acked is not None
