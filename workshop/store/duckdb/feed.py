"""The :class:`workshop.ports.ChangeFeed` of the DuckDB file: change numbers and the
facilitation state, in memory, and the listeners told after each commit.

Why in memory: every screen asks these many times a second (has the map moved, which phase,
is a countdown running), so a look-up must cost a dictionary access. DuckDB lets one process
hold the file and every write goes through this process's writer thread, so the process can
keep an exact copy: set from the database on opening, moved by the writer after each commit
(the facilitation state first, the counters last, so a reader that sees a counter move finds
everything that change made already in place). The database stays the truth.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ...model.facilitation import FacilitationState
from ...model.rounds import Round
from ...ports import Listener, LoggedChange
from ..wiring import Listeners

_DEFAULT = FacilitationState()

class Feed:
    def __init__(self, con):
        rows = con.execute("SELECT workshop_id, max(seq) FROM events GROUP BY workshop_id").fetchall()
        self._versions: dict[str, int] = {wid: int(seq) for wid, seq in rows}
        self._public: dict[str, int] = dict(self._versions)
        self._fac: dict[str, FacilitationState] = _load_facilitation(con)
        self._listeners = Listeners()

    # -- the port ---------------------------------------------------------------------------
    def version(self, workshop_id: str) -> int:
        return self._versions.get(workshop_id, 0)

    def public_version(self, workshop_id: str) -> int:
        return self._public.get(workshop_id, 0)

    def facilitation(self, workshop_id: str) -> FacilitationState:
        return self._fac.get(workshop_id) or _DEFAULT

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self._listeners.add(listener)

    # -- moved by the writer thread after a commit ------------------------------------------------
    def set_facilitation(self, workshop_id: str, state: FacilitationState) -> None:
        self._fac[workshop_id] = state

    def forget(self, workshop_id: str) -> None:
        """A deleted workshop: a later one of the same id starts unlocked, with no rounds."""
        self._fac.pop(workshop_id, None)

    def committed(
        self, versions: dict[str, int], public: dict[str, int], changes: dict[str, list[LoggedChange]] | None = None
    ) -> None:
        self._public.update(public)
        self._versions.update(versions)
        if not versions or not self._listeners:  # the command line, the tests: nobody follows the stream
            return
        changes = changes or {}
        for wid, seq in versions.items():
            self._listeners.tell(wid, seq, self.public_version(wid), tuple(changes.get(wid, ())))


def _load_facilitation(con) -> dict[str, FacilitationState]:
    """Every workshop's last state and the last state of each of its rounds (last row wins)."""
    states: dict[str, dict[str, Any]] = {}
    for wid, state in con.execute("SELECT workshop_id, state FROM facilitation_states ORDER BY seq").fetchall():
        states[wid] = json.loads(state)
    rounds: dict[str, dict[int, Round]] = {}
    for wid, no, state in con.execute("SELECT workshop_id, round_no, state FROM rounds ORDER BY seq").fetchall():
        rounds.setdefault(wid, {})[int(no)] = Round.from_json(json.loads(state))
    return {
        wid: FacilitationState.from_json(states.get(wid, {}), rounds.get(wid, {}).values())
        for wid in set(states) | set(rounds)
    }
