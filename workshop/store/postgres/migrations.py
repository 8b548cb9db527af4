"""Numbered schema migrations of the PostgreSQL database, recorded in the database itself.

The same tables as the DuckDB file (:mod:`workshop.store.duckdb.migrations`), with what a
database shared by several processes needs and DuckDB could not carry:

* **Real keys.** A workshop's id and join code, an element's id in its workshop, an event's
  number in its workshop, a token: primary keys and unique constraints, so a race between two
  processes that the per-workshop lock should prevent fails loudly instead of writing twice.
* **JSONB** for the values queried and never shown in order (lists, facilitation states,
  rounds). The map's own objects (a workshop's and an element's fields, and the snapshots of
  them in the change log that undo restores) are ``json``: rule 6 of ``map-format.md`` wants an
  export to give back the document as imported, fields in their order, and ``jsonb`` reorders
  an object's keys (PostgreSQL's documentation names key order as the reason to keep ``json``).
  Both are queried with the same operators (``data->>'participant'``) and indexed by
  expression.
* **Whether an event is private** (a dot a round still hides): another process must know which
  changes it may tell its screens, and the public change number after a restart.
* **``workshop_versions``**: each workshop's change number and public change number, moved in
  the transaction of the change, so a process reads every workshop's numbers in one query when
  it (re)starts listening.

Each migration runs in its own transaction with the row that records it; a process that opens
the database while another is migrating waits for it (an advisory lock), so several app
processes may start at once. Never edit a migration that has shipped: add the next number.
"""

from __future__ import annotations

import psycopg

#: the advisory lock that serialises migrations across processes ("kopkarta" in hex, roughly)
_MIGRATION_LOCK = 0x6B6F706B61

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "workshops, elements, the event log and its change numbers",
        [
            """CREATE TABLE workshops (
                id TEXT PRIMARY KEY,
                join_code TEXT NOT NULL UNIQUE,
                key_hash TEXT NOT NULL,
                data JSON NOT NULL,
                lists JSONB NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )""",
            """CREATE TABLE elements (
                workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
                eid TEXT NOT NULL,
                kind TEXT NOT NULL,
                parent TEXT,
                pos DOUBLE PRECISION NOT NULL,
                data JSON NOT NULL,
                lists JSONB NOT NULL,
                version BIGINT NOT NULL,
                author TEXT,
                PRIMARY KEY (workshop_id, eid)
            )""",
            "CREATE INDEX elements_by_kind ON elements (workshop_id, kind)",
            "CREATE INDEX elements_votes_by_participant ON elements (workshop_id, (data->>'participant')) WHERE kind = 'vote'",
            # events outlive a deleted workshop (its deletion is the last one): no foreign key
            """CREATE TABLE events (
                workshop_id TEXT NOT NULL,
                seq BIGINT NOT NULL,
                happened_at TIMESTAMPTZ NOT NULL,
                actor TEXT,
                op TEXT NOT NULL,
                kind TEXT,
                eid TEXT,
                before JSON,
                after JSON,
                undoes BIGINT,
                private BOOLEAN NOT NULL DEFAULT false,
                PRIMARY KEY (workshop_id, seq)
            )""",
            "CREATE INDEX events_by_actor ON events (workshop_id, actor, seq)",
            "CREATE INDEX events_undone ON events (workshop_id, undoes) WHERE undoes IS NOT NULL",
            """CREATE TABLE workshop_versions (
                workshop_id TEXT PRIMARY KEY,
                version BIGINT NOT NULL,
                public_version BIGINT NOT NULL
            )""",
        ],
    ),
    (
        2,
        "participant tokens (a participant is recognised again after a reload)",
        [
            """CREATE TABLE participant_tokens (
                token_hash TEXT PRIMARY KEY,
                workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
                participant_id TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )""",
        ],
    ),
    (
        3,
        "facilitation: phases and lock, rounds, silent ratings, brainstorm notes",
        [
            # append-only, as in the DuckDB file: the row of the highest seq wins
            """CREATE TABLE facilitation_states (
                workshop_id TEXT NOT NULL,
                seq BIGINT NOT NULL,
                state JSONB NOT NULL,
                changed_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (workshop_id, seq)
            )""",
            """CREATE TABLE rounds (
                workshop_id TEXT NOT NULL,
                round_no INTEGER NOT NULL,
                seq BIGINT NOT NULL,
                state JSONB NOT NULL,
                changed_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (workshop_id, round_no, seq)
            )""",
            """CREATE TABLE ratings (
                workshop_id TEXT NOT NULL,
                round_no INTEGER NOT NULL,
                participant_id TEXT NOT NULL,
                about TEXT NOT NULL,
                field TEXT NOT NULL,
                value INTEGER,
                seq BIGINT NOT NULL,
                rated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (workshop_id, seq)
            )""",
            "CREATE INDEX ratings_by_round ON ratings (workshop_id, round_no, seq)",
            """CREATE TABLE round_notes (
                workshop_id TEXT NOT NULL,
                round_no INTEGER NOT NULL,
                note_id TEXT NOT NULL,
                poster TEXT NOT NULL,
                seq BIGINT NOT NULL,
                PRIMARY KEY (workshop_id, note_id)
            )""",
        ],
    ),
    (
        4,
        "deal plans shared with the customer (the link's token, hashed)",
        [
            """CREATE TABLE plan_shares (
                token_hash TEXT PRIMARY KEY,
                workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
                deal_id TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )""",
            "CREATE INDEX plan_shares_by_deal ON plan_shares (workshop_id, deal_id)",
        ],
    ),
]


def apply_migrations(conn: psycopg.Connection) -> list[int]:
    """Apply the migrations this database lacks (``conn``: autocommit); return the numbers applied."""
    conn.execute("SELECT pg_advisory_lock(%s)", [_MIGRATION_LOCK])
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for number, name, statements in MIGRATIONS:
            if number in done:
                continue
            with conn.transaction():
                for statement in statements:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", [number, name])
            applied.append(number)
        return applied
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", [_MIGRATION_LOCK])
