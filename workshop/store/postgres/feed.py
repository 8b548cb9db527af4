"""The :class:`workshop.ports.ChangeFeed` of a PostgreSQL database shared by several processes.

Every screen asks for change numbers and the facilitation state many times a second, so, as
on the DuckDB file, they are kept in this process's memory and a look-up is a dictionary
access. Unlike the DuckDB file, other processes write too, so the copy is moved from two
sides:

* **this process's commits**, at once (:meth:`Feed.committed_here`), so the caller that just
  wrote sees its own change;
* **every commit of every process**, told by NOTIFY in the transaction of the change and
  received by this process's one listening connection (:mod:`.listener`), which hands each
  notification to :meth:`Feed.told` on the feed's own thread. That thread is the only one that
  calls the listeners (the live push), so they hear of changes in commit order whatever
  process made them, exactly once each.

A notification is a hint, not the change: ``{"w": workshop, "a": first, "v": last, "p":
public, "f": facilitation changed, "o": origin}``, well under PostgreSQL's 8,000-byte limit.
The changes a screen may see come from this process's own record of its commit when it made
it, or else from the event log (``private`` events, a round's hidden dots, never). After the
listening connection was lost, :meth:`Feed.resync` reads every workshop's numbers again
(NOTIFY has no replay) and tells what moved meanwhile.

Each facilitation state is kept with the change number it is valid at (its *stamp*); a write
under the workshop's lock uses the kept state only when the stamp is the workshop's current
change number, and otherwise reads it from the database.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable

from ...model.facilitation import FacilitationState
from ...model.rounds import Round
from ...ports import Listener, LoggedChange
from ..wiring import Listeners
from .connection import translated

_LOG = logging.getLogger(__name__)
_DEFAULT = FacilitationState()
#: how many of this process's own commits are kept until their notification arrives
_OWN_KEPT = 4096

CHANNEL = "kopkarta_changes"


def read_facilitation(cur, workshop_id: str) -> FacilitationState:
    """The workshop's facilitation state as the database has it (last row wins)."""
    row = cur.execute(
        "SELECT state FROM facilitation_states WHERE workshop_id = %s ORDER BY seq DESC LIMIT 1", [workshop_id]
    ).fetchone()
    rounds = cur.execute(
        "SELECT DISTINCT ON (round_no) state FROM rounds WHERE workshop_id = %s ORDER BY round_no, seq DESC", [workshop_id]
    ).fetchall()
    return FacilitationState.from_json(row[0] if row else {}, [Round.from_json(r[0]) for r in rounds])


def read_all_facilitation(cur) -> dict[str, FacilitationState]:
    """Every workshop's facilitation state (last row wins), in one snapshot's two queries."""
    states = {
        wid: state
        for wid, state in cur.execute(
            "SELECT DISTINCT ON (workshop_id) workshop_id, state FROM facilitation_states ORDER BY workshop_id, seq DESC"
        ).fetchall()
    }
    rounds: dict[str, list[Round]] = {}
    for wid, state in cur.execute(
        "SELECT DISTINCT ON (workshop_id, round_no) workshop_id, state FROM rounds ORDER BY workshop_id, round_no, seq DESC"
    ).fetchall():
        rounds.setdefault(wid, []).append(Round.from_json(state))
    return {wid: FacilitationState.from_json(states.get(wid, {}), rounds.get(wid, [])) for wid in set(states) | set(rounds)}


def read_changes(cur, workshop_id: str, after: int, upto: int) -> tuple[LoggedChange, ...]:
    """The public events ``after < seq <= upto`` of a workshop, in order."""
    rows = cur.execute(
        "SELECT seq, op, kind, eid, before, after FROM events "
        "WHERE workshop_id = %s AND seq > %s AND seq <= %s AND NOT private ORDER BY seq",
        [workshop_id, after, upto],
    ).fetchall()
    return tuple(LoggedChange(*row) for row in rows)


class Feed:
    def __init__(self, pool, origin: str):
        self._pool = pool
        self.origin = origin
        self._lock = threading.Lock()
        self._versions: dict[str, int] = {}
        self._public: dict[str, int] = {}
        self._fac: dict[str, tuple[int, FacilitationState]] = {}
        #: the highest change number told to the listeners, per workshop
        self._told: dict[str, int] = {}
        #: this process's commits not yet told: (workshop, last) -> (first, public changes)
        self._own: OrderedDict[tuple[str, int], tuple[int, tuple[LoggedChange, ...]]] = OrderedDict()
        self._listeners = Listeners()
        self._marks: dict[str, threading.Event] = {}
        self._inbox: "queue.Queue[Callable[[], None] | None]" = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="kopkarta-feed", daemon=True)
        self._thread.start()

    # -- the port ---------------------------------------------------------------------------
    def version(self, workshop_id: str) -> int:
        return self._versions.get(workshop_id, 0)

    def public_version(self, workshop_id: str) -> int:
        return self._public.get(workshop_id, 0)

    def facilitation(self, workshop_id: str) -> FacilitationState:
        kept = self._fac.get(workshop_id)
        return kept[1] if kept is not None else _DEFAULT

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self._listeners.add(listener)

    # -- for the writer -----------------------------------------------------------------------
    def facilitation_at(self, workshop_id: str, version: int) -> FacilitationState | None:
        """The kept state if it is valid at change number ``version`` (else None: read it)."""
        kept = self._fac.get(workshop_id)
        if kept is not None and kept[0] == version:
            return kept[1]
        return None

    def committed_here(
        self,
        first: dict[str, int],
        versions: dict[str, int],
        public: dict[str, int],
        states: dict[str, FacilitationState],
        changes: dict[str, list[LoggedChange]],
    ) -> None:
        """This process committed: move the numbers and states now, keep the changes to tell
        when the commit's notification arrives (in commit order with everyone else's)."""
        with self._lock:
            for wid, last in versions.items():
                self._move(wid, first[wid], last, public.get(wid, 0), states.get(wid))
                self._own[(wid, last)] = (first[wid], tuple(changes.get(wid, ())))
            while len(self._own) > _OWN_KEPT:
                self._own.popitem(last=False)

    def _move(self, wid: str, first: int, last: int, public: int, state: FacilitationState | None) -> None:
        """Numbers only go forward; a state is kept with the number it is valid at."""
        if last > self._versions.get(wid, 0):
            self._versions[wid] = last
        if public > self._public.get(wid, 0):
            self._public[wid] = public
        kept = self._fac.get(wid)
        if state is not None:
            if kept is None or kept[0] < last:
                self._fac[wid] = (last, state)
        elif kept is not None and kept[0] == first - 1:
            self._fac[wid] = (last, kept[1])  # the commit left the state alone: still valid

    # -- from the listening connection ----------------------------------------------------------
    def told(self, payload: str) -> None:
        """A notification arrived (called on the listener's thread: only queued here)."""
        self._inbox.put(lambda: self._handle(payload))

    def resync(self) -> None:
        """The listening connection is (again) listening: read every workshop's numbers and tell
        what moved while nobody listened."""
        self._inbox.put(self._resync)

    def close(self) -> None:
        self._inbox.put(None)
        self._thread.join(timeout=10)

    def expect_mark(self, mark: str) -> threading.Event:
        """An event set when the notification ``{"mark": mark}`` has been handled: everything
        notified before it has been told (notifications arrive in commit order)."""
        done = threading.Event()
        with self._lock:
            self._marks[mark] = done
        return done

    # -- the feed's own thread -----------------------------------------------------------------
    def _run(self) -> None:
        while True:
            work = self._inbox.get()
            if work is None:
                return
            try:
                work()
            except Exception:  # noqa: BLE001 - the feed must outlive one bad notification
                _LOG.exception("handling a change notification failed")

    def _handle(self, payload: str) -> None:
        try:
            note = json.loads(payload)
            if "mark" in note:
                with self._lock:
                    done = self._marks.pop(str(note["mark"]), None)
                if done is not None:
                    done.set()
                return
            wid, first, last, public = str(note["w"]), int(note["a"]), int(note["v"]), int(note["p"])
            fac_changed, origin = bool(note.get("f")), str(note.get("o", ""))
        except (ValueError, KeyError, TypeError):
            _LOG.warning("ignored a malformed change notification: %.200s", payload)
            return
        told = self._told.get(wid)
        if told is not None and last <= told:
            return  # already told (a resync got there first)
        own = self._own.pop((wid, last), None) if origin == self.origin else None
        after = first - 1 if told is None else told
        if own is not None and own[0] == after + 1:
            changes = own[1]
            state = None
        else:
            with self._pool.connection() as conn, translated("reading changes another process made"):
                changes = read_changes(conn, wid, after, last)
                state = read_facilitation(conn, wid) if fac_changed else None
        with self._lock:
            self._move(wid, first, last, public, state)
        self._tell(wid, last, changes)

    def load(self, conn) -> list[tuple[str, int, int]]:
        """Read every workshop's numbers and state (at opening, and after listening again);
        returns the workshops that moved since they were last told: (id, told, now)."""
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            rows = conn.execute("SELECT workshop_id, version, public_version FROM workshop_versions").fetchall()
            states = read_all_facilitation(conn)
        caught_up = []
        with self._lock:
            for wid, last, public in rows:
                self._versions[wid] = max(self._versions.get(wid, 0), last)
                self._public[wid] = max(self._public.get(wid, 0), public)
                kept = self._fac.get(wid)
                if kept is None or kept[0] <= last:
                    self._fac[wid] = (last, states.get(wid, _DEFAULT))
                told = self._told.get(wid)
                if told is None:
                    self._told[wid] = last  # first sight: nothing was told before, nothing to catch up
                elif last > told:
                    caught_up.append((wid, told, last))
        return caught_up

    def _resync(self) -> None:
        with self._pool.connection() as conn, translated("reading the change numbers"):
            behind = self.load(conn)
            missed = [(wid, last, read_changes(conn, wid, told, last)) for wid, told, last in behind]
        for wid, last, changes in missed:
            self._tell(wid, last, changes)

    def _tell(self, wid: str, last: int, changes: tuple[LoggedChange, ...]) -> None:
        self._told[wid] = last
        self._listeners.tell(wid, last, self.public_version(wid), changes)
