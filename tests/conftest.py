"""Shared fixtures: real databases (never a mock): a DuckDB file in a temporary folder and a
fresh database of a PostgreSQL cluster the tests start themselves (:mod:`pg_support`); and
the demo maps.

``store`` runs a test once per real engine; ``any_store`` adds the in-memory engine of
:mod:`fake_store` (the rules must not lean on any database); ``duck_store`` is for what only
the DuckDB file has (its path, reopening it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workshop import demo  # noqa: E402
from workshop.services.maps import import_document  # noqa: E402
from fake_store import DATABASES, ENGINES, open_engine  # noqa: E402
from workshop.store import open_store  # noqa: E402

SHARED_SPEC = ROOT.parent / "shared" / "spec"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kopkarta.duckdb"


@pytest.fixture(params=DATABASES)
def store(request, db_path: Path):
    """A store of each real engine: DuckDB, then PostgreSQL."""
    s = open_engine(request.param, db_path)
    yield s
    s.close()


@pytest.fixture
def duck_store(db_path: Path):
    """The DuckDB file (for what only a file has: its path, reopening it)."""
    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture(params=ENGINES)
def any_store(request, db_path: Path):
    """A store of each engine (a test module that holds rule tests uses it as its ``store``)."""
    s = open_engine(request.param, db_path)
    yield s
    s.close()


@pytest.fixture
def fleet() -> dict:
    return demo.example("fleet")


@pytest.fixture
def kommun() -> dict:
    return demo.example("kommun")


@pytest.fixture
def fleet_store(store, fleet):
    """A store holding the fleet example workshop (id ``fleet-launch``)."""
    import_document(store, fleet, actor="test")
    return store


@pytest.fixture
def env_without_db(monkeypatch):
    monkeypatch.delenv("KOPKARTA_DB", raising=False)
    return os.environ


@pytest.fixture
def app(tmp_path, monkeypatch):
    """Page tests: the app on a fresh database file (see ``apptest_support``)."""
    from apptest_support import App

    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("KOPKARTA_DB", str(path))
    return App(path)


def pytest_sessionfinish(session, exitstatus):
    """The test cluster stops when the tests end (``atexit`` is only the safety net)."""
    if "pg_support" in sys.modules:
        sys.modules["pg_support"].stop_cluster()


@pytest.fixture(autouse=True)
def _no_counted_guesses():
    """Wrong secrets are counted in the process's memory (workshop.services.guard): every test
    starts with none counted, the default limits and the real clock, so tests that type wrong
    keys on purpose never lock out the next one."""
    import time

    from workshop.services.guard import GUARD, Policy

    def fresh():
        GUARD.clear()
        GUARD.policy, GUARD.clock = Policy(), time.monotonic

    fresh()
    yield
    fresh()
