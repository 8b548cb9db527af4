"""The insights page under AppTest, and the pure functions and figures behind it."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from workshop import demo
from workshop.analysis import CODES, RISK_TABLE, analyze
from workshop.analysis.insights import (
    CODE_PAGE,
    NO_STAGE,
    THEMES,
    by_theme,
    clean_themes,
    per_stage,
    risk_level,
    risk_parts,
    risk_sum,
)
from workshop.render.insight_charts import breakdown_figure, plain, risk_colour, risk_gauge, segment_risk_figure, stage_figure
from workshop.services.live import snapshot


# -- pure functions ---------------------------------------------------------------------------
def test_every_code_has_one_theme_and_an_existing_page():
    codes = [c for codes in THEMES.values() for c in codes]
    assert sorted(codes) == sorted(CODES) and len(codes) == len(set(codes))
    from apptest_support import ROOT

    assert all((ROOT / "views" / f"{page}.py").exists() for page in CODE_PAGE.values())


def test_by_theme_keeps_theme_and_code_order(fleet):
    findings = analyze(fleet, "en").segment("midsize").findings
    grouped = by_theme(findings)
    assert [theme for theme, _ in grouped] == ["group", "friction", "consensus", "deals"]
    assert [code for code, _ in grouped[0][1]] == ["procurement_late", "blocker_risk", "role_no_contact", "hidden_influencer"]
    assert sum(len(f) for _, groups in grouped for _, f in groups) == len(findings)
    assert clean_themes(findings) == ["journey"]
    assert by_theme([]) == [] and clean_themes([]) == list(THEMES)


def test_per_stage_counts_steps_objections_and_deals_under_their_stage(fleet):
    findings = analyze(fleet, "en").segment("midsize").findings
    counts = per_stage(fleet, "midsize", findings)
    seg = fleet["segments"][0]
    assert [c.stage for c in counts[:-1]] == [s["id"] for s in seg["stages"]]
    assert counts[-1].stage == NO_STAGE
    assert sum(c.total for c in counts) == len(findings)
    objection_stage = {o["id"]: o["stage"] for o in seg["objections"]}
    by_id = {c.stage: c for c in counts}
    for f in findings:
        if f.code == "objection_unanswered":
            assert by_id[objection_stage[f.about]].counts["friction"] >= 1


def test_risk_parts_explain_every_point(fleet, kommun):
    for doc in (fleet, kommun):
        for result in analyze(doc).segments:
            parts = risk_parts(result)
            assert sum(p.points for p in parts) == risk_sum(result)
            assert result.risk == min(100, risk_sum(result))
            for p in parts:
                assert (p.each, p.cap) == RISK_TABLE[p.code]
                assert p.points == min(p.cap, p.each * p.count)
                assert p.capped == (p.each * p.count > p.cap)
            assert [p.points for p in parts] == sorted((p.points for p in parts), reverse=True)
    assert [risk_level(r) for r in (0, 24, 25, 49, 50, 100)] == ["low", "low", "medium", "medium", "high", "high"]


# -- figures ----------------------------------------------------------------------------------
def test_figures_are_plotly_and_escape_user_text():
    assert isinstance(risk_gauge(42), go.Figure)
    assert risk_gauge(10).data[0].gauge.bar.color == risk_colour(10) == "#15803d"
    assert risk_colour(60) == "#dc2626" and risk_colour(30) == "#d97706"
    seg = segment_risk_figure(["<b>A</b>", "B"], [10, 70], 1, "Risk")
    assert list(seg.layout.yaxis.ticktext) == ["&lt;b&gt;A&lt;/b&gt;", "B"]
    assert list(seg.data[0].marker.color) == ["#15803d", "#dc2626"]
    br = breakdown_figure(["Blocker", "Gap"], [8, 10], [16, 30], ["8 (1×)", "10 (2×)"], "Points", "Most possible")
    assert [list(t.x) for t in br.data] == [[16, 30], [8, 10]]
    st = stage_figure(["1. <script>x</script>", "1. <script>x</script>"], [("journey", "Journey", [1, 0]), ("deals", "Deals", [0, 0])], "Findings")
    assert len(st.data) == 1  # a theme without findings is left out
    assert list(st.layout.yaxis.ticktext) == ["1. &lt;script&gt;x&lt;/script&gt;"] * 2  # same names, own bars
    assert plain("a" * 100, 10) == "a" * 9 + "…"
    json.loads(st.to_json())


# -- the page ---------------------------------------------------------------------------------
def _texts(at) -> list[str]:
    return [t.value for t in at.text]


def test_insights_demo_shows_findings_grouped_with_advice_and_links(app):
    at = app.open("insights", "demo")
    assert not at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "Buying group" in markdown and "Motives and friction" in markdown and "Consensus" in markdown
    assert "Influential opponent" in markdown and "Unanswered objection" in markdown  # titles of codes
    texts = _texts(at)
    assert any("has no answer yet" in t for t in texts)  # a finding's message
    assert any(t.startswith("• +") for t in texts)  # the risk explained
    assert len(at.get("plotly_chart")) >= 3
    links = [el.proto.page for el in at.get("page_link")]
    assert {"group", "friction", "motives", "consensus", "deals"} <= set(links)
    assert any("No gaps in: Buying journey" in s.value for s in at.success)


def test_insights_risk_breakdown_matches_the_analysis(app):
    at = app.open("insights", "demo")
    result = analyze(snapshot(app.store, app.me.workshop_id).doc, "en").segment("midsize")
    lines = [t for t in _texts(at) if t.startswith("• +")]
    assert len(lines) == len(result.breakdown)
    assert "• +10  Consensus gap (2 × 5, at most 30)" in lines


def test_insights_blank_workshop_says_where_to_start(app):
    at = app.open("insights", "blank")
    assert not at.exception
    assert any("still empty" in i.value for i in at.info)
    assert any(t.startswith("• +") for t in _texts(at))


def test_insights_positive_empty_state_when_nothing_is_found(app):
    doc = demo.example("fleet")
    seg = doc["segments"][0]
    seg["procurement"] = "none"
    seg["roles"] = [
        {"id": "r1", "name": "Owner", "decision_roles": ["problem_owner", "budget_owner"], "influence": 4, "stance": 1,
         "our_contact": "Anna", "involvement": {s["id"]: "decides" for s in seg["stages"]}},
        {"id": "r2", "name": "User", "influence": 2, "our_contact": "Lars", "involvement": {seg["stages"][0]["id"]: "consulted"}},
    ]
    seg["relations"] = []
    for stage in seg["stages"]:
        stage["buyer_enablement"] = ["Guide"]
        stage["exit_criteria"] = stage.get("exit_criteria") or ["Done"]
        for step in stage["steps"]:
            step.pop("owner", None)
    seg["motives"], seg["objections"] = [], []
    seg["consensus"] = {c: {"status": "yes"} for c in seg.get("consensus", {}) | dict.fromkeys(
        ["shared_problem", "decision_roles_visible", "why_now", "procurement_early", "success_measured", "decision_package"])}
    doc["usps"], doc["deals"], doc["votes"], doc["notes"], doc["actions"] = [], [], [], [], []
    doc["workshop"]["id"] = "clean"
    assert analyze(doc).segment("midsize").findings == []
    from workshop.services import live
    from workshop.services.maps import import_document

    import_document(app.store, doc)
    me = live.join(app.store, app.store.workshop("clean").join_code, "Tester", "sales")
    at = app.open("insights", me=me)
    assert not at.exception
    assert any("No gaps found in this segment" in s.value for s in at.success)
    assert any("No points" in s.value for s in at.success)


def test_insights_note_adder_puts_a_note_on_a_finding(app):
    at = app.open("insights", "demo")
    at.selectbox(key="insights:note_about").set_value("o-budget")
    at.text_area(key="insights:note_text").input("Prepare a budget-cycle answer")
    at.button(key="FormSubmitter:insights:note-Post note").click().run()
    assert not at.exception
    notes = snapshot(app.store, app.me.workshop_id).doc.get("notes", [])
    assert any(n["text"] == "Prepare a budget-cycle answer" and n.get("about") == "o-budget" for n in notes)


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_insights_in_other_languages(app, lang):
    at = app.open("insights", "demo", lang=lang)
    assert not at.exception


def test_the_risk_shows_its_path_over_the_session_and_the_best_mends(app):
    """Issue 17: an hour of mapping should visibly move something."""
    me = app.workshop("demo")
    for i in range(3):
        app.store.add(me.workshop_id, "step", {"text": f"Another step {i}"}, parent="s1", actor=me.participant_id)
    at = app.open("insights", me=me)
    assert not at.exception
    assert "risk_path" in [str(c.key or "") for c in at.get("plotly_chart")]
    text = " ".join(m.value for m in at.markdown)
    assert "The three mends that would lower it most" in text
    assert sum(1 for m in at.markdown if m.value.startswith("**−")) == 3
