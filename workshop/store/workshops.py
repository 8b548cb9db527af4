"""Workshops as wholes: create, list, look up by join code, import and load a whole map."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import Conflict, NotFound
from ..model.elements import Element, Flattened
from ..model.kinds import KINDS
from .connection import translated
from .rows import ELEMENT_COLUMNS, as_utc, element, utc_now

#: Join codes use letters and digits that cannot be mistaken for each other when read off a
#: projector or typed on a phone (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
JOIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_LENGTH = 6


def hash_key(key: str) -> str:
    """The stored form of a facilitator key.

    The key is 144 random bits (``secrets.token_urlsafe(18)``), so a plain SHA-256 is enough:
    slow password hashes exist to protect guessable secrets, and this one is not guessable.
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")


@dataclass(frozen=True)
class WorkshopInfo:
    id: str
    join_code: str
    data: dict[str, Any]
    lists: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class WorkshopSummary:
    id: str
    title: str
    language: str
    join_code: str
    counts: dict[str, int]
    last_change: datetime | None
    version: int


@dataclass(frozen=True)
class Created:
    id: str
    join_code: str
    facilitator_key: str  # shown once; only its hash is stored


class WorkshopQueries:
    # -- reading --------------------------------------------------------------------------
    def workshop(self, workshop_id: str) -> WorkshopInfo:
        rows = self._query(
            "reading a workshop",
            "SELECT id, join_code, data, lists, created_at FROM workshops WHERE id = ?",
            [workshop_id],
        )
        if not rows:
            raise NotFound(f"no workshop '{workshop_id}'")
        wid, code, data, lists, created = rows[0]
        return WorkshopInfo(wid, code, json.loads(data), tuple(json.loads(lists)), as_utc(created))

    def exists(self, workshop_id: str) -> bool:
        return bool(self._query("reading a workshop", "SELECT 1 FROM workshops WHERE id = ?", [workshop_id]))

    def elements(self, workshop_id: str, kind: str | None = None) -> list[Element]:
        """The workshop's elements (of one kind, if given), in map order within each parent."""
        sql = f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ?"
        params: list[Any] = [workshop_id]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        sql += " ORDER BY parent NULLS FIRST, pos"
        return [element(r) for r in self._query("reading the map", sql, params)]

    def element(self, workshop_id: str, eid: str) -> Element:
        rows = self._query(
            "reading an element",
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? AND eid = ?",
            [workshop_id, eid],
        )
        if not rows:
            raise NotFound(f"no element '{eid}' in workshop '{workshop_id}'")
        return element(rows[0])

    def list_workshops(self) -> list[WorkshopSummary]:
        rows = self._query(
            "listing workshops",
            "SELECT w.id, w.join_code, w.data, w.created_at, "
            "  (SELECT max(e.happened_at) FROM events e WHERE e.workshop_id = w.id) "
            "FROM workshops w ORDER BY w.created_at, w.id",
        )
        counts: dict[str, dict[str, int]] = {}
        for wid, kind, n in self._query(
            "counting elements", "SELECT workshop_id, kind, count(*) FROM elements GROUP BY workshop_id, kind"
        ):
            counts.setdefault(wid, {})[kind] = int(n)
        out = []
        for wid, code, data, created, last in rows:
            meta = json.loads(data)
            out.append(
                WorkshopSummary(
                    id=wid,
                    title=meta.get("title", wid),
                    language=meta.get("language", "en"),
                    join_code=code,
                    counts={k: counts[wid][k] for k in KINDS if k in counts.get(wid, {})},
                    last_change=as_utc(last or created),
                    version=self.version(wid),
                )
            )
        return out

    def find_by_join_code(self, code: str) -> str:
        """The id of the workshop with this join code; a wrong code reveals nothing else."""
        rows = self._query("looking up a join code", "SELECT id FROM workshops WHERE join_code = ?", [normalise_code(code)])
        if not rows:
            raise NotFound("no workshop has that join code")
        return rows[0][0]

    def check_facilitator_key(self, workshop_id: str, key: str) -> bool:
        rows = self._query("checking a key", "SELECT key_hash FROM workshops WHERE id = ?", [workshop_id])
        return bool(rows) and hmac.compare_digest(rows[0][0], hash_key(key or ""))

    def events(self, workshop_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The workshop's change log, newest first."""
        sql = (
            "SELECT seq, happened_at, actor, op, kind, eid, before, after, undoes FROM events "
            "WHERE workshop_id = ? ORDER BY seq DESC"
        )
        params: list[Any] = [workshop_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        out = []
        for seq, at, actor, op, kind, eid, before, after, undoes in self._query("reading the change log", sql, params):
            out.append(
                {
                    "seq": seq,
                    "at": as_utc(at),
                    "actor": actor,
                    "op": op,
                    "kind": kind,
                    "eid": eid,
                    "before": json.loads(before) if before is not None else None,
                    "after": json.loads(after) if after is not None else None,
                    "undoes": undoes,
                }
            )
        return out

    # -- writing --------------------------------------------------------------------------
    def import_map(self, flat: Flattened, *, replace: bool = False, actor: str | None = None) -> Created | None:
        """Store a whole (validated, flattened) map atomically, as one event.

        A new workshop gets a join code and a facilitator key (returned). With ``replace`` an
        existing workshop's content is swapped in one transaction and it keeps its code and key
        (``None`` is returned); without it an existing id is refused.
        """
        wid = flat.workshop["id"]
        key = secrets.token_urlsafe(18)

        def job(tx):
            exists = tx.execute("SELECT join_code FROM workshops WHERE id = ?", [wid]).fetchall()
            if exists and not replace:
                raise Conflict(f"a workshop with id '{wid}' already exists (replace it, or import it as new)")
            before = None
            if exists:
                old = self._load_in(tx, wid)
                before = {"workshop": old[0], "lists": old[1], "elements": len(old[2])}
                tx.write("DELETE FROM elements WHERE workshop_id = ?", [wid])
                tx.write(
                    "UPDATE workshops SET data = ?, lists = ? WHERE id = ?",
                    [json.dumps(flat.workshop, ensure_ascii=False), json.dumps(list(flat.lists)), wid],
                )
                code = exists[0][0]
            else:
                code = self._fresh_code(tx)
                tx.write(
                    "INSERT INTO workshops (id, join_code, key_hash, data, lists, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        wid,
                        code,
                        hash_key(key),
                        json.dumps(flat.workshop, ensure_ascii=False),
                        json.dumps(list(flat.lists)),
                        utc_now(),
                    ],
                )
            tx.forget(wid)
            seq = tx.record(
                wid, actor, "import", "workshop", wid, before, {"elements": len(flat.elements), "replace": bool(exists)}
            )
            for e in flat.elements:  # appended in bulk by the writer (one statement)
                tx.insert_element(
                    (wid, e.eid, e.kind, e.parent, float(e.pos), json.dumps(e.data, ensure_ascii=False), json.dumps(list(e.lists)), seq, actor)
                )
            return None if exists else Created(wid, code, key)

        return self._writer.submit(job)

    def delete_workshop(self, workshop_id: str, actor: str | None = None) -> None:
        def job(tx):
            if not tx.execute("SELECT 1 FROM workshops WHERE id = ?", [workshop_id]).fetchall():
                raise NotFound(f"no workshop '{workshop_id}'")
            tx.write("DELETE FROM elements WHERE workshop_id = ?", [workshop_id])
            tx.write("DELETE FROM workshops WHERE id = ?", [workshop_id])
            tx.forget(workshop_id)
            self._deleting_in(tx, workshop_id)
            tx.record(workshop_id, actor, "delete_workshop", "workshop", workshop_id, None, None)

        self._writer.submit(job)

    def load(self, workshop_id: str) -> tuple[dict[str, Any], tuple[str, ...], list[Element]]:
        """Workshop object, present top-level lists and elements, read in one transaction."""
        return self.load_versioned(workshop_id)[1:]

    def load_versioned(self, workshop_id: str) -> tuple[int, dict[str, Any], tuple[str, ...], list[Element]]:
        """Like :meth:`load`, with the change number the read reflects (from the same transaction)."""
        cur = self._cursor()
        with translated("reading the map"):
            cur.execute("BEGIN TRANSACTION")
            try:
                loaded = self._load_in(cur, workshop_id)
                seq = cur.execute("SELECT max(seq) FROM events WHERE workshop_id = ?", [workshop_id]).fetchone()[0]
                return (int(seq or 0), *loaded)
            finally:
                cur.execute("COMMIT")

    # -- helpers --------------------------------------------------------------------------
    def _deleting_in(self, tx, workshop_id: str) -> None:
        """Hook for the store's other parts: drop their rows of a workshop being deleted, in
        the same transaction (see :mod:`.facilitation`)."""

    @staticmethod
    def _load_in(cur, workshop_id: str):
        rows = cur.execute("SELECT data, lists FROM workshops WHERE id = ?", [workshop_id]).fetchall()
        if not rows:
            raise NotFound(f"no workshop '{workshop_id}'")
        els = cur.execute(
            f"SELECT {ELEMENT_COLUMNS} FROM elements WHERE workshop_id = ? ORDER BY parent NULLS FIRST, pos",
            [workshop_id],
        ).fetchall()
        return json.loads(rows[0][0]), tuple(json.loads(rows[0][1])), [element(r) for r in els]

    @staticmethod
    def _fresh_code(tx) -> str:
        taken = {r[0] for r in tx.execute("SELECT join_code FROM workshops").fetchall()}
        while True:
            code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
            if code not in taken:
                return code
