"""The pipeline page under AppTest: empty states, a session that joined one workshop sees only its
deals, the admin key (from the environment, typed in the sidebar) shows every workshop, a wrong
key is refused, filters narrow the board, and every deal offers its coaching sheet."""

from __future__ import annotations

from pathlib import Path

from hostile_support import assert_no_user_text_in_html
from streamlit.testing.v1 import AppTest
from test_pipeline import kommun_with_deals

from workshop import demo
from workshop.exports.text import md_escape
from workshop.i18n import t
from workshop.services import live
from workshop.services.maps import import_document

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "streamlit_app.py"
KEY = "admin-key-for-tests"


def _seed(app) -> None:
    """A second workshop (Swedish, two deals) that the test participant has not joined."""
    import_document(app.store, kommun_with_deals())


def _open(app, me: live.Identity | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ENTRY), default_timeout=60)
    if me is not None:
        at.query_params["t"] = me.token
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/pipeline.py").run()
    return at


def _deal_names(at) -> str:
    return " ".join(m.value for m in at.markdown)


def _downloads(at) -> set[str]:
    return {d.key for d in at.get("download_button")}


def test_nobody_joined_sees_how_to_get_in(app, monkeypatch):
    monkeypatch.delenv("KOPKARTA_ADMIN_KEY", raising=False)
    app.workshop("demo")  # a workshop exists, but this session has not joined it
    at = _open(app)
    assert not at.exception
    assert [i.value for i in at.info] == [t("pipeline.no_workshops", "en")]
    assert any(t("access.not_configured", "en") == c.value for c in at.caption)
    assert "Nordfrakt" not in _deal_names(at) and not _downloads(at)


def test_joined_workshop_without_deals_says_so(app):
    me = app.workshop("blank")
    at = _open(app, me)
    assert not at.exception
    assert [i.value for i in at.info] == [t("pipeline.no_deals", "en")]


def test_joined_session_sees_only_its_workshops_deals(app, monkeypatch):
    monkeypatch.setenv("KOPKARTA_ADMIN_KEY", KEY)
    _seed(app)
    at = _open(app, app.workshop("demo"))
    assert not at.exception
    md = _deal_names(at)
    assert "Nordfrakt AB" in md and "Västra kommun" not in md and "Östra kommun" not in md
    assert _downloads(at) == {"coach:fleet-launch:d-nordfrakt"}
    assert [m.value for m in at.metric] == ["1", "1", "0", "1"]
    assert ":red-badge[:material/bolt: " + t("finding.deal_roles_missing.title", "en") + "]" in md
    texts = [x.value for x in at.text]
    assert "• Requirements list agreed by fleet, IT and finance" in texts  # exit criterion to verify
    assert "• How does the CFO judge an investment like this?" in texts  # question to ask
    assert "• CFO (Approves)" in texts  # deciding role not engaged
    assert any(t("access.joined_only", "en") == c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 1


def test_admin_key_from_the_environment_shows_every_workshop(app, monkeypatch):
    monkeypatch.setenv("KOPKARTA_ADMIN_KEY", KEY)
    _seed(app)
    at = _open(app, app.workshop("demo"))
    at.text_input(key="admin_key").input(KEY).run()
    assert not at.exception
    md = _deal_names(at)
    assert "Nordfrakt AB" in md and "Västra kommun" in md and "Östra kommun" in md
    assert _downloads(at) == {"coach:fleet-launch:d-nordfrakt", "coach:kommun:d-vasa", "coach:kommun:d-osta"}
    assert any(t("access.admin", "en") == c.value for c in at.caption)
    assert [m.value for m in at.metric] == ["3", "2", "1", "1"]
    assert any(t("pipeline.no_stage", "en") in m for m in md.split("**"))  # the "no stage set" column
    # only deals that lack energy: the healthy Västra kommun leaves the board
    at.toggle(key="pipeline_only_findings").set_value(True).run()
    md = _deal_names(at)
    assert "Västra kommun" not in md and "Nordfrakt AB" in md and "Östra kommun" in md
    # one workshop only
    at.toggle(key="pipeline_only_findings").set_value(False).run()
    at.multiselect(key="pipeline_workshops").select("kommun").run()
    assert _downloads(at) == {"coach:kommun:d-vasa", "coach:kommun:d-osta"}


def test_admin_without_joining_anything(app, monkeypatch):
    monkeypatch.setenv("KOPKARTA_ADMIN_KEY", KEY)
    _seed(app)
    at = _open(app)
    assert [i.value for i in at.info] == [t("pipeline.no_workshops", "en")]
    at.text_input(key="admin_key").input(KEY).run()
    assert not at.exception and not at.info
    assert _downloads(at) == {"coach:kommun:d-vasa", "coach:kommun:d-osta"}


def test_wrong_key_is_refused_and_shows_only_joined(app, monkeypatch):
    monkeypatch.setenv("KOPKARTA_ADMIN_KEY", KEY)
    _seed(app)
    at = _open(app, app.workshop("demo"))
    at.text_input(key="admin_key").input("not-the-key").run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("access.wrong_key", "en")]
    assert _downloads(at) == {"coach:fleet-launch:d-nordfrakt"}
    assert "Västra kommun" not in _deal_names(at)


def test_swedish_viewer(app, monkeypatch):
    monkeypatch.setenv("KOPKARTA_ADMIN_KEY", KEY)
    at = _open(app, app.workshop("demo"), lang="sv")
    assert not at.exception
    assert at.title[0].value == t("pipeline.title", "sv")
    assert [d.label for d in at.get("download_button")] == [t("pipeline.download", "sv")]
    assert ":red-badge[:material/bolt: " + t("finding.deal_roles_missing.title", "sv") + "]" in _deal_names(at)


def test_hostile_texts_stay_text(app):
    doc = demo.hostile_map()
    import_document(app.store, doc)
    me = live.join(app.store, app.store.workshop("hostile").join_code, "Tester", "sales")
    at = _open(app, me)
    assert not at.exception
    assert_no_user_text_in_html(at)
    deal = doc["deals"][0]
    assert "**" + md_escape(deal["name"]) + "**" in _deal_names(at)
    assert any(x.value == deal["next_internal_step"] for x in at.text)
