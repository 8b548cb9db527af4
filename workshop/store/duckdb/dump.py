"""Every row of the DuckDB file, table by table, for a move to another engine
(``python -m workshop migrate``; :mod:`workshop.services.migrate`).

The tables and their columns are the ones both engines share (:data:`TABLES`); JSON values
come out as their text, timestamps as the naive UTC values the file keeps. One read
transaction: the copy is of one moment, even if the file were written meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator

from .connection import translated

#: table -> its columns, in the order both engines read and write them
TABLES: dict[str, tuple[str, ...]] = {
    "workshops": ("id", "join_code", "key_hash", "data", "lists", "created_at"),
    "elements": ("workshop_id", "eid", "kind", "parent", "pos", "data", "lists", "version", "author"),
    "events": ("workshop_id", "seq", "happened_at", "actor", "op", "kind", "eid", "before", "after", "undoes"),
    "participant_tokens": ("token_hash", "workshop_id", "participant_id", "created_at"),
    "facilitation_states": ("workshop_id", "seq", "state", "changed_at"),
    "rounds": ("workshop_id", "round_no", "seq", "state", "changed_at"),
    "ratings": ("workshop_id", "round_no", "participant_id", "about", "field", "value", "seq", "rated_at"),
    "round_notes": ("workshop_id", "round_no", "note_id", "poster", "seq"),
    "plan_shares": ("token_hash", "workshop_id", "deal_id", "created_at"),
}

#: one constant statement per table (no name is ever formatted into SQL)
_SELECT = {
    "workshops": "SELECT id, join_code, key_hash, CAST(data AS VARCHAR), CAST(lists AS VARCHAR), created_at FROM workshops ORDER BY created_at, id",
    "elements": "SELECT workshop_id, eid, kind, parent, pos, CAST(data AS VARCHAR), CAST(lists AS VARCHAR), version, author FROM elements ORDER BY workshop_id, parent NULLS FIRST, pos",
    "events": "SELECT workshop_id, seq, happened_at, actor, op, kind, eid, CAST(before AS VARCHAR), CAST(after AS VARCHAR), undoes FROM events ORDER BY workshop_id, seq",
    "participant_tokens": "SELECT token_hash, workshop_id, participant_id, created_at FROM participant_tokens ORDER BY created_at",
    "facilitation_states": "SELECT workshop_id, seq, CAST(state AS VARCHAR), changed_at FROM facilitation_states ORDER BY workshop_id, seq",
    "rounds": "SELECT workshop_id, round_no, seq, CAST(state AS VARCHAR), changed_at FROM rounds ORDER BY workshop_id, round_no, seq",
    "ratings": "SELECT workshop_id, round_no, participant_id, about, field, value, seq, rated_at FROM ratings ORDER BY workshop_id, seq",
    "round_notes": "SELECT workshop_id, round_no, note_id, poster, seq FROM round_notes ORDER BY workshop_id, seq",
    "plan_shares": "SELECT token_hash, workshop_id, deal_id, created_at FROM plan_shares ORDER BY created_at",
}


def dump(con) -> Iterator[tuple[str, tuple[str, ...], list[tuple]]]:
    """(table, columns, rows) for every table, read in one transaction."""
    cur = con.cursor()
    with translated("reading the database to move it"):
        cur.execute("BEGIN TRANSACTION")
        try:
            tables = [(name, TABLES[name], cur.execute(_SELECT[name]).fetchall()) for name in TABLES]
        finally:
            cur.execute("COMMIT")
            cur.close()
    yield from tables
