"""PostgreSQL for the tests: a throwaway cluster per test process, and a fresh database per test.

Why a cluster of the tests' own (``scripts/pg.sh start DIR PORT --fast`` in a temp directory)
rather than a server the machine may have: CI starts from a clean machine with nothing running,
and a test must never touch a real database. ``--fast`` turns fsync off, which only a
throwaway cluster can afford. Each pytest process, each pytest-xdist worker included, starts
its own on first use (:func:`cluster`, about a second): no coordination between workers, and
no worker can stop a cluster another one still uses. A test gets an empty database of its own
from :meth:`PgCluster.fresh_database` (a ``CREATE DATABASE``, tens of milliseconds), so tests
share no rows and need no cleaning between them.

``KOPKARTA_TEST_PG=postgresql://USER:PASSWORD@HOST:PORT/DB`` runs the tests on an existing
server instead (the role needs CREATEDB): nothing is started or stopped there, and the databases
the tests made are dropped at the end.

Stopping: :func:`cluster` registers :func:`stop_cluster` with ``atexit``, which runs when the
tests end however they went (a conftest may call it at the end of the session as well). A
cluster whose test process was killed before its ``atexit`` ran is stopped and removed by the
next :meth:`PgCluster.start` on the machine (the directory's name carries the owner's pid).

No pytest fixtures here: ``conftest.py`` wires these into fixtures.
"""

from __future__ import annotations

import atexit
import itertools
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
PG_SH = ROOT / "scripts" / "pg.sh"
#: environment variable naming an existing server to test on instead of a cluster of our own
TEST_PG_ENV = "KOPKARTA_TEST_PG"
_DIR_PREFIX = "kk-pg-"  # kk-pg-<pid>-<random>: the pid tells whether its owner still lives


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_sh(*args: object, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(PG_SH), *map(str, args)],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_orphans(parent: Path) -> None:
    """Stop and remove the clusters of test processes that died before their ``atexit`` ran."""
    for path in parent.glob(f"{_DIR_PREFIX}*-*"):
        pid = path.name[len(_DIR_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)) or not path.is_dir():
            continue
        try:
            _pg_sh("stop", path, timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        shutil.rmtree(path, ignore_errors=True)


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name``."""
    return urlsplit(url)._replace(path="/" + name).geturl()


class PgCluster:
    """A PostgreSQL server for tests: our own throwaway cluster, or an existing server's URL.

    ``url`` is the URL of the role ``kopkarta`` (or the external server's role) to its own
    database; :meth:`fresh_database` makes the databases the tests use.
    """

    def __init__(self, url: str | None = None, *, fast: bool = True) -> None:
        self.url = url
        #: ``scripts/pg.sh --fast`` (fsync off): the tests' choice; the benchmarks measure with
        #: fsync on (``fast=False``), as the server setup runs
        self.fast = fast
        self.external = url is not None
        self.dir: Path | None = None
        self._admin: psycopg.Connection | None = None
        self._lock = threading.Lock()
        self._count = itertools.count(1)
        self._made: set[str] = set()

    def start(self) -> "PgCluster":
        """Start a cluster of our own (``scripts/pg.sh`` on a free port, ``--fast`` unless
        :attr:`fast` is false); idempotent."""
        if self.url is not None:
            return self
        parent = Path(tempfile.gettempdir())
        _remove_orphans(parent)
        # /tmp is open to every user: the postgres user (the server, when we are root) reaches it
        self.dir = Path(tempfile.mkdtemp(prefix=f"{_DIR_PREFIX}{os.getpid()}-", dir=parent))
        error = ""
        try:
            for _ in range(3):  # a free port may be taken before the server binds it
                done = _pg_sh("start", self.dir, _free_port(), *(["--fast"] if self.fast else []))
                if done.returncode == 0:
                    self.url = done.stdout.strip()
                    return self
                error = done.stderr.strip()
                if "is in use" not in error:
                    break
        except BaseException:
            self.stop()
            raise
        self.stop()
        raise RuntimeError(f"could not start the tests' PostgreSQL: {error}")

    def stop(self) -> None:
        """Stop our cluster and remove its directory; on an external server, drop what we made."""
        with self._lock:
            if self.external and self._made:
                for name in sorted(self._made):
                    self._drop_named(name)
            if self._admin is not None:
                self._admin.close()
                self._admin = None
        if self.dir is not None:
            try:
                _pg_sh("stop", self.dir, timeout=60)
            finally:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None
                self.url = None

    def _connection(self) -> psycopg.Connection:
        if self.url is None:
            raise RuntimeError("the cluster is not started")
        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.url, autocommit=True)
        return self._admin

    def fresh_database(self, template: str | None = None) -> str:
        """A new empty database (a copy of ``template`` if given), owned by our role; its URL."""
        name = f"kk_t{next(self._count)}_{os.getpid()}_{secrets.token_hex(2)}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:  # a template must have no open connections while it is copied
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self._lock:
            self._connection().execute(query)
            self._made.add(name)
        return with_database(self.url, name)

    def drop(self, url: str) -> None:
        """Drop the database ``url`` names (its connections are ended first)."""
        with self._lock:
            self._drop_named(database_name(url))

    def _drop_named(self, name: str) -> None:
        self._connection().execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        self._made.discard(name)


_shared: PgCluster | None = None
_shared_lock = threading.Lock()
_stop_registered = False


def cluster() -> PgCluster:
    """This test process's PostgreSQL, started on first use and stopped when the process ends.

    ``$KOPKARTA_TEST_PG`` names an existing server to use instead.
    """
    global _shared, _stop_registered
    with _shared_lock:
        if _shared is None:
            external = os.environ.get(TEST_PG_ENV, "").strip()
            if external and not external.startswith(("postgresql://", "postgres://")):
                raise RuntimeError(f"{TEST_PG_ENV} must be a postgresql:// URL")
            if not _stop_registered:
                atexit.register(stop_cluster)
                _stop_registered = True
            _shared = PgCluster(external or None).start()
        return _shared


def stop_cluster() -> None:
    """Stop the process's PostgreSQL if :func:`cluster` started one (safe to call again)."""
    global _shared
    with _shared_lock:
        stopping, _shared = _shared, None
    if stopping is not None:
        stopping.stop()
