"""The shell scripts in ``scripts/`` parse, and refuse bad usage the way they promise.

Cheap checks only (no install, no server): ``bash -n`` on every script, ShellCheck when it is
installed, and the one-line errors with exit status 2 of ``pg.sh`` (bad arguments) and
``serve.sh`` (bad environment, checked before it installs or starts anything). What the scripts
start is tested where it is used: ``tests/test_pg_support.py`` runs ``pg.sh``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
ALL = sorted(SCRIPTS.glob("*.sh"))


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env=env)


def test_every_script_is_there_and_executable():
    names = {p.name for p in ALL}
    assert {"install_system.sh", "setup_env.sh", "setup_node.sh", "start.sh", "test.sh", "pg.sh", "serve.sh"} <= names
    assert all(os.access(p, os.X_OK) for p in ALL)  # the scripts call one another directly


@pytest.mark.parametrize("script", ALL, ids=lambda p: p.name)
def test_script_parses(script):
    done = run("-n", str(script))
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck_finds_nothing():
    done = subprocess.run(["shellcheck", *map(str, ALL)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("args", [
    [],
    ["start"],
    ["start", "/tmp/kk-none"],
    ["start", "/tmp/kk-none", "not-a-port"],
    ["start", "/tmp/kk-none", "80"],
    ["start", "/tmp/kk-none", "70000"],
    ["start", "/tmp/kk-none", "5433", "--slow"],
    ["stop"],
    ["stop", "/tmp/kk-none", "extra"],
    ["url", "/tmp/kk-none"],
    ["restart", "/tmp/kk-none"],
], ids=lambda a: " ".join(a) or "nothing")
def test_pg_sh_bad_usage_is_one_line_and_exit_2(args):
    done = run(str(SCRIPTS / "pg.sh"), *args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pg.sh: "), done.stderr
    assert not Path("/tmp/kk-none").exists()


@pytest.mark.parametrize("setting", [
    {"KOPKARTA_PROCESSES": "two"},
    {"KOPKARTA_PROCESSES": "0"},
    {"KOPKARTA_PORT": "80"},
    {"KOPKARTA_PORT": "65535"},
    {"KOPKARTA_PG_PORT": "x"},
    {"KOPKARTA_BIND": "127.0.0.1 ; true"},
], ids=lambda s: " ".join(f"{k}={v}" for k, v in s.items()))
def test_serve_sh_refuses_a_bad_setting_before_doing_anything(setting):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOPKARTA_")}
    done = run(str(SCRIPTS / "serve.sh"), env={**env, **setting})
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("serve.sh: "), done.stderr
    assert next(iter(setting)) in lines[0]
