"""Tests of workshop.analysis: the contract's codes, their order, the risk and the messages."""

from __future__ import annotations

import ast
import copy
import json
import random
from pathlib import Path

import pytest

from workshop.analysis import CODES, RISK_TABLE, analyze, breakdown, risk
from workshop.analysis.context import short
from workshop.analysis.result import Finding
from workshop.i18n import LANGUAGES, t

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "workshop" / "data"
SPEC_COPY = ROOT / "tests" / "spec"
SPEC_EXAMPLES = ROOT.parent / "shared" / "spec" / "examples"
EXAMPLES = ("fleet-telematics.en", "kommun-bokning.sv")


# --- helpers ---------------------------------------------------------------------------


def base_map() -> dict:
    """A tiny map with no gap at all: every check passes on it."""
    return {
        "format": "kopkarta-map",
        "version": 1,
        "workshop": {"id": "w", "title": "Tiny", "language": "en"},
        "usps": [{"id": "u1", "text": "Fast", "motives": ["m1"]}],
        "segments": [
            {
                "id": "seg",
                "name": "Segment",
                "procurement": "informal",
                "stages": [
                    {
                        "id": "s1",
                        "name": "First",
                        "exit_criteria": ["Done"],
                        "buyer_enablement": ["Guide"],
                        "steps": [
                            {"id": "st1", "text": "Notice"},
                            {"id": "st2", "text": "Discuss", "behind_the_scenes": True},
                        ],
                    },
                    {
                        "id": "s2",
                        "name": "Second",
                        "exit_criteria": ["Signed"],
                        "buyer_enablement": ["Checklist"],
                        "steps": [{"id": "st3", "text": "Sign"}],
                    },
                ],
                "flows": [{"from": "st1", "to": "st2"}, {"from": "st2", "to": "st3"}],
                "roles": [
                    {
                        "id": "r1",
                        "name": "Boss",
                        "decision_roles": ["problem_owner", "budget_owner"],
                        "influence": 4,
                        "stance": 1,
                        "our_contact": "Anna",
                        "involvement": {"s1": "decides", "s2": "decides"},
                    },
                    {
                        "id": "r2",
                        "name": "Buyer",
                        "function": "procurement",
                        "decision_roles": ["procurement"],
                        "influence": 3,
                        "stance": 0,
                        "our_contact": "Lars",
                        "involvement": {"s1": "consulted", "s2": "approves"},
                    },
                ],
                "motives": [{"id": "m1", "text": "Save money", "importance": 5}],
                "objections": [{"id": "o1", "text": "Too dear", "responses": ["It pays back"]}],
                "consensus": {c: {"status": "yes"} for c in (
                    "shared_problem", "decision_roles_visible", "why_now",
                    "procurement_early", "success_measured", "decision_package",
                )},
            }
        ],
        "deals": [
            {
                "id": "d1",
                "name": "Acme",
                "segment": "seg",
                "stage": "s2",
                "next_internal_step": "Board meeting",
                "roles_engaged": ["r1", "r2"],
            }
        ],
    }


def seg(doc: dict, i: int = 0) -> dict:
    return doc["segments"][i]


def role(doc: dict, rid: str) -> dict:
    return next(r for s in doc["segments"] for r in s["roles"] if r["id"] == rid)


def stage(doc: dict, sid: str) -> dict:
    return next(st for s in doc["segments"] for st in s["stages"] if st["id"] == sid)


def hits(doc: dict, code: str) -> list[tuple[str, str | None]]:
    """(about, detail) of the findings of one code, in order."""
    return [(f.about, f.detail) for f in analyze(doc).all_findings() if f.code == code]


def codes(doc: dict) -> set[str]:
    return {f.code for f in analyze(doc).all_findings()}


def with_role(doc: dict, **fields) -> dict:
    seg(doc)["roles"].append(fields)
    return doc


def load(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


# --- one broken and one mended map per code ----------------------------------------------


def _no_exit(d):
    stage(d, "s1")["exit_criteria"] = []


def _add_stage(d, with_step: bool):
    st = {"id": "s3", "name": "Third", "exit_criteria": ["x"], "buyer_enablement": ["y"]}
    if with_step:
        st["steps"] = [{"id": "st4", "text": "Roll out"}]
        seg(d)["flows"].append({"from": "st3", "to": "st4"})
    seg(d)["stages"].append(st)
    role(d, "r1")["involvement"]["s3"] = "decides"


def _no_roles_in_s2(d):
    del role(d, "r1")["involvement"]["s2"]
    del role(d, "r2")["involvement"]["s2"]


def _cut_flow(d):
    seg(d)["flows"] = [{"from": "st1", "to": "st2"}]


def _orphan_step(d, connect: bool):
    stage(d, "s2")["steps"].append({"id": "st4", "text": "Side track"})
    seg(d)["flows"].append({"from": "st4", "to": "st3"})
    if connect:
        seg(d)["flows"].append({"from": "st2", "to": "st4"})


def _hidden(d, relations):
    with_role(d, id="r3", name="Adviser", influence=1, our_contact="Mia", involvement={"s1": "consulted"})
    with_role(d, id="r4", name="Owner", influence=5, our_contact="Eva", involvement={"s1": "informed"})
    seg(d)["relations"] = [{"from": "r3", "to": to, "kind": kind} for to, kind in relations]


def _extra_usp(d, motives):
    d["usps"].append({"id": "u2", "text": "Shiny", "motives": motives})


def _extra_motive(d, importance):
    seg(d)["motives"].append({"id": "m2", "text": "Calm", "importance": importance})


CASES = {
    # code: (break, mend, expected (about, detail) of the broken map)
    "stage_no_exit_criteria": (_no_exit, lambda d: None, [("s1", None)]),
    "stage_no_customer_steps": (
        lambda d: _add_stage(d, with_step=False),
        lambda d: _add_stage(d, with_step=True),
        [("s3", None)],
    ),
    "stage_no_roles": (_no_roles_in_s2, lambda d: None, [("s2", None)]),
    "dead_end": (_cut_flow, lambda d: None, [("st2", None)]),
    "unreachable_step": (
        lambda d: _orphan_step(d, connect=False),
        lambda d: _orphan_step(d, connect=True),
        [("st4", None)],
    ),
    "decision_role_missing": (
        lambda d: role(d, "r1").update(decision_roles=["budget_owner"]),
        lambda d: None,
        [("seg", "problem_owner")],
    ),
    "procurement_late": (
        lambda d: role(d, "r2").update(involvement={"s2": "approves"}),
        lambda d: None,
        [("seg", None)],
    ),
    "blocker_risk": (
        lambda d: role(d, "r1").update(stance=-1),
        lambda d: role(d, "r1").update(stance=0),
        [("r1", None)],
    ),
    "role_no_contact": (
        lambda d: with_role(d, id="r3", name="User", involvement={"s1": "informed"}),
        lambda d: with_role(d, id="r3", name="User", involvement={"s1": "informed"}, our_contact="Mia"),
        [("r3", None)],
    ),
    "single_threaded": (lambda d: role(d, "r2").pop("our_contact"), lambda d: None, [("seg", None)]),
    "role_not_involved": (
        lambda d: with_role(d, id="r3", name="User", influence=2),
        lambda d: with_role(d, id="r3", name="User", influence=2, involvement={"s2": "informed"}),
        [("r3", None)],
    ),
    "hidden_influencer": (
        lambda d: _hidden(d, [("r1", "influences"), ("r4", "influences")]),
        lambda d: _hidden(d, [("r1", "influences"), ("r4", "trusts")]),
        [("r3", None)],
    ),
    "objection_unanswered": (
        lambda d: seg(d)["objections"][0].update(responses=[]),
        lambda d: None,
        [("o1", None)],
    ),
    "usp_without_motive": (lambda d: _extra_usp(d, []), lambda d: _extra_usp(d, ["m1"]), [("u2", None)]),
    "motive_unaddressed": (
        lambda d: _extra_motive(d, 4),
        lambda d: (_extra_motive(d, 4), d["usps"][0]["motives"].append("m2")),
        [("m2", None)],
    ),
    "consensus_gap": (
        lambda d: seg(d)["consensus"].update(why_now={"status": "unknown"}, shared_problem={"status": "no"}),
        lambda d: seg(d)["consensus"].update(why_now={"status": "partly"}),
        [("seg", "shared_problem"), ("seg", "why_now")],
    ),
    "hidden_step_unsupported": (
        lambda d: stage(d, "s1").update(buyer_enablement=[]),
        lambda d: None,
        [("st2", None)],
    ),
    "deal_no_next_step": (lambda d: d["deals"][0].pop("next_internal_step"), lambda d: None, [("d1", None)]),
    "deal_roles_missing": (
        lambda d: d["deals"][0].update(roles_engaged=["r1"]),
        lambda d: None,
        [("d1", "r2")],
    ),
    # the deal plan (docs/spec/deal-plan.md): dates long past, so no day of a test run matters
    "plan_step_overdue": (
        lambda d: d["deals"][0].update(plan=[{"id": "p1", "stage": "s2", "kind": "customer", "text": "Sign", "due": "2001-01-31"}]),
        lambda d: d["deals"][0].update(plan=[{"id": "p1", "stage": "s2", "kind": "customer", "text": "Sign", "due": "2001-01-31", "status": "done"}]),
        [("p1", None)],
    ),
    "plan_milestone_unowned": (
        lambda d: d["deals"][0].update(plan=[{"id": "p1", "stage": "s2", "kind": "milestone", "text": "Signed"}]),
        lambda d: d["deals"][0].update(plan=[{"id": "p1", "stage": "s2", "kind": "milestone", "text": "Signed", "owner": "Kim"}]),
        [("p1", None)],
    ),
    "plan_customer_quiet": (
        lambda d: d["deals"][0].update(plan=[{"id": "p1", "stage": "s2", "kind": "customer", "text": "Sign", "owner": "Kim", "customer_changed": "2001-01-01T09:00:00Z"}]),
        lambda d: d["deals"][0].update(plan=[{"id": "p1", "stage": "s2", "kind": "customer", "text": "Sign", "owner": "Kim"}]),
        [("d1", None)],
    ),
}


def build(change) -> dict:
    doc = base_map()
    change(doc)
    return doc


def crafted_maps():
    for code, (brk, mend, _) in CASES.items():
        yield code, build(brk), build(mend)


# --- the examples ------------------------------------------------------------------------


def expected_findings(name: str) -> tuple[str, list[tuple]]:
    """The spec's findings file (the repository's copy in ``tests/spec``; it must equal the shared
    spec's file wherever that folder is mounted)."""
    raw = (SPEC_COPY / f"{name}.findings.json").read_text(encoding="utf-8")
    shared = SPEC_EXAMPLES / f"{name}.findings.json"
    if shared.exists():
        assert json.loads(raw) == json.loads(shared.read_text(encoding="utf-8")), "tests/spec is stale"
    data = json.loads(raw)
    return data["workshop"], [(f["code"], f["segment"], f["about"], f["detail"]) for f in data["findings"]]


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_yield_exactly_their_findings(name):
    workshop, want = expected_findings(name)
    analysis = analyze(load(name))
    assert analysis.workshop == workshop
    assert [f.key() for f in analysis.all_findings()] == want


@pytest.mark.parametrize("name", EXAMPLES)
def test_bundled_examples_are_the_spec_examples(name):
    if not (SPEC_EXAMPLES / f"{name}.json").exists():
        pytest.skip("shared spec folder not mounted")
    assert load(name) == json.loads((SPEC_EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def test_machine_shape():
    out = analyze(load("kommun-bokning.sv")).to_dict()
    assert set(out) == {"workshop", "segments"}
    assert [set(s) for s in out["segments"]] == [{"id", "risk", "findings"}]
    for f in out["segments"][0]["findings"]:
        assert set(f) == {"code", "segment", "about", "detail", "message"}
    json.dumps(out)  # serialisable as is


# --- each code: raised when broken, not when mended ----------------------------------------


def test_the_base_map_is_clean():
    analysis = analyze(base_map())
    assert analysis.all_findings() == []
    assert [(s.id, s.risk, s.breakdown) for s in analysis.segments] == [("seg", 0, [])]


def test_every_code_has_a_case():
    assert set(CASES) == set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_code_raised_when_broken(code):
    brk, _, expected = CASES[code]
    assert hits(build(brk), code) == expected


@pytest.mark.parametrize("code", CODES)
def test_code_not_raised_when_mended(code):
    _, mend, _ = CASES[code]
    assert code not in codes(build(mend))


# --- rules of single codes -----------------------------------------------------------------


def test_no_flows_means_no_dead_end_or_unreachable_step():
    doc = build(lambda d: seg(d).pop("flows"))
    assert not {"dead_end", "unreachable_step"} & codes(doc)
    doc = build(lambda d: seg(d).update(flows=[]))
    assert not {"dead_end", "unreachable_step"} & codes(doc)


def test_first_stage_steps_are_never_unreachable_and_last_stage_steps_never_dead_ends():
    def change(d):
        stage(d, "s1")["steps"].insert(0, {"id": "st0", "text": "Alt start"})
        seg(d)["flows"].append({"from": "st0", "to": "st2"})

    doc = build(change)
    assert hits(doc, "unreachable_step") == []
    assert hits(doc, "dead_end") == []  # st3 has no way on but is in the last stage


def test_unreachable_follows_paths_across_loops():
    def change(d):
        seg(d)["flows"] = [
            {"from": "st1", "to": "st2"},
            {"from": "st2", "to": "st1", "kind": "loop"},
            {"from": "st3", "to": "st3", "kind": "loop"},
        ]

    doc = build(change)
    assert hits(doc, "unreachable_step") == [("st3", None)]
    assert hits(doc, "dead_end") == []  # st2 loops back to st1


def test_decision_roles_missing_in_order_and_procurement_only_when_bought_through_it():
    doc = build(lambda d: [r.pop("decision_roles") for r in seg(d)["roles"]])
    assert hits(doc, "decision_role_missing") == [
        ("seg", "problem_owner"),
        ("seg", "budget_owner"),
        ("seg", "procurement"),
    ]
    doc = build(lambda d: ([r.pop("decision_roles") for r in seg(d)["roles"]], seg(d).update(procurement="none")))
    assert hits(doc, "decision_role_missing") == [("seg", "problem_owner"), ("seg", "budget_owner")]


def test_procurement_default_is_informal():
    doc = build(lambda d: (seg(d).pop("procurement"), role(d, "r2")["decision_roles"].clear()))
    assert hits(doc, "decision_role_missing") == [("seg", "procurement")]


def test_procurement_late_rules():
    late = lambda d: role(d, "r2").update(involvement={"s2": "approves"})  # noqa: E731
    assert hits(build(late), "procurement_late") == [("seg", None)]
    # procurement "none": not judged
    assert hits(build(lambda d: (late(d), seg(d).update(procurement="none"))), "procurement_late") == []
    # fewer than two stages: not judged
    one = lambda d: (seg(d)["stages"].pop(), seg(d).update(flows=[]), d.pop("deals"))  # noqa: E731
    assert hits(build(lambda d: (late(d), one(d))), "procurement_late") == []
    # a role of function procurement (without the decision role) in the first half is enough
    def by_function(d):
        late(d)
        with_role(d, id="r3", name="Purchasing", function="procurement", influence=2, involvement={"s1": "consulted"})

    assert hits(build(by_function), "procurement_late") == []
    # and so is a role holding the decision role, whatever its function
    def by_role(d):
        late(d)
        with_role(d, id="r3", name="CFO", function="finance", decision_roles=["procurement"], influence=2,
                  involvement={"s1": "consulted"})

    assert hits(build(by_role), "procurement_late") == []
    # no procurement role at all: late
    assert hits(build(lambda d: role(d, "r2").update(decision_roles=[], function="other")), "procurement_late") == [
        ("seg", None)
    ]


def test_procurement_early_half_is_rounded_up():
    def three_stages(d, where):
        _add_stage(d, with_step=True)
        role(d, "r2")["involvement"] = {where: "approves"}

    assert hits(build(lambda d: three_stages(d, "s2")), "procurement_late") == []  # ceil(3/2) = 2
    assert hits(build(lambda d: three_stages(d, "s3")), "procurement_late") == [("seg", None)]


def test_blocker_needs_both_opposition_and_influence():
    assert hits(build(lambda d: role(d, "r1").update(stance=-2, influence=3)), "blocker_risk") == []
    assert hits(build(lambda d: role(d, "r1").update(stance=-2, influence=5)), "blocker_risk") == [("r1", None)]


def test_defaults_apply_influence_3_and_stance_0():
    # a role with no influence counts as 3: it needs a contact, and is no hidden influencer
    doc = build(lambda d: with_role(d, id="r3", name="User", involvement={"s1": "informed"}))
    assert hits(doc, "role_no_contact") == [("r3", None)]
    # an opponent-less role with influence 5 (stance defaults to 0) is no blocker
    doc = build(lambda d: with_role(d, id="r3", name="Big", influence=5, our_contact="x", involvement={"s1": "informed"}))
    assert hits(doc, "blocker_risk") == []

    def hidden_default(d):
        _hidden(d, [("r1", "influences"), ("r4", "influences")])
        role(d, "r3").pop("influence")

    assert hits(build(hidden_default), "hidden_influencer") == []
    # a target without influence counts as 3, below the bar of 4
    def weak_target(d):
        _hidden(d, [("r1", "influences"), ("r4", "influences")])
        role(d, "r4").pop("influence")

    assert hits(build(weak_target), "hidden_influencer") == []


def test_defaults_apply_to_motives_steps_and_consensus():
    assert hits(build(lambda d: _extra_motive(d, 3)), "motive_unaddressed") == []
    assert hits(build(lambda d: seg(d)["motives"].append({"id": "m2", "text": "Calm"})), "motive_unaddressed") == []
    # behind_the_scenes defaults to false
    assert hits(build(lambda d: stage(d, "s1").update(buyer_enablement=[])), "hidden_step_unsupported") == [
        ("st2", None)
    ]
    # an absent consensus object means every criterion is unknown
    doc = build(lambda d: seg(d).pop("consensus"))
    assert [detail for _, detail in hits(doc, "consensus_gap")] == [
        "shared_problem",
        "decision_roles_visible",
        "why_now",
        "procurement_early",
        "success_measured",
        "decision_package",
    ]
    # an absent criterion is unknown; "partly" and "yes" are no gap
    def partial(d):
        seg(d)["consensus"] = {"why_now": {"status": "partly"}, "success_measured": {"status": "no"}}

    assert [detail for _, detail in hits(build(partial), "consensus_gap")] == [
        "shared_problem",
        "decision_roles_visible",
        "procurement_early",
        "success_measured",
        "decision_package",
    ]


def test_hidden_influencer_counts_distinct_roles():
    doc = build(lambda d: _hidden(d, [("r1", "influences"), ("r1", "influences")]))
    assert hits(doc, "hidden_influencer") == []
    doc = build(lambda d: (_hidden(d, [("r1", "influences"), ("r4", "influences")]), role(d, "r3").update(influence=3)))
    assert hits(doc, "hidden_influencer") == []
    doc = build(lambda d: (_hidden(d, [("r1", "influences"), ("r4", "influences")]), role(d, "r3").update(influence=2)))
    assert hits(doc, "hidden_influencer") == [("r3", None)]


def test_objection_without_responses_field_is_unanswered():
    assert hits(build(lambda d: seg(d)["objections"][0].pop("responses")), "objection_unanswered") == [("o1", None)]


def two_segments(d):
    second = copy.deepcopy(seg(d))
    second["id"] = "seg2"
    second["name"] = "Other"
    for i, st in enumerate(second["stages"]):
        st["id"] = f"t{i + 1}"
        for step in st["steps"]:
            step["id"] = "x" + step["id"]
    second["flows"] = [{"from": "x" + f["from"], "to": "x" + f["to"]} for f in second["flows"]]
    for r in second["roles"]:
        r["id"] = "x" + r["id"]
        r["involvement"] = {"t" + k[1:]: v for k, v in r["involvement"].items()}
    second["motives"] = [{"id": "xm1", "text": "Save", "importance": 2}]
    second["objections"] = [{"id": "xo1", "text": "Hm", "responses": ["Ok"]}]
    d["segments"].append(second)


def test_usp_without_motive_goes_to_the_first_segment_once():
    doc = build(lambda d: (two_segments(d), _extra_usp(d, [])))
    found = [f.key() for f in analyze(doc).all_findings()]
    assert found == [("usp_without_motive", "seg", "u2", None)]


def test_motive_served_by_a_usp_in_any_segment():
    def change(d):
        two_segments(d)
        seg(d, 1)["motives"][0]["importance"] = 5
        d["usps"].append({"id": "u2", "text": "For them", "motives": ["xm1"]})

    assert codes(build(change)) == set()


def test_deal_findings_belong_to_the_deals_segment_and_every_segment_is_present():
    def change(d):
        two_segments(d)
        d["deals"].append({"id": "d2", "name": "Beta", "segment": "seg2", "stage": "t2", "roles_engaged": []})

    analysis = analyze(build(change))
    assert [s.id for s in analysis.segments] == ["seg", "seg2"]
    assert analysis.segment("seg").findings == []
    assert [f.key() for f in analysis.segment("seg2").findings] == [
        ("deal_no_next_step", "seg2", "d2", None),
        ("deal_roles_missing", "seg2", "d2", "xr1"),
        ("deal_roles_missing", "seg2", "d2", "xr2"),
    ]


def test_deal_roles_missing_rules():
    doc = build(lambda d: d["deals"][0].pop("roles_engaged"))
    assert hits(doc, "deal_roles_missing") == [("d1", "r1"), ("d1", "r2")]
    doc = build(lambda d: (d["deals"][0].pop("stage"), d["deals"][0].update(roles_engaged=[])))
    assert hits(doc, "deal_roles_missing") == []
    # only decides/approves count
    doc = build(lambda d: (role(d, "r2")["involvement"].update(s2="consulted"), d["deals"][0].update(roles_engaged=["r1"])))
    assert hits(doc, "deal_roles_missing") == []


def test_findings_follow_code_order_then_map_order():
    def change(d):
        _no_exit(d)
        stage(d, "s2")["exit_criteria"] = []
        seg(d)["objections"][0]["responses"] = []
        seg(d)["objections"].insert(0, {"id": "o0", "text": "First"})
        role(d, "r1")["stance"] = -2

    found = [(f.code, f.about) for f in analyze(build(change)).all_findings()]
    assert found == [
        ("stage_no_exit_criteria", "s1"),
        ("stage_no_exit_criteria", "s2"),
        ("blocker_risk", "r1"),
        ("objection_unanswered", "o0"),
        ("objection_unanswered", "o1"),
    ]


# --- risk ------------------------------------------------------------------------------------


def test_risk_table_is_the_agreed_one():
    assert tuple(RISK_TABLE) == CODES
    assert RISK_TABLE == {
        "stage_no_exit_criteria": (3, 9), "stage_no_customer_steps": (2, 6), "stage_no_roles": (3, 9),
        "dead_end": (2, 6), "unreachable_step": (2, 6), "decision_role_missing": (8, 16),
        "procurement_late": (6, 6), "blocker_risk": (8, 16), "role_no_contact": (3, 9),
        "single_threaded": (8, 8), "role_not_involved": (2, 6), "hidden_influencer": (4, 8),
        "objection_unanswered": (4, 12), "usp_without_motive": (1, 3), "motive_unaddressed": (4, 8),
        "consensus_gap": (5, 30), "hidden_step_unsupported": (3, 9), "deal_no_next_step": (4, 8),
        "deal_roles_missing": (4, 8),
        "plan_step_overdue": (2, 6), "plan_milestone_unowned": (2, 6), "plan_customer_quiet": (4, 8),
    }


def test_risk_zero_without_findings():
    assert risk([]) == 0
    assert breakdown([]) == []


def test_risk_within_bounds_and_capped():
    everything = [c for c in CODES for _ in range(10)]
    assert risk(everything) == 100
    for code, (points, cap) in RISK_TABLE.items():
        assert risk([code] * 50) == min(100, cap)
        assert risk([code]) == points
    rng = random.Random(7)
    for _ in range(200):
        sample = [rng.choice(CODES) for _ in range(rng.randint(0, 40))]
        assert 0 <= risk(sample) <= 100


def example_segments():
    for name in EXAMPLES:
        for s in analyze(load(name)).segments:
            yield s


def test_risk_is_monotone_on_the_examples():
    for s in example_segments():
        full = risk(s.findings)
        assert full == s.risk
        for i in range(len(s.findings)):
            assert risk(s.findings[:i] + s.findings[i + 1:]) <= full
        for code in CODES:
            assert risk(s.findings + [code]) >= full


def test_risk_is_monotone_on_random_lists():
    rng = random.Random(11)
    for _ in range(200):
        sample = [rng.choice(CODES) for _ in range(rng.randint(1, 30))]
        full = risk(sample)
        drop = rng.randrange(len(sample))
        assert risk(sample[:drop] + sample[drop + 1:]) <= full


def test_risk_is_deterministic_and_order_free():
    for name in EXAMPLES:
        assert analyze(load(name)).to_dict() == analyze(load(name)).to_dict()
    for s in example_segments():
        shuffled = list(s.findings)
        random.Random(3).shuffle(shuffled)
        assert risk(shuffled) == s.risk
        assert breakdown(shuffled) == s.breakdown


def test_breakdown_explains_the_risk():
    for s in example_segments():
        assert s.risk < 100
        assert sum(line.points for line in s.breakdown) == s.risk
        assert sum(line.count for line in s.breakdown) == len(s.findings)
        assert [line.code for line in s.breakdown] == [c for c in CODES if any(f.code == c for f in s.findings)]


def test_risk_accepts_findings_or_codes():
    f = Finding("blocker_risk", "seg", "r1", None, "x")
    assert risk([f]) == risk(["blocker_risk"]) == 8


# --- messages ------------------------------------------------------------------------------


def test_language_defaults_to_the_workshops():
    sv = analyze(load("kommun-bokning.sv"))
    en = analyze(load("kommun-bokning.sv"), "en")
    assert [f.message for f in sv.all_findings()] != [f.message for f in en.all_findings()]
    assert sv.all_findings()[0].message == t("finding.procurement_late", "sv", name="Mellanstora kommuner")
    doc = build(_no_exit)
    doc["workshop"].pop("language")
    assert analyze(doc).all_findings()[0].message == analyze(doc, "en").all_findings()[0].message


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_finding_message_is_worded(lang):
    seen = set()
    docs = [doc for _, doc, _ in crafted_maps()] + [load(n) for n in EXAMPLES]
    for doc in docs:
        for f in analyze(doc, lang).all_findings():
            seen.add(f.code)
            assert f.message.strip()
            assert f.message != f"finding.{f.code}"
            assert "{" not in f.message and "}" not in f.message
    assert seen == set(CODES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_has_title_and_advice(lang):
    for code in CODES:
        for key in (f"finding.{code}.title", f"finding.{code}.advice"):
            assert t(key, lang).strip() and t(key, lang) != key


def test_detail_is_translated_in_messages():
    doc = build(lambda d: role(d, "r1").update(decision_roles=["budget_owner"]))
    for lang in LANGUAGES:
        msg = analyze(doc, lang).all_findings()[0].message
        assert t("decision_role.problem_owner", lang) in msg
        assert "problem_owner" not in msg


def test_long_texts_are_shortened():
    long_text = "word " * 60
    doc = build(lambda d: seg(d)["objections"][0].update(text=long_text, responses=[]))
    msg = analyze(doc).all_findings()[0].message
    assert "…" in msg
    assert len(short(long_text)) == 80
    assert short("a\n  b") == "a b"
    assert short("x" * 80) == "x" * 80


def test_html_in_texts_stays_plain_text():
    msg = analyze(load("kommun-bokning.sv")).segment("kommun").findings[3].message
    assert "<b>Vi har inte tid</b>" in msg  # escaping is the views' job


# --- purity ------------------------------------------------------------------------------------


def test_analysis_is_pure_python():
    forbidden = {"streamlit", "duckdb", "pyvis"}
    pkg = ROOT / "workshop" / "analysis"
    for path in pkg.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name


def test_the_best_mends_are_greedy_and_never_past_a_cap():
    """Issue 17: the three mends that lower the risk most, each with its points."""
    from workshop.analysis.result import Finding
    from workshop.analysis.risk import best_mends, risk

    def f(code, about):
        return Finding(code, "seg", about, {}, "")

    found = [f("objection_unanswered", f"o{i}") for i in range(3)] + [f("single_threaded", "seg"), f("usp_without_motive", "u1")]
    mends = best_mends(found)
    assert [(m.code, points) for m, points in mends] == [("single_threaded", 8), ("objection_unanswered", 4), ("objection_unanswered", 4)]
    left = [x for x in found if x not in [m for m, _ in mends]]
    assert risk(found) - risk(left) == 16
    over = [f("objection_unanswered", f"o{i}") for i in range(4)]  # 16 points capped at 12: one mend alone takes nothing off
    assert best_mends(over) == []
    capped = [f("consensus_gap", f"c{i}") for i in range(8)]  # 8 × 5 = 40, capped at 30
    assert best_mends(capped) == []  # mending one of them alone takes nothing off: never proposed


def test_a_map_with_only_drawing_gaps_says_so():
    from workshop.analysis.result import Finding
    from workshop.analysis.risk import drawing_only

    assert drawing_only([Finding("dead_end", "s", "st1", {}, ""), Finding("unreachable_step", "s", "st2", {}, "")])
    assert not drawing_only([Finding("dead_end", "s", "st1", {}, ""), Finding("single_threaded", "s", "s", {}, "")])
    assert not drawing_only([])
