"""One way to open storage: a DuckDB file path or a URL, from the app, the command line, the
tests and the benchmarks alike (``workshop.store.open_store``)."""

from __future__ import annotations

import pytest

from workshop.errors import BadInput, StoreError
from workshop.ports import Storage
from workshop.services.maps import export_document, import_document
from workshop.store import default_db_path, default_url, open_store, scheme_of
from workshop.store.duckdb import DuckDBStore


@pytest.mark.parametrize("form", ["path", "url"])
def test_a_path_and_a_duckdb_url_open_the_same_file(tmp_path, fleet, form):
    path = tmp_path / "w.duckdb"
    with open_store(path) as s:
        import_document(s, fleet)
    where = str(path) if form == "path" else f"duckdb://{path}"
    with open_store(where) as s:
        assert isinstance(s, DuckDBStore)
        assert export_document(s, "fleet-launch") == fleet


def test_kopkarta_db_names_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("KOPKARTA_DB", str(tmp_path / "env.duckdb"))
    assert default_url() == str(tmp_path / "env.duckdb")
    assert default_db_path() == tmp_path / "env.duckdb"
    with open_store() as s:
        assert s.path == tmp_path / "env.duckdb"
    monkeypatch.setenv("KOPKARTA_DB", f"duckdb://{tmp_path / 'url.duckdb'}")
    with open_store() as s:
        assert s.path == tmp_path / "url.duckdb"


def test_without_kopkarta_db_the_file_is_in_sessions(env_without_db):
    assert default_db_path().parent.name == "sessions"
    assert default_url() == str(default_db_path())


def test_unknown_and_missing_engines_are_refused_clearly(tmp_path):
    with pytest.raises(StoreError, match=r"cannot reach the database postgresql://kopkarta:\*\*\*@127.0.0.1:1/kk"):
        open_store("postgresql://kopkarta:secret@127.0.0.1:1/kk")  # nothing listens there; the password is never shown
    with pytest.raises(BadInput, match="no storage engine for 'mysql://'"):
        open_store("mysql://x")
    with pytest.raises(BadInput, match="names a file"):
        open_store("duckdb://")
    assert list(tmp_path.iterdir()) == []


def test_schemes():
    assert scheme_of("postgresql://u@h/db") == "postgresql"
    assert scheme_of("duckdb:///tmp/x.duckdb") == "duckdb"
    assert scheme_of("/tmp/x.duckdb") is None
    assert scheme_of("sessions/kopkarta.duckdb") is None


def test_every_engine_has_every_port_method(any_store):
    """Every method the Storage port declares is there on the engine (a missing one would fail
    only when a service first calls it)."""
    wanted = {name for cls in Storage.__mro__ if cls.__module__ == "workshop.ports" for name in vars(cls) if not name.startswith("_")}
    missing = sorted(name for name in wanted if not callable(getattr(any_store, name, None)) and name != "path")
    assert missing == []
