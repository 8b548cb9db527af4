"""Moving to PostgreSQL and backing it up, from the command line (issue 16):

* ``migrate --from FILE.duckdb --to postgresql://…`` copies a database in use for weeks (two
  workshops, a finished dot vote, an undo, a participant's token) and checks it: every
  workshop exports byte for byte as before and is listed with the same counts; the participant's
  link still works, the change log and numbers go on from where they were;
* a second move into the same database is refused (exit 2) and changes nothing;
* wrong arguments get exit 2 and one line;
* ``backup`` of a PostgreSQL database is pg_dump's consistent copy, and restoring it into an
  empty database gives every workshop back as it was.
"""

from __future__ import annotations

import json
import subprocess

import pytest

import pg_support
from workshop import demo
from workshop.cli import main
from workshop.services import live, rounds
from workshop.services.facilitator import Facilitator
from workshop.services.maps import export_document, import_document
from workshop.store import open_store
from workshop.store.postgres import _pg_tool

W = "fleet-launch"


@pytest.fixture
def weeks_old(db_path):
    """A DuckDB file with some history: two workshops, a revealed vote, an undo, a joined participant."""
    with open_store(db_path) as s:
        created = import_document(s, demo.example("fleet"), actor="test").created
        import_document(s, demo.example("kommun"), actor="test")
        fac = Facilitator(W, created.facilitator_key)
        vote = rounds.start_vote(s, fac, "motive", budget=3)
        anna = live.join(s, created.join_code, "Anna", "sales")
        motive = s.elements(W, "motive")[0].eid
        s.set_dots(W, vote.no, anna.participant_id, motive, 2, actor=anna.participant_id)
        rounds.reveal(s, fac, vote.no)
        step = s.add(W, "step", {"text": "Taken back"}, parent="s1", actor=anna.participant_id)
        s.undo_last(W, anna.participant_id)
        s.add(W, "step", {"text": "Kept, with åäö and \"quotes\""}, parent="s1", actor=anna.participant_id)
        assert step
        versions = {w.id: s.version(w.id) for w in s.list_workshops()}
    return db_path, anna.token, versions


def test_a_duckdb_file_moves_to_postgresql_unchanged(weeks_old, capsys):
    path, token, versions = weeks_old
    with open_store(path) as s:
        before = {w.id: json.dumps(export_document(s, w.id), ensure_ascii=False, indent=2) for w in s.list_workshops()}
        listed = {w.id: (w.title, w.join_code, w.counts) for w in s.list_workshops()}
    url = pg_support.cluster().fresh_database()
    assert main(["migrate", "--from", str(path), "--to", url]) == 0
    assert "moved 2 workshop(s), every export checked identical" in capsys.readouterr().out
    with open_store(url) as pg:
        assert {w.id: json.dumps(export_document(pg, w.id), ensure_ascii=False, indent=2) for w in pg.list_workshops()} == before
        assert {w.id: (w.title, w.join_code, w.counts) for w in pg.list_workshops()} == listed
        assert {w.id: pg.version(w.id) for w in pg.list_workshops()} == versions
        assert pg.participant_for_token(token)[0] == W  # Anna's link still works
        step = pg.add(W, "step", {"text": "After the move"}, parent="s1", actor="test")
        assert step.version == versions[W] + 1  # the change log goes on where it was
        assert [e["op"] for e in pg.events(W, limit=3)][1:] == ["add", "undo"]

    # a second move into the same database is refused and changes nothing
    assert main(["migrate", "--from", str(path), "--to", url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already holds workshop" in err[0]
    with open_store(url) as pg:
        assert pg.version(W) == versions[W] + 1


@pytest.mark.parametrize(
    "args, says",
    [
        (["--from", "nowhere.duckdb", "--to", "postgresql://u@127.0.0.1:1/x"], "no such file"),
        (["--from", "x.duckdb", "--to", "/tmp/y.duckdb"], "--to names a PostgreSQL database"),
        (["--from", "postgresql://u@h/x", "--to", "postgresql://u@h/y"], "--from names a DuckDB file"),
    ],
)
def test_wrong_arguments_of_a_move(args, says, capsys):
    assert main(["migrate", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0]


def test_backup_of_postgresql_restores_every_workshop(weeks_old, tmp_path, capsys):
    path, _, _ = weeks_old
    url = pg_support.cluster().fresh_database()
    assert main(["migrate", "--from", str(path), "--to", url]) == 0
    capsys.readouterr()
    with open_store(url) as pg:  # open while the backup runs, as the app would be
        before = {w.id: export_document(pg, w.id) for w in pg.list_workshops()}
        out = tmp_path / "kopkarta.pgdump"
        assert main(["backup", "--out", str(out), "--db", url]) == 0
        assert capsys.readouterr().out.strip() == str(out)
        assert main(["backup", "--out", str(out), "--db", url]) == 2  # never over an existing file
    empty = pg_support.cluster().fresh_database()
    restored = subprocess.run([_pg_tool("pg_restore"), "--no-owner", "--dbname", empty, str(out)], capture_output=True, text=True)
    assert restored.returncode == 0, restored.stderr
    with open_store(empty) as back:
        assert {w.id: export_document(back, w.id) for w in back.list_workshops()} == before
