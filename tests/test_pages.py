"""Every page under Streamlit's AppTest: renders without exception, empty and with the demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workshop import demo
from workshop.services.app import shared_store
from workshop.services.maps import import_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("KOPKARTA_DB", str(path))
    return path


def run_app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def test_home_empty(app_db):
    at = run_app()
    assert not at.exception
    assert any("python -m workshop demo" in i.value for i in at.info)


@pytest.mark.parametrize("lang, word", [("en", "Customer steps"), ("sv", "Kundens steg"), ("nb", "Kundens steg")])
def test_home_with_demo(app_db, lang, word):
    import_document(shared_store(app_db), demo.example("fleet"))
    at = run_app(lang)
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert word in labels
    steps = next(m for m in at.metric if m.label == word)
    assert steps.value == "12"
