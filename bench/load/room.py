"""The room a load run plays in: a fresh database with one workshop and an open dot vote.

The server owns the DuckDB file while it runs (DuckDB lets one process hold it), so the harness
prepares everything a facilitator would have done — the workshop, the vote round — *before* it
starts the server, through the same services the app uses; and it reads the result back the
same way only after the server stopped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from workshop.services import facilitation as fac
from workshop.services import live
from workshop.store import open_store

#: dots each participant may put (large enough that bursts keep finding a dot to place)
BUDGET = 6


@dataclass(frozen=True)
class Room:
    db: str
    workshop_id: str
    join_code: str
    facilitator_key: str
    round_no: int
    budget: int
    vote_target: str


def prepare(db: Path, *, vote_target: str = "stage") -> Room:
    """A new database at ``db`` with a B2B workshop (English) and an open dot vote on its stages."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    store = open_store(db)
    try:
        made = live.create_workshop(
            store,
            title="Load test",
            language="en",
            template="b2b",
            name="Facilitator",
            function="sales",
            question="How does a fleet manager buy?",
        )
        boss = fac.as_facilitator(made.me, made.facilitator_key)
        r = fac.start_vote(store, boss, vote_target, budget=BUDGET, prompt="Where does the customer stall?")
    finally:
        store.close()
    return Room(str(db), made.workshop_id, made.join_code, made.facilitator_key, r.no, BUDGET, vote_target)


def room_dict(room: Room) -> dict:
    return asdict(room)
