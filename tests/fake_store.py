"""A storage engine in memory: the smallest complete implementation of :mod:`workshop.ports`.

Why it exists: the rules (references, undo, stale edits, rounds and their budgets) are written
once against the Transaction port (:mod:`workshop.rules`). Running the rule tests against this
engine as well as against DuckDB proves they do not lean on DuckDB, and shows a newcomer what a
new engine must implement. It keeps everything in dictionaries; a write job runs on a copy of
the state under one lock and the copy replaces the state only when the job returns (a job that
raises leaves nothing behind, like a rolled-back transaction).
"""

from __future__ import annotations

import copy
import hmac
import json
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from workshop.errors import BadInput, NotFound
from workshop.model.elements import Element
from workshop.model.facilitation import FacilitationState
from workshop.model.kinds import KINDS
from workshop.model.rounds import Round
from workshop.model.tallies import round_of
from workshop.ports import Listener, LoggedChange, WorkshopInfo, WorkshopSummary
from workshop.rules.commands import Commands
from workshop.rules.index import Entry, MapIndex
from workshop.rules.workshops import hash_key, normalise_code


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _State:
    workshops: dict[str, dict[str, Any]] = field(default_factory=dict)
    elements: dict[str, dict[str, Element]] = field(default_factory=dict)  # version and by set
    events: list[dict[str, Any]] = field(default_factory=list)
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)
    shares: dict[str, tuple[str, str, datetime]] = field(default_factory=dict)  # hash -> (wid, deal, when)
    fac: dict[str, FacilitationState] = field(default_factory=dict)
    ratings: list[tuple] = field(default_factory=list)  # (wid, round, participant, about, field, value, seq)
    round_notes: list[tuple] = field(default_factory=list)  # (wid, round, note_id, poster, seq)
    versions: dict[str, int] = field(default_factory=dict)
    public: dict[str, int] = field(default_factory=dict)


class MemoryTx:
    """The Transaction port over a private copy of the state."""

    def __init__(self, state: _State):
        self.s = state
        self.scratch: dict[Any, Any] = {}
        self._private = False
        self.callbacks: list[Callable[[], None]] = []
        self.public_changes: dict[str, list[LoggedChange]] = {}

    def _els(self, wid: str) -> dict[str, Element]:
        return self.s.elements.setdefault(wid, {})

    # the map's elements
    def workshop_exists(self, workshop_id):
        return workshop_id in self.s.workshops

    def index(self, workshop_id):
        if workshop_id not in self.s.workshops:
            raise NotFound(f"no workshop '{workshop_id}'")
        return MapIndex([Entry.of(e, e.version, e.by) for e in self._els(workshop_id).values()])

    def get(self, workshop_id, eid):
        el = self._els(workshop_id).get(eid)
        return copy.deepcopy(el) if el is not None else None

    def get_many(self, workshop_id, eids: Iterable[str]):
        return {e: self.get(workshop_id, e) for e in eids if e in self._els(workshop_id)}

    def of_kinds(self, workshop_id, kinds: Sequence[str]):
        return [copy.deepcopy(e) for e in self._els(workshop_id).values() if e.kind in kinds]

    def votes_of(self, workshop_id, participant):
        return [copy.deepcopy(e) for e in self._els(workshop_id).values() if e.kind == "vote" and e.data.get("participant") == participant]

    def top_vote_round(self, workshop_id):
        return max((round_of(e.data) for e in self._els(workshop_id).values() if e.kind == "vote"), default=0)

    def insert(self, workshop_id, el, version, author):
        # through JSON, as a database stores it: what JSON cannot hold fails here too
        data, lists = json.loads(json.dumps(el.data)), tuple(json.loads(json.dumps(list(el.lists))))
        self._els(workshop_id)[el.eid] = replace(el, data=data, lists=lists, version=version, by=author)

    def update(self, workshop_id, el, version, author):
        self.insert(workshop_id, el, version, author)

    def reposition(self, workshop_id, eid, pos):
        self._els(workshop_id)[eid].pos = float(pos)

    def delete(self, workshop_id, eids):
        for eid in eids:
            self._els(workshop_id).pop(eid, None)

    # the change log
    def version(self, workshop_id):
        return self.s.versions.get(workshop_id, 0)

    @contextmanager
    def privately(self, private=True):
        before, self._private = self._private, private
        try:
            yield
        finally:
            self._private = before

    def record(self, workshop_id, actor, op, kind, eid, before, after, undoes=None):
        seq = self.version(workshop_id) + 1
        self.s.events.append(
            {"workshop_id": workshop_id, "seq": seq, "at": _now(), "actor": actor, "op": op, "kind": kind, "eid": eid,
             "before": copy.deepcopy(before), "after": copy.deepcopy(after), "undoes": undoes}
        )
        self.s.versions[workshop_id] = seq
        if not self._private:
            self.s.public[workshop_id] = seq
            self.public_changes.setdefault(workshop_id, []).append(LoggedChange(seq, op, kind, eid, before, after))
        return seq

    def last_undoable(self, workshop_id, actor, ops):
        mine = [e for e in self.s.events if e["workshop_id"] == workshop_id]
        undone = {e["undoes"] for e in mine if e["undoes"] is not None}
        for e in reversed(mine):
            if e["actor"] == actor and e["op"] in ops and e["seq"] not in undone:
                return LoggedChange(e["seq"], e["op"], e["kind"], e["eid"], copy.deepcopy(e["before"]), copy.deepcopy(e["after"]))
        return None

    def after_commit(self, fn):
        self.callbacks.append(fn)

    # workshops as wholes
    def join_code_of(self, workshop_id):
        w = self.s.workshops.get(workshop_id)
        return w["join_code"] if w else None

    def join_codes(self):
        return {w["join_code"] for w in self.s.workshops.values()}

    def workshop_doc(self, workshop_id):
        w = self.s.workshops[workshop_id]
        return copy.deepcopy(w["data"]), tuple(w["lists"]), len(self._els(workshop_id))

    def insert_workshop(self, workshop_id, join_code, key_hash, data, lists):
        self.s.workshops[workshop_id] = {
            "join_code": join_code, "key_hash": key_hash, "data": copy.deepcopy(data), "lists": tuple(lists), "created_at": _now()
        }
        self.s.elements[workshop_id] = {}

    def replace_workshop(self, workshop_id, data, lists):
        self.s.workshops[workshop_id].update(data=copy.deepcopy(data), lists=tuple(lists))
        self.s.elements[workshop_id] = {}

    def delete_workshop(self, workshop_id):
        self.s.workshops.pop(workshop_id, None)
        self.s.elements.pop(workshop_id, None)
        self.s.fac.pop(workshop_id, None)
        self.s.tokens = {h: v for h, v in self.s.tokens.items() if v[0] != workshop_id}
        self.s.shares = {h: v for h, v in self.s.shares.items() if v[0] != workshop_id}
        self.s.ratings = [r for r in self.s.ratings if r[0] != workshop_id]
        self.s.round_notes = [r for r in self.s.round_notes if r[0] != workshop_id]

    def add_token(self, token_hash, workshop_id, participant_id):
        self.s.tokens[token_hash] = (workshop_id, participant_id)

    def share_plan(self, token_hash, workshop_id, deal_id):
        self.revoke_plan(workshop_id, deal_id)
        self.s.shares[token_hash] = (workshop_id, deal_id, datetime.now(timezone.utc))

    def revoke_plan(self, workshop_id, deal_id):
        self.s.shares = {h: v for h, v in self.s.shares.items() if v[:2] != (workshop_id, deal_id)}

    # facilitation
    def facilitation(self, workshop_id):
        return self.s.fac.get(workshop_id) or FacilitationState()

    def save_facilitation(self, workshop_id, seq, state):
        self.s.fac[workshop_id] = state

    def save_round(self, workshop_id, seq, rnd: Round, state):
        self.s.fac[workshop_id] = state

    def add_rating(self, workshop_id, round_no, participant, about, field, value, seq):
        self.s.ratings.append((workshop_id, round_no, participant, about, field, value, seq))

    def add_round_note(self, workshop_id, round_no, note_id, poster, seq):
        self.s.round_notes.append((workshop_id, round_no, note_id, poster, seq))


class MemoryStore(Commands):
    """Every port of :mod:`workshop.ports`, in memory (one process, nothing on disk)."""

    path: Path | None = None

    def ping(self) -> None:
        """Memory always answers."""

    def __init__(self) -> None:
        self.where = f"memory:{uuid.uuid4().hex}"
        self._s = _State()
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []

    def clock(self) -> float:
        return time.time()

    # the writer
    def submit(self, job):
        with self._lock:
            tx = MemoryTx(copy.deepcopy(self._s))
            result = job(tx)  # raises: the copy is dropped, nothing changes
            before = dict(self._s.versions)
            self._s = tx.s
            for fn in tx.callbacks:
                fn()
            moved = {w: v for w, v in tx.s.versions.items() if before.get(w) != v}
        for wid, seq in moved.items():
            for listener in list(self._listeners):
                listener(wid, seq, self.public_version(wid), tuple(tx.public_changes.get(wid, ())))
        return result

    # the change feed
    def version(self, workshop_id):
        return self._s.versions.get(workshop_id, 0)

    def public_version(self, workshop_id):
        return self._s.public.get(workshop_id, 0)

    def facilitation(self, workshop_id):
        return self._s.fac.get(workshop_id) or FacilitationState()

    def subscribe(self, listener):
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # the read side
    def _elements(self, workshop_id) -> list[Element]:
        els = self._s.elements.get(workshop_id, {}).values()
        return [copy.deepcopy(e) for e in sorted(els, key=lambda e: (e.parent is not None, e.parent or "", e.pos))]

    def workshop(self, workshop_id):
        w = self._s.workshops.get(workshop_id)
        if w is None:
            raise NotFound(f"no workshop '{workshop_id}'")
        return WorkshopInfo(workshop_id, w["join_code"], copy.deepcopy(w["data"]), tuple(w["lists"]), w["created_at"])

    def exists(self, workshop_id):
        return workshop_id in self._s.workshops

    def elements(self, workshop_id, kind=None):
        return [e for e in self._elements(workshop_id) if kind is None or e.kind == kind]

    def element(self, workshop_id, eid):
        el = self._s.elements.get(workshop_id, {}).get(eid)
        if el is None:
            raise NotFound(f"no element '{eid}' in workshop '{workshop_id}'")
        return copy.deepcopy(el)

    def list_workshops(self):
        out = []
        for wid, w in sorted(self._s.workshops.items(), key=lambda kv: (kv[1]["created_at"], kv[0])):
            counts: dict[str, int] = {}
            for e in self._s.elements.get(wid, {}).values():
                counts[e.kind] = counts.get(e.kind, 0) + 1
            times = [e["at"] for e in self._s.events if e["workshop_id"] == wid]
            out.append(
                WorkshopSummary(wid, w["data"].get("title", wid), w["data"].get("language", "en"), w["join_code"],
                                {k: counts[k] for k in KINDS if k in counts}, max(times, default=w["created_at"]), self.version(wid))
            )
        return out

    def find_by_join_code(self, code):
        code = normalise_code(code)
        for wid, w in self._s.workshops.items():
            if w["join_code"] == code:
                return wid
        raise NotFound("no workshop has that join code")

    def check_facilitator_key(self, workshop_id, key):
        w = self._s.workshops.get(workshop_id)
        return w is not None and hmac.compare_digest(w["key_hash"], hash_key(key or ""))

    def participant_for_token(self, token):
        found = self._s.tokens.get(hash_key(token or ""))
        if found is None or found[0] not in self._s.workshops:
            raise NotFound("this link is no longer valid: join the workshop again")
        return found

    def plan_for_token(self, token):
        found = self._s.shares.get(hash_key(token or ""))
        if found is None or found[0] not in self._s.workshops:
            raise NotFound("this link does not open a plan: it may have been ended", key="error.plan_link")
        return found

    def plan_shares(self, workshop_id):
        return {deal: when for wid, deal, when in self._s.shares.values() if wid == workshop_id}

    def events(self, workshop_id, limit=None):
        mine = [copy.deepcopy({k: v for k, v in e.items() if k != "workshop_id"}) for e in reversed(self._s.events) if e["workshop_id"] == workshop_id]
        return mine[:limit] if limit is not None else mine

    def load(self, workshop_id):
        return self.load_versioned(workshop_id)[1:]

    def load_versioned(self, workshop_id):
        with self._lock:
            info = self.workshop(workshop_id)
            return self.version(workshop_id), info.data, info.lists, self._elements(workshop_id)

    def round_votes(self, workshop_id, round_no):
        votes = [e for e in self._elements(workshop_id) if e.kind == "vote" and round_of(e.data) == round_no]
        return sorted(votes, key=lambda e: e.pos)

    def ratings(self, workshop_id, round_no):
        rows = sorted((r for r in self._s.ratings if r[0] == workshop_id and r[1] == round_no), key=lambda r: r[6])
        return [(r[2], r[3], r[4], r[5]) for r in rows]

    def round_notes(self, workshop_id, round_no=None):
        els = self._s.elements.get(workshop_id, {})
        rows = sorted((r for r in self._s.round_notes if r[0] == workshop_id and (round_no is None or r[1] == round_no)), key=lambda r: r[4])
        return [(r[1], copy.deepcopy(els[r[2]]), r[3]) for r in rows if r[2] in els and els[r[2]].kind == "note"]

    def explore_workshops(self, workshop_ids):  # the explorer's SQL has its own tests on DuckDB
        raise BadInput("the memory engine does not serve the explorer")

    explore_segments = explore_roles = explore_items = explore_usps = explore_workshops

    def backup(self, target):
        raise BadInput("the memory engine keeps nothing to back up")

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


#: the engines the rule tests run on (the rules must not lean on any one of them)
ENGINES = ("duckdb", "memory", "postgres")
#: the real databases: what the store and service tests run on
DATABASES = ("duckdb", "postgres")


def open_engine(name: str, db_path: Path):
    """A new store of the engine ``name`` (``db_path``: where DuckDB keeps its file; PostgreSQL
    gets a fresh database of the test cluster, :mod:`pg_support`)."""
    if name == "memory":
        return MemoryStore()
    from workshop.store import open_store

    if name == "postgres":
        import pg_support

        return open_store(pg_support.cluster().fresh_database())
    return open_store(db_path)


def told_everything(store, timeout: float = 30.0) -> None:
    """Wait until the store's change listeners heard every commit so far. On PostgreSQL they
    hear it from the listening connection, a moment after the commit; elsewhere, at once."""
    wait = getattr(store, "wait_until_told", None)
    if wait is not None:
        assert wait(timeout), "the change feed did not catch up"
