"""Numbered schema migrations, recorded in the database itself.

Each migration runs once, in its own transaction, together with the row that records it in
``schema_migrations``; opening a database applies whatever is missing. Never edit a migration
that has shipped: add the next number.

Hot tables (``elements``, ``events``) carry no primary keys, unique indexes or upserts: DuckDB's
crash-recovery bugs have involved exactly those, and uniqueness is already guaranteed by the
single writer thread (see :mod:`.writer`). The SQL is kept portable where it costs nothing, so
a PostgreSQL backend can follow.
"""

from __future__ import annotations

from .rows import utc_now

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "workshops, elements and the event log",
        [
            """CREATE TABLE workshops (
                id VARCHAR NOT NULL,
                join_code VARCHAR NOT NULL,
                key_hash VARCHAR NOT NULL,
                data JSON NOT NULL,
                lists JSON NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE elements (
                workshop_id VARCHAR NOT NULL,
                eid VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                parent VARCHAR,
                pos DOUBLE NOT NULL,
                data JSON NOT NULL,
                lists JSON NOT NULL,
                version BIGINT NOT NULL,
                author VARCHAR
            )""",
            """CREATE TABLE events (
                workshop_id VARCHAR NOT NULL,
                seq BIGINT NOT NULL,
                happened_at TIMESTAMP NOT NULL,
                actor VARCHAR,
                op VARCHAR NOT NULL,
                kind VARCHAR,
                eid VARCHAR,
                before JSON,
                after JSON,
                undoes BIGINT
            )""",
        ],
    ),
    (
        2,
        "participant tokens (a participant is recognised again after a reload)",
        [
            """CREATE TABLE participant_tokens (
                token_hash VARCHAR NOT NULL,
                workshop_id VARCHAR NOT NULL,
                participant_id VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
        ],
    ),
    (
        3,
        "facilitation: phases and lock, rounds, silent ratings, brainstorm notes",
        [
            # every table is append-only: the last row (highest seq, the number of the event
            # that wrote it) wins, so no row is ever updated and none needs a key
            """CREATE TABLE facilitation_states (
                workshop_id VARCHAR NOT NULL,
                seq BIGINT NOT NULL,
                state JSON NOT NULL,
                changed_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE rounds (
                workshop_id VARCHAR NOT NULL,
                round_no INTEGER NOT NULL,
                seq BIGINT NOT NULL,
                state JSON NOT NULL,
                changed_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE ratings (
                workshop_id VARCHAR NOT NULL,
                round_no INTEGER NOT NULL,
                participant_id VARCHAR NOT NULL,
                about VARCHAR NOT NULL,
                field VARCHAR NOT NULL,
                value INTEGER,
                seq BIGINT NOT NULL,
                rated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE round_notes (
                workshop_id VARCHAR NOT NULL,
                round_no INTEGER NOT NULL,
                note_id VARCHAR NOT NULL,
                poster VARCHAR NOT NULL,
                seq BIGINT NOT NULL
            )""",
        ],
    ),
    (
        4,
        "deal plans shared with the customer (the link's token, hashed)",
        [
            """CREATE TABLE plan_shares (
                token_hash VARCHAR NOT NULL,
                workshop_id VARCHAR NOT NULL,
                deal_id VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
        ],
    ),
]


def apply_migrations(con) -> list[int]:
    """Apply the migrations this database lacks; return the numbers applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for number, name, statements in MIGRATIONS:
        if number in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for sql in statements:
                con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [number, name, utc_now()],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
