"""Rows moved in from another engine (``python -m workshop migrate``), in one transaction.

``COPY ... FROM STDIN`` (psycopg's ``cursor.copy``) writes each table in one stream: a
database of thousands of events moves in seconds. Then each workshop's change numbers are set
from its events (every moved event is public: the DuckDB file does not keep which were
hidden, and a finished round's dots are no secret). The move refuses to overwrite: a workshop
id or join code that is already here stops it before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...errors import BadInput
from .connection import translated

#: one constant statement per table (no name is ever formatted into SQL)
_COPY = {
    "workshops": "COPY workshops (id, join_code, key_hash, data, lists, created_at) FROM STDIN",
    "elements": "COPY elements (workshop_id, eid, kind, parent, pos, data, lists, version, author) FROM STDIN",
    "events": "COPY events (workshop_id, seq, happened_at, actor, op, kind, eid, before, after, undoes) FROM STDIN",
    "participant_tokens": "COPY participant_tokens (token_hash, workshop_id, participant_id, created_at) FROM STDIN",
    "facilitation_states": "COPY facilitation_states (workshop_id, seq, state, changed_at) FROM STDIN",
    "rounds": "COPY rounds (workshop_id, round_no, seq, state, changed_at) FROM STDIN",
    "ratings": "COPY ratings (workshop_id, round_no, participant_id, about, field, value, seq, rated_at) FROM STDIN",
    "round_notes": "COPY round_notes (workshop_id, round_no, note_id, poster, seq) FROM STDIN",
    "plan_shares": "COPY plan_shares (token_hash, workshop_id, deal_id, created_at) FROM STDIN",
}


def load(pool, tables: Iterable[tuple[str, tuple[str, ...], list[tuple]]]) -> dict[str, int]:
    """Write every table's rows in one transaction; returns how many rows per table."""
    tables = list(tables)
    by_name = {name: rows for name, _, rows in tables}
    unknown = sorted(set(by_name) - set(_COPY))
    if unknown:
        raise BadInput(f"cannot move table(s) {', '.join(unknown)}: this version does not know them")
    counts: dict[str, int] = {}
    with translated("moving the rows in"), pool.connection() as conn, conn.transaction():
        ids = [row[0] for row in by_name.get("workshops", [])]
        codes = [row[1] for row in by_name.get("workshops", [])]
        clash = conn.execute(
            "SELECT id FROM workshops WHERE id = ANY(%s) OR join_code = ANY(%s) ORDER BY id LIMIT 3", [ids, codes]
        ).fetchall()
        if clash:
            raise BadInput(
                f"the target already holds workshop(s) {', '.join(r[0] for r in clash)} (or their join codes); "
                "move into an empty database"
            )
        workshop_ids = sorted({row[0] for row in by_name.get("events", [])})
        taken = conn.execute("SELECT workshop_id FROM workshop_versions WHERE workshop_id = ANY(%s) LIMIT 3", [workshop_ids]).fetchall()
        if taken:
            raise BadInput(f"the target already has a change log for {', '.join(r[0] for r in taken)}; move into an empty database")
        cur = conn.cursor()
        for name, _columns, rows in tables:
            with cur.copy(_COPY[name]) as copy:
                for row in rows:
                    copy.write_row(row)
            counts[name] = len(rows)
        cur.execute(
            "INSERT INTO workshop_versions (workshop_id, version, public_version) "
            "SELECT workshop_id, max(seq), max(seq) FROM events WHERE workshop_id = ANY(%s) GROUP BY workshop_id",
            [workshop_ids],
        )
    return counts
