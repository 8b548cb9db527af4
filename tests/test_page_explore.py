"""The explore page under AppTest: empty without workshops, the joined workshops only without the
admin key, every workshop with it (from the environment), a wrong key refused; grouping controls
and a CSV download under every table."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workshop import demo
from workshop.analysis.grouping import normalise
from workshop.services.maps import import_document

ROOT = Path(__file__).resolve().parents[1]
KEY = "org-key-for-tests"


def _first_column(at, n: int = 0) -> list[str]:
    return at.dataframe[n].value.iloc[:, 0].tolist()


def _downloads(at) -> list[str]:
    return [b.proto.id.split("-", 2)[-1] for b in at.get("download_button")]  # "$$ID-<hash>-<key>"


def _variant() -> dict:
    doc = demo.example("fleet")
    doc["workshop"]["id"] = "fleet-autumn"
    doc["segments"][0]["motives"][0]["text"] = "lower fuel costs per KM!"
    return doc


@pytest.fixture
def with_key(monkeypatch):
    monkeypatch.setenv("KOPKARTA_ADMIN_KEY", KEY)


def test_no_workshop_says_what_to_do(app, monkeypatch):
    monkeypatch.delenv("KOPKARTA_ADMIN_KEY", raising=False)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/explore.py").run()
    assert not at.exception
    assert any("No workshop to explore yet" in i.value for i in at.info)
    assert any("No admin key is configured" in c.value for c in at.sidebar.caption)
    assert not at.dataframe


def test_joined_only_without_the_key(app, with_key):
    import_document(app.store, demo.example("kommun"))  # on the server, not joined
    at = app.open("explore", "demo")
    assert not at.exception
    motives = _first_column(at)
    assert "Lower fuel cost per km" in motives
    assert "Medborgarna ska kunna boka själva" not in motives
    assert any("Workshops shown: 1, those you have joined" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 3  # heatmap, objections, causes
    assert any("Each row is a buying motive" in c.value for c in at.caption)  # the heatmap's caption
    assert _downloads(at) == [
        "explore_csv_motives",
        "explore_csv_usp-coverage",
        "explore_csv_objections",
        "explore_csv_causes",
    ]
    usps = at.dataframe[1].value
    assert usps.iloc[0, 0] == "Fastest 5G hardware on the market" and bool(usps.iloc[0, 1]) is True
    assert any("USPs that serve no buying motive: 1." in w.value for w in at.warning)


def test_admin_key_from_the_environment_shows_every_workshop(app, with_key):
    import_document(app.store, demo.example("kommun"))
    import_document(app.store, _variant())
    at = app.open("explore", "demo")
    at.sidebar.text_input(key="admin_key").input(KEY).run()
    assert not at.exception
    assert any("Organisation view. Workshops shown: 3." in c.value for c in at.caption)
    motives = _first_column(at)
    assert "Medborgarna ska kunna boka själva" in motives
    # the two spellings of the fuel motive are one row, and the grouping is shown
    assert sum(m.lower().startswith("lower fuel cost") for m in motives) == 1
    assert "explore_csv_motive-groups" in _downloads(at)
    groups = at.dataframe[1].value
    assert "lower fuel costs per KM!" in groups.iloc[0, 1]

    # keep the variant apart: two rows again, and no grouping left to show
    apart = at.multiselect(key="explore_apart")
    [option] = [o for o in apart.options if "fuel" in o.lower()]  # "<text> → <its group>"
    apart.select(normalise(option.split(" → ")[0])).run()
    assert not at.exception
    assert sum(m.lower().startswith("lower fuel cost") for m in _first_column(at)) == 2

    # a filter by language leaves the Swedish workshop only
    at.multiselect(key="explore_languages").select("sv").run()
    assert _first_column(at) == ["Medborgarna ska kunna boka själva"]


def test_threshold_100_groups_only_equal_texts(app, with_key):
    import_document(app.store, _variant())
    at = app.open("explore", "demo")
    at.sidebar.text_input(key="admin_key").input(KEY).run()
    at.slider(key="explore_threshold").set_value(100).run()
    assert not at.exception
    assert sum(m.lower().startswith("lower fuel cost") for m in _first_column(at)) == 2
    assert any("At similarity 100 no motive texts were grouped" in c.value for c in at.caption)


def test_wrong_key_is_refused(app, with_key):
    import_document(app.store, demo.example("kommun"))
    at = app.open("explore", "demo")
    at.sidebar.text_input(key="admin_key").input("guess").run()
    assert not at.exception
    assert any("admin key is wrong" in e.value for e in at.sidebar.error)
    assert "Medborgarna ska kunna boka själva" not in _first_column(at)


def test_swedish_page(app, with_key):
    at = app.open("explore", "demo", lang="sv")
    assert not at.exception
    assert at.title[0].value == "Köpmotiv över alla workshoppar"
    assert "Köpmotiv" in at.dataframe[0].value.columns
