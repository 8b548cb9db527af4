"""The command line: exit statuses, one-line errors, and the analysis contract on the examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.cli import main
from workshop.rules.workshops import JOIN_LENGTH

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workshop" / "data"


def run(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m workshop`` as a user would, in a subprocess."""
    import os

    env = dict(os.environ)
    env.pop("KOPKARTA_DB", None)
    if env_db is not None:
        env["KOPKARTA_DB"] = str(env_db)
    return subprocess.run(
        [sys.executable, "-m", "workshop", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture(params=["duckdb", "postgres"])
def cli_db(request, tmp_path) -> str:
    """Where a command keeps its data: a DuckDB file, or a fresh PostgreSQL database."""
    if request.param == "postgres":
        import pg_support

        return pg_support.cluster().fresh_database()
    return str(tmp_path / "k.duckdb")


@pytest.mark.parametrize("name", ["fleet-telematics.en", "kommun-bokning.sv"])
def test_analyze_file_yields_the_spec_findings(name, capsys):
    assert main(["analyze", str(EXAMPLES / f"{name}.json"), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    want = json.loads((EXAMPLES.parent.parent / "tests" / "spec" / f"{name}.findings.json").read_text())
    rows = [(f["code"], f["segment"], f["about"], f["detail"]) for s in got["segments"] for f in s["findings"]]
    assert rows == [(f["code"], f["segment"], f["about"], f["detail"]) for f in want["findings"]]
    assert got["workshop"] == want["workshop"]
    for seg in got["segments"]:
        assert 0 <= seg["risk"] <= 100
        assert all(f["message"] for f in seg["findings"])


def test_import_list_export_analyze_round_trip(tmp_path, capsys, cli_db):
    db = cli_db
    src = EXAMPLES / "kommun-bokning.sv.json"
    assert main(["import", str(src), "--db", db]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "kommun-lansering"
    assert "facilitator key" in out.err

    assert main(["import", str(src), "--db", db]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["import", str(src), "--db", db, "--replace"]) == 0
    assert capsys.readouterr().out.strip() == "kommun-lansering"
    assert main(["import", str(src), "--db", db, "--as-new"]) == 0
    new_id = capsys.readouterr().out.strip()
    assert new_id.startswith("kommun-lansering-")

    assert main(["list", "--db", db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [w["id"] for w in listed] == ["kommun-lansering", new_id]
    first = listed[0]
    assert first["language"] == "sv" and len(first["join_code"]) == JOIN_LENGTH
    assert first["counts"]["step"] == 3 and first["last_change"]

    out_file = tmp_path / "out.json"
    assert main(["export", "kommun-lansering", "--format", "json", "--out", str(out_file), "--db", db]) == 0
    assert json.loads(out_file.read_text(encoding="utf-8")) == json.loads(src.read_text(encoding="utf-8"))

    assert main(["analyze", "kommun-lansering", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "kommun" in text and "/100" in text


def test_unknown_format_lists_the_known_ones(tmp_path, capsys):
    db = str(tmp_path / "k.duckdb")
    assert main(["demo", "--db", db]) == 0
    capsys.readouterr()
    assert main(["export", "fleet-launch", "--format", "odt", "--out", str(tmp_path / "x"), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'odt'" in err and "json" in err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "args, status, words",
    [
        (["import", "/no/such/file.json"], 2, "no such file"),
        (["analyze", "nosuchworkshop"], 2, "no workshop"),
        (["export", "nosuchworkshop", "--format", "json", "--out", "x.json"], 2, "no workshop"),
        (["frobnicate"], 2, "invalid choice"),
        (["import"], 2, "required"),
        (["import", "a.json", "--replace", "--as-new"], 2, "not allowed"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, status, words):
    result = run(*args, env_db=tmp_path / "k.duckdb")
    assert result.returncode == status
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "content",
    [b"not json at all", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b"[" * 100000, b"{}"],
)
def test_bad_map_files_exit_2_and_change_nothing(tmp_path, content):
    db = tmp_path / "k.duckdb"
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run("import", str(bad), "--db", str(db))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()  # the file was refused before the database was even opened
    result = run("analyze", str(bad))
    assert result.returncode == 2


def test_demo_is_idempotent_and_uses_env_db(tmp_path, cli_db):
    db = cli_db if "://" in cli_db else tmp_path / "env.duckdb"
    first = run("demo", env_db=db)
    assert first.returncode == 0 and first.stdout.strip() == "fleet-launch"
    again = run("demo", env_db=db)
    assert again.returncode == 0 and "already" in again.stderr
    listed = run("list", "--json", env_db=db)
    assert [w["id"] for w in json.loads(listed.stdout)] == ["fleet-launch"]


def test_export_to_stdout(tmp_path, capsysbinary, cli_db):
    db = cli_db
    main(["demo", "--db", db])
    capsysbinary.readouterr()
    assert main(["export", "fleet-launch", "--format", "json", "--out", "-", "--db", db]) == 0
    assert json.loads(capsysbinary.readouterr().out)["workshop"]["id"] == "fleet-launch"


@pytest.mark.parametrize("fmt", ["json", "md", "package", "pptx", "pptx-appendix", "html", "kumu", "graphml", "csv"])
def test_export_every_format_from_the_database(tmp_path, capsys, fmt, cli_db):
    db = cli_db
    main(["demo", "--db", db])
    out = tmp_path / f"out.{fmt}"
    assert main(["export", "fleet-launch", "--format", fmt, "--out", str(out), "--db", db]) == 0
    data = out.read_bytes()
    assert len(data) > 100
    assert not (tmp_path / f"out.{fmt}.part").exists()
