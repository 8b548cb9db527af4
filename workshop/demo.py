"""The one source of demo and seed data: the bundled example workshops and synthetic maps.

The ``demo`` command, the tests, the browser tests' server and the benchmarks all take their
data from here, so they exercise the same maps (like Datasette's ``fixtures.py``).
"""

from __future__ import annotations

import json
import random
from importlib import resources
from typing import Any

#: bundled example maps (copies of ``shared/spec/examples``), by name
EXAMPLES = {
    "fleet": "fleet-telematics.en.json",
    "kommun": "kommun-bokning.sv.json",
}
DEMO = "fleet"


def example(name: str = DEMO) -> dict[str, Any]:
    """A bundled example map as a fresh document."""
    text = resources.files("workshop").joinpath("data", EXAMPLES[name]).read_text(encoding="utf-8")
    return json.loads(text)


def example_bytes(name: str = DEMO) -> bytes:
    return resources.files("workshop").joinpath("data", EXAMPLES[name]).read_bytes()


def synthetic_map(
    *,
    workshop_id: str = "synthetic",
    segments: int = 4,
    stages: int = 12,
    steps: int = 10,
    roles: int = 40,
    motives: int = 25,
    objections: int = 50,
    votes: int = 1500,
    deals: int = 60,
    participants: int = 30,
    seed: int = 7,
) -> dict[str, Any]:
    """A valid map of the given size (defaults: the benchmarks' "large map"), deterministic by seed.

    Per segment: ``stages`` × ``steps`` steps, ``roles`` roles, ``motives`` motives and
    ``objections`` objections; across the workshop: ``votes`` votes and ``deals`` deals.
    """
    rnd = random.Random(seed)
    people = [
        {"id": f"p{i}", "name": f"Participant {i}", "function": rnd.choice(["sales", "product", "marketing", "management"])}
        for i in range(participants)
    ]
    segs, all_motives, addressable = [], [], []
    for g in range(segments):
        sid = f"g{g}"
        role_ids = [f"g{g}r{r}" for r in range(roles)]
        stage_list = []
        step_ids: list[str] = []
        for s in range(stages):
            st_id = f"g{g}s{s}"
            stage_steps = []
            for k in range(steps):
                step_id = f"{st_id}t{k}"
                step_ids.append(step_id)
                stage_steps.append(
                    {
                        "id": step_id,
                        "text": f"Customer step {k + 1} of stage {s + 1}",
                        "kind": rnd.choice(["action", "meeting", "decision", "approval", "document", "evaluation"]),
                        "owner": rnd.choice(role_ids),
                        "behind_the_scenes": rnd.random() < 0.3,
                    }
                )
            stage = {
                "id": st_id,
                "name": f"Stage {s + 1}",
                "customer_goal": f"What the customer wants from stage {s + 1}",
                "steps": stage_steps,
                "seller_stage": f"Seller stage {s + 1}",
                "seller_activities": ["Share a relevant case", "Ask the stage's questions"],
                "questions": [f"How will you know stage {s + 1} is done?"],
            }
            if rnd.random() < 0.85:
                stage["exit_criteria"] = [f"Evidence {s + 1}a", f"Evidence {s + 1}b"]
            if rnd.random() < 0.7:
                stage["buyer_enablement"] = ["Checklist", "Template"]
            stage_list.append(stage)
        flows = [{"from": a, "to": b} for a, b in zip(step_ids, step_ids[1:])]
        for _ in range(stages):
            a, b = sorted(rnd.sample(range(len(step_ids)), 2))
            flows.append({"from": step_ids[b], "to": step_ids[a], "kind": "loop", "label": "Back for more evidence"})
        stage_ids = [st["id"] for st in stage_list]
        role_list = []
        for r, rid in enumerate(role_ids):
            role = {
                "id": rid,
                "name": f"Role {r + 1}",
                "function": rnd.choice(["executive", "finance", "it", "security", "legal", "procurement", "operations", "user", "other"]),
                "decision_roles": rnd.sample(
                    ["problem_owner", "budget_owner", "approver", "technical_approver", "legal", "procurement", "user", "champion", "influencer", "blocker"],
                    rnd.randint(0, 2),
                ),
                "influence": rnd.randint(1, 5),
                "stance": rnd.randint(-2, 2),
                "involvement": {
                    st: rnd.choice(["decides", "approves", "influences", "consulted", "informed"])
                    for st in rnd.sample(stage_ids, rnd.randint(0, 4))
                },
            }
            if rnd.random() < 0.5:
                role["our_contact"] = rnd.choice(["Anna", "Lars", "Mia"])
            role_list.append(role)
        relations = []
        for _ in range(roles + roles // 2):
            a, b = rnd.sample(role_ids, 2)
            relations.append({"from": a, "to": b, "kind": rnd.choice(["reports_to", "influences", "trusts", "conflicts"])})
        motive_list = [
            {
                "id": f"g{g}m{m}",
                "text": f"Buying motive {m + 1}",
                "kind": rnd.choice(["business", "personal", "risk"]),
                "roles": rnd.sample(role_ids, rnd.randint(1, 3)),
                "importance": rnd.randint(1, 5),
            }
            for m in range(motives)
        ]
        all_motives.extend(m["id"] for m in motive_list)
        objection_list = []
        for o in range(objections):
            obj = {
                "id": f"g{g}o{o}",
                "text": f"Objection {o + 1}",
                "kind": rnd.choice(["substance", "risk", "mandate"]),
                "stage": rnd.choice(stage_ids),
                "roles": rnd.sample(role_ids, rnd.randint(0, 2)),
                "no_decision_cause": rnd.choice(["none", "unclear_ownership", "budget", "fear_of_change", "no_agreement", "no_priority"]),
                "severity": rnd.randint(1, 5),
            }
            if rnd.random() < 0.6:
                obj["responses"] = ["A prepared answer"]
            objection_list.append(obj)
        criteria = ["shared_problem", "decision_roles_visible", "why_now", "procurement_early", "success_measured", "decision_package"]
        segs.append(
            {
                "id": sid,
                "name": f"Segment {g + 1}",
                "procurement": rnd.choice(["none", "informal", "procurement_function", "formal_tender"]),
                "why_now": "New regulation",
                "stages": stage_list,
                "flows": flows,
                "roles": role_list,
                "relations": relations,
                "motives": motive_list,
                "objections": objection_list,
                "consensus": {c: {"status": rnd.choice(["yes", "partly", "no", "unknown"])} for c in criteria},
            }
        )
        addressable.extend(step_ids + role_ids + [m["id"] for m in motive_list] + [o["id"] for o in objection_list])
    usps = [
        {"id": f"u{u}", "text": f"Unique selling point {u + 1}", "motives": rnd.sample(all_motives, rnd.randint(0, 3))}
        for u in range(15)
    ]
    deal_list = []
    for d in range(deals):
        seg = segs[d % segments]
        deal = {
            "id": f"d{d}",
            "name": f"Deal {d + 1}",
            "segment": seg["id"],
            "stage": rnd.choice(seg["stages"])["id"],
            "roles_engaged": rnd.sample([r["id"] for r in seg["roles"]], 3),
        }
        if rnd.random() < 0.7:
            deal["next_internal_step"] = "The steering group meets"
        deal_list.append(deal)
    return {
        "format": "kopkarta-map",
        "version": 1,
        "workshop": {"id": workshop_id, "title": "Synthetic large map", "language": "en"},
        "participants": people,
        "usps": usps,
        "segments": segs,
        "notes": [
            {"id": f"n{i}", "text": f"Note {i}", "author": rnd.choice(people)["id"], "about": rnd.choice(addressable)}
            for i in range(100)
        ],
        "votes": [
            {"participant": rnd.choice(people)["id"], "about": rnd.choice(addressable), "round": 1 + i % 3, "dots": rnd.randint(1, 3)}
            for i in range(votes)
        ],
        "deals": deal_list,
        "actions": [
            {"id": f"a{i}", "text": f"Action {i}", "kind": "sales_enablement", "about": rnd.choice(addressable), "status": "open"}
            for i in range(40)
        ],
    }


#: texts that try to run as HTML or script; every view and export must show them literally
HOSTILE_TEXTS = (
    "<script>window.__kopkarta_xss=1</script>",
    "<img src=x onerror=\"window.__kopkarta_xss=2\">",
    "</script><script>window.__kopkarta_xss=3</script>",
    "[click me](javascript:window.__kopkarta_xss=4) ![img](x)",
    "\"><svg onload=window.__kopkarta_xss=5>",
    "**bold** _it_ `code` # heading",
    "Köp åäö ÆØÅ 🚚 \u200fשלום\u200e",
)

_TEXT_FIELDS = {
    "title", "question", "offering", "name", "text", "description", "why_now", "customer_goal", "seller_stage",
    "personal_risk", "success_measure", "our_contact", "label", "next_internal_step", "notes", "note", "owner_name",
}
_LIST_FIELDS = {"exit_criteria", "must_be_true", "seller_activities", "buyer_enablement", "questions", "responses"}


def hostile_map(workshop_id: str = "hostile") -> dict[str, Any]:
    """The fleet example with every user text replaced by one of :data:`HOSTILE_TEXTS`.

    Each text keeps a short unique prefix (``#3 ``) so a test can find it on the page.
    """
    doc = example("fleet")
    counter = iter(range(10_000))

    def hostile() -> str:
        n = next(counter)
        return f"#{n} {HOSTILE_TEXTS[n % len(HOSTILE_TEXTS)]}"

    def walk(node: Any, key: str | None = None) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            if key in _LIST_FIELDS:
                return [hostile() for _ in node]
            return [walk(v) for v in node]
        if isinstance(node, str) and key in _TEXT_FIELDS:
            return hostile()[:200] if key in ("title", "name", "label", "seller_stage", "our_contact", "offering") else hostile()
        return node

    doc = walk(doc)
    doc["workshop"]["id"] = workshop_id
    doc["workshop"]["language"] = "en"
    return doc


def biggest_map(workshop_id: str = "biggest", *, segments: int | None = None) -> dict[str, Any]:
    """The biggest map the limits allow (:mod:`workshop.model.limits`): every limit reached.

    Every count limit is reached (segments, and in each segment its stages, steps, flows,
    roles, relations, motives and objections; USPs, notes, votes, deals and actions; the
    participants but one, so its creator can join it), and each limit on an element's own lists is reached by at least one element (the
    first stage's lists of texts, the first motive's roles, ...). Texts are short, so the file
    stays under the 10 MB limit. ``segments``: fewer segments, each still at its limits (the
    tests' smaller variant). Deterministic.
    """
    from .model import limits as L

    n_segments = L.SEGMENTS.limit if segments is None else segments
    n_stages, n_steps, n_roles = L.STAGES.limit, L.STEPS.limit, L.ROLES.limit
    segs, all_motives, addressable = [], [], []
    for g in range(n_segments):
        roles = [f"g{g}r{r}" for r in range(n_roles)]
        stage_ids = [f"g{g}s{s}" for s in range(n_stages)]
        step_ids = [f"g{g}t{k}" for k in range(n_steps)]
        per_stage = -(-n_steps // n_stages)  # the steps spread over the stages, in order
        stages = [
            {
                "id": sid,
                "name": f"Stage {s + 1}",
                "steps": [
                    {"id": tid, "text": f"Step {k + 1}", "owner": roles[k % n_roles]}
                    for k, tid in enumerate(step_ids[s * per_stage : (s + 1) * per_stage], start=s * per_stage)
                ],
                "exit_criteria": [f"Evidence {s + 1}"],
            }
            for s, sid in enumerate(stage_ids)
        ]
        for key in ("exit_criteria", "must_be_true", "seller_activities", "buyer_enablement", "questions"):
            stages[0][key] = [f"{key} {i + 1}" for i in range(L.TEXTS.limit)]
        flows = [{"from": a, "to": b} for a, b in zip(step_ids, step_ids[1:])]
        flows += [
            {"from": step_ids[(i * 7 + 5) % n_steps], "to": step_ids[(i * 3) % n_steps], "kind": "loop"}
            for i in range(L.FLOWS.limit - len(flows))
        ]
        role_list = [{"id": rid, "name": f"Role {r + 1}", "influence": 1 + r % 5, "stance": r % 5 - 2} for r, rid in enumerate(roles)]
        role_list[0]["involvement"] = {sid: "decides" for sid in stage_ids[: L.INVOLVEMENT.limit]}
        relations = [
            {"from": roles[i % n_roles], "to": roles[(i * 13 + 1 + i // n_roles) % n_roles], "kind": "influences"}
            for i in range(L.RELATIONS.limit)
        ]
        relations = [r for r in relations if r["from"] != r["to"]]
        relations += [{"from": roles[0], "to": roles[1], "kind": "trusts"}] * (L.RELATIONS.limit - len(relations))
        motives = [{"id": f"g{g}m{m}", "text": f"Motive {m + 1}", "roles": [roles[m % n_roles]]} for m in range(L.MOTIVES.limit)]
        motives[0]["roles"] = roles[: L.IDS.limit]
        objections = [
            {"id": f"g{g}o{o}", "text": f"Objection {o + 1}", "stage": stage_ids[o % n_stages]} for o in range(L.OBJECTIONS.limit)
        ]
        objections[0]["responses"] = [f"Answer {i + 1}" for i in range(L.TEXTS.limit)]
        objections[0]["roles"] = roles[: L.IDS.limit]
        segs.append({
            "id": f"g{g}", "name": f"Segment {g + 1}", "stages": stages, "flows": flows, "roles": role_list,
            "relations": relations, "motives": motives, "objections": objections,
        })
        all_motives.extend(m["id"] for m in motives)
        addressable.extend(step_ids[:: max(1, n_steps // 100)])
    # all but one: whoever creates the workshop from the file, or opens it, joins it as the last
    people = [{"id": f"p{i}", "name": f"Participant {i + 1}"} for i in range(L.PARTICIPANTS.limit - 1)]
    usps = [{"id": f"u{u}", "text": f"USP {u + 1}", "motives": [all_motives[u % len(all_motives)]]} for u in range(L.USPS.limit)]
    usps[0]["motives"] = all_motives[: L.IDS.limit]
    deals = [
        {"id": f"d{d}", "name": f"Deal {d + 1}", "segment": segs[d % n_segments]["id"], "stage": segs[d % n_segments]["stages"][d % n_stages]["id"]}
        for d in range(L.DEALS.limit)
    ]
    deals[0]["roles_engaged"] = [r["id"] for r in segs[0]["roles"][: L.IDS.limit]]
    return {
        "format": "kopkarta-map",
        "version": 1,
        "workshop": {"id": workshop_id, "title": "The biggest legal map", "language": "en"},
        "participants": people,
        "usps": usps,
        "segments": segs,
        "notes": [{"id": f"n{i}", "text": f"Note {i + 1}", "about": addressable[i % len(addressable)]} for i in range(L.NOTES.limit)],
        "votes": [
            {"participant": people[i % len(people)]["id"], "about": addressable[i % len(addressable)], "dots": 1}
            for i in range(L.VOTES.limit)
        ],
        "deals": deals,
        "actions": [{"id": f"a{i}", "text": f"Action {i + 1}"} for i in range(L.ACTIONS.limit)],
    }
