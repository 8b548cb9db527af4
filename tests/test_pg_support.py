"""The tests' PostgreSQL (``tests/pg_support.py``, ``scripts/pg.sh``) does what the other tests rely on.

Fresh databases are empty and separate, the server listens on 127.0.0.1 alone, the role is the
one ``scripts/pg.sh`` makes, and a stopped cluster leaves neither a server nor its directory.
"""

from __future__ import annotations

import os
import socket
import subprocess

import psycopg
import pytest

from pg_support import PG_SH, TEST_PG_ENV, PgCluster, cluster, database_name


def test_fresh_databases_are_empty_separate_and_dropped():
    pg = cluster()
    first, second = pg.fresh_database(), pg.fresh_database()
    assert database_name(first) != database_name(second)
    try:
        with psycopg.connect(first) as a, psycopg.connect(second) as b:
            a.execute("CREATE TABLE note (body text)")
            a.execute("INSERT INTO note VALUES ('only here')")
            a.commit()
            assert a.execute("SELECT count(*) FROM note").fetchone() == (1,)
            assert b.execute("SELECT to_regclass('note')").fetchone() == (None,)
            assert b.execute("SELECT current_database()").fetchone() == (database_name(second),)
            owner = b.execute(
                "SELECT pg_get_userbyid(datdba) = current_user FROM pg_database"
                " WHERE datname = current_database()"
            ).fetchone()
            assert owner == (True,)
    finally:
        pg.drop(first)
        pg.drop(second)
    with psycopg.connect(pg.url) as admin:
        left = admin.execute(
            "SELECT count(*) FROM pg_database WHERE datname IN (%s, %s)",
            (database_name(first), database_name(second)),
        ).fetchone()
    assert left == (0,)


@pytest.mark.skipif(bool(os.environ.get(TEST_PG_ENV)), reason="an external server is configured")
def test_own_cluster_listens_on_loopback_only_and_is_gone_after_stop():
    pg = cluster()
    assert not pg.external and pg.dir is not None
    with psycopg.connect(pg.url) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("SELECT current_user").fetchone() == ("kopkarta",)
        assert conn.execute("SHOW fsync").fetchone() == ("off",)  # --fast: tests only
    password = (pg.dir / "kopkarta.password").stat()
    assert password.st_mode & 0o077 == 0

    own = PgCluster().start()  # a second one, to watch it stop
    port, where = int(own.url.rsplit(":", 1)[1].split("/")[0]), own.dir
    own.stop()
    assert not where.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_pg_sh_is_quiet_about_stopping_what_is_not_running(tmp_path):
    done = subprocess.run(["bash", str(PG_SH), "stop", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
