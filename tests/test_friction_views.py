"""Pure helpers of the friction, consensus, deals and actions pages: grouping, tallies, the
deal and action checks, badges and the no-decision chart."""

from __future__ import annotations

import datetime as dt

import pytest

from workshop.analysis import analyze
from workshop.analysis import followup as fu
from workshop.analysis.friction import (
    CAUSES,
    CauseLine,
    by_stage,
    cause_summary,
    consensus_rows,
    consensus_score,
    consensus_tally,
    consensus_verdict,
    criterion_evidence,
    filter_objections,
    quiet_stages,
    top_cause,
    unanswered,
)
from workshop.render.friction_charts import cause_chart
from workshop.render.tables import SEVERITY_COLOURS, severity_badge, severity_colour, share_bar, status_badge


@pytest.fixture
def seg(fleet):
    return fleet["segments"][0]


# -- friction ----------------------------------------------------------------------------------
def test_by_stage_keeps_stage_order_and_puts_loose_objections_last(seg):
    objections = seg["objections"] + [{"id": "o-x", "text": "x"}, {"id": "o-y", "text": "y", "stage": "gone"}]
    groups = by_stage(seg, objections)
    assert [g.stage["id"] if g.stage else None for g in groups] == ["s1", "s3", "s4", None]
    assert [o["id"] for o in groups[-1].objections] == ["o-x", "o-y"]


def test_by_stage_of_nothing_is_empty():
    assert by_stage({"stages": []}, []) == []


def test_filter_by_role_and_unanswered(seg):
    assert [o["id"] for o in filter_objections(seg["objections"], role="r-cfo")] == ["o-budget"]
    assert [o["id"] for o in filter_objections(seg["objections"], unanswered=True)] == ["o-budget", "o-owner"]
    assert filter_objections(seg["objections"], role="r-union", unanswered=True) == []


def test_quiet_stages(seg):
    assert [s["id"] for s in quiet_stages(seg)] == ["s2", "s5", "s6"]


def test_cause_summary_uses_default_severity_and_lists_every_cause():
    objections = [
        {"id": "a", "text": "a", "no_decision_cause": "budget"},  # severity defaults to 3
        {"id": "b", "text": "b", "no_decision_cause": "budget", "severity": 5},
        {"id": "c", "text": "c", "no_decision_cause": "none", "severity": 5},
        {"id": "d", "text": "d"},
    ]
    lines = cause_summary(objections)
    assert [line.cause for line in lines] == list(CAUSES) and "none" not in CAUSES
    assert {line.cause: (line.count, line.severity) for line in lines}["budget"] == (2, 8)
    assert sum(line.count for line in lines) == 2


def test_top_cause_by_severity_then_count():
    assert top_cause(cause_summary([])) is None
    lines = [CauseLine("budget", 1, 5), CauseLine("no_priority", 3, 5), CauseLine("fear_of_change", 1, 4)]
    assert top_cause(lines).cause == "no_priority"


def test_unanswered_comes_from_the_analysis(fleet):
    findings = analyze(fleet, "en").segment("midsize").findings
    assert unanswered(findings) == {"o-budget", "o-owner"}


# -- consensus ---------------------------------------------------------------------------------
def test_consensus_rows_and_tally(seg):
    rows = consensus_rows(seg)
    assert [r.name for r in rows][:2] == ["shared_problem", "decision_roles_visible"]
    assert rows[0].note == "Fleet and finance describe the cost differently" and rows[0].present
    tally = consensus_tally(rows)
    assert tally == {"yes": 2, "partly": 2, "no": 1, "unknown": 1}
    assert consensus_score(tally) == pytest.approx(0.5)
    assert consensus_verdict(tally) == "fragile"


def test_absent_criteria_are_unknown():
    rows = consensus_rows({"id": "s", "name": "s", "stages": [], "consensus": {"why_now": {"status": "yes"}}})
    assert [(r.name, r.status, r.present) for r in rows if r.name in ("why_now", "shared_problem")] == [
        ("shared_problem", "unknown", False),
        ("why_now", "yes", True),
    ]
    assert consensus_verdict(consensus_tally(rows)) == "unknown"


@pytest.mark.parametrize(
    "tally, verdict",
    [
        ({"yes": 6, "partly": 0, "no": 0, "unknown": 0}, "strong"),
        ({"yes": 4, "partly": 2, "no": 0, "unknown": 0}, "strong"),
        ({"yes": 1, "partly": 1, "no": 3, "unknown": 1}, "weak"),
        ({"yes": 0, "partly": 0, "no": 0, "unknown": 6}, "unknown"),
        ({}, "unknown"),
    ],
)
def test_verdict(tally, verdict):
    assert consensus_verdict(tally) == verdict


def test_criterion_evidence(fleet):
    evidence = criterion_evidence(analyze(fleet, "en").segment("midsize").findings)
    assert [f.code for f in evidence["procurement_early"]] == ["procurement_late"]
    assert evidence["shared_problem"] == []


# -- deals -------------------------------------------------------------------------------------
def test_deals_by_stage_shows_every_stage_and_unplaced_deals(fleet, seg):
    deals = fu.segment_deals(fleet, "midsize") + [{"id": "d-2", "name": "New", "segment": "midsize"}]
    rows = fu.deals_by_stage(seg, deals)
    assert [r.stage["id"] if r.stage else None for r in rows] == ["s1", "s2", "s3", "s4", "s5", "s6", None]
    assert [d["id"] for d in rows[2].deals] == ["d-nordfrakt"]
    assert [d["id"] for d in rows[-1].deals] == ["d-2"]
    assert [r.stage for r in fu.deals_by_stage(seg, [])][-1]["id"] == "s6"  # no empty "no stage" row


def test_deal_health(fleet, seg):
    findings = analyze(fleet, "en").segment("midsize").findings
    h = fu.deal_health(seg, fleet["deals"][0], findings)
    assert not h.no_next_step and not h.healthy
    assert h.missing == [fu.MissingRole("r-cfo", "CFO", "approves")]
    fleet["deals"][0].pop("next_internal_step")
    fleet["deals"][0]["roles_engaged"].append("r-cfo")
    h = fu.deal_health(seg, fleet["deals"][0], analyze(fleet, "en").segment("midsize").findings)
    assert h.no_next_step and h.missing == []
    assert fu.deals_tally([h]) == {"deals": 1, "no_next_step": 1, "roles_missing": 0}


def test_deciding_roles(seg):
    assert [r["id"] for r in fu.deciding_roles(seg, "s5")] == ["r-it", "r-proc", "r-legal"]
    assert fu.deciding_roles(seg, None) == []


# -- actions -----------------------------------------------------------------------------------
def test_segment_actions_leave_out_other_segments(fleet):
    fleet["segments"].append({"id": "other", "name": "Other", "stages": [{"id": "x1", "name": "X"}]})
    fleet["actions"] += [
        {"id": "a-other", "text": "t", "about": "x1"},
        {"id": "a-usp", "text": "t", "about": fleet["usps"][0]["id"]},
        {"id": "a-free", "text": "t"},
    ]
    assert [a["id"] for a in fu.segment_actions(fleet, "midsize")] == ["a-selfcheck", "a-cfo", "a-usp", "a-free"]
    assert [a["id"] for a in fu.segment_actions(fleet, "other")] == ["a-other", "a-usp", "a-free"]


def test_about_choices_cover_the_segment_and_usps(fleet):
    choices = dict(fu.about_choices(fleet, "midsize"))
    assert choices["s1"] == "stage" and choices["st1"] == "step" and choices["r-cfo"] == "role"
    assert choices["o-budget"] == "objection" and choices["d-nordfrakt"] == "deal"
    assert choices[fleet["usps"][0]["id"]] == "usp"
    assert set(choices.values()) == {"stage", "step", "role", "motive", "objection", "deal", "usp"}


def test_by_kind_status_and_overdue():
    today = dt.date(2026, 6, 1)
    actions = [
        {"id": "a", "text": "a", "kind": "research", "due": "2026-05-01"},
        {"id": "b", "text": "b", "due": "2026-05-01", "status": "done"},
        {"id": "c", "text": "c", "kind": "buyer_enablement", "status": "doing", "due": "2026-07-01"},
    ]
    assert [(k, [a["id"] for a in items]) for k, items in fu.by_kind(actions)] == [
        ("buyer_enablement", ["c"]),
        ("research", ["a"]),
        ("other", ["b"]),
    ]
    assert fu.actions_tally(actions, today) == {"open": 1, "doing": 1, "done": 1, "overdue": 1}
    assert not fu.is_overdue({"id": "x", "text": "x", "due": "not a date"}, today)


def test_suggestions_skip_gaps_already_covered(fleet):
    findings = analyze(fleet, "en").segment("midsize").findings
    ideas = fu.suggestions(findings, fleet["actions"], limit=50)
    keys = {(i.code, i.about) for i in ideas}
    assert ("objection_unanswered", "o-budget") in keys
    assert ("deal_roles_missing", "d-nordfrakt") not in keys  # a deal activity about the deal exists
    assert {i.kind for i in ideas if i.code == "objection_unanswered"} == {"sales_enablement"}
    taken = fleet["actions"] + [{"id": "n", "text": "n", "kind": "sales_enablement", "about": "o-budget"}]
    assert ("objection_unanswered", "o-budget") not in {(i.code, i.about) for i in fu.suggestions(findings, taken, limit=50)}
    assert len(fu.suggestions(findings, [], limit=2)) == 2


# -- render ------------------------------------------------------------------------------------
def test_severity_badge_light_to_dark():
    colours = [SEVERITY_COLOURS[i][0] for i in range(1, 6)]
    assert len(set(colours)) == 5
    assert severity_colour(0) == colours[0] and severity_colour(9) == colours[4]
    badge = severity_badge(4, 'Severity "<x>"')
    assert "●●●●○" in badge and colours[3] in badge and "&quot;&lt;x&gt;&quot;" in badge


def test_badges_escape_labels():
    assert "&lt;script&gt;" in status_badge("yes", "<script>")
    bar = share_bar([("yes", 2, "<b>"), ("no", 0, "No")])
    assert "&lt;b&gt;" in bar and "flex:2" in bar and "flex:0" not in bar


def test_cause_chart():
    lines = cause_summary([{"id": "a", "text": "a", "no_decision_cause": "budget", "severity": 5}])
    fig = cause_chart(lines, lambda c: f"<{c}>", lambda line: f"{line.count}", "axis")
    bar = fig.data[0]
    assert list(bar.y) == [f"<{c}>" for c in CAUSES]
    assert list(bar.x) == [0, 5, 0, 0, 0]
    assert bar.marker.color[1] == SEVERITY_COLOURS[5][0]


def test_an_unset_severity_is_shown_as_unset_not_as_three():
    """Issue 17: an objection nobody rated showed "3/5" as if judged."""
    badge = severity_badge(None, "Severity", "not rated")
    assert "not rated" in badge and "/5" not in badge and "●" not in badge
    assert "3/5" in severity_badge(3, "Severity")


def test_the_friction_page_shows_an_unrated_objection_as_unrated(app):
    me = app.workshop("demo")
    app.store.add(me.workshop_id, "objection", {"id": "o-new", "text": "Unions may object"}, parent="midsize")
    at = app.open("friction", me=me)
    assert not at.exception
    pills = [m.value for m in at.markdown if "not rated" in m.value]
    assert len(pills) == 1
