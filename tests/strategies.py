"""Hypothesis strategies for valid map documents (schema and rules 1-2 of ``map-format.md``).

``maps()`` draws small but varied maps: optional fields sometimes absent, child lists absent,
empty or filled, references only to elements that exist, and texts with Nordic letters,
emoji, right-to-left marks and HTML/script payloads (rule 4: text is text). Ids are a prefix
per kind plus a counter, so they are unique across the document by construction.

Profiles (choose with ``HYPOTHESIS_PROFILE``): ``dev`` (default, 50 examples, fast),
``ci`` (200) and ``thorough`` (1000).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("dev", max_examples=50, **_COMMON)
settings.register_profile("ci", max_examples=200, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "{{7*7}} ${7*7} '; DROP TABLE elements; --",
    "Köpkarta: åäö ÅÄÖ æøå ÆØÅ",
    "Beslut 🚚💶✅",
    "\u200fשלום\u200e mixed RTL",
    "line one\nline two\ttab",
    "a & b < c > d \" e ' f",
)

_ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs"),
) | st.sampled_from("åäöÅÄÖæøÆØ🚚😀\u200f\u200e<>&\"'")

#: free text: short, never empty (the schema's minLength 1)
texts = st.one_of(st.sampled_from(PAYLOADS), st.text(_ALPHABET, min_size=1, max_size=24))
#: a line (≤ 200 characters in the schema; kept short for speed)
lines = texts

_ID_TAIL = st.text("abcXYZ019.:-", min_size=0, max_size=6)
_OFFSETS = [dt.timezone.utc] + [dt.timezone(dt.timedelta(minutes=m)) for m in (-600, -330, 60, 120, 345, 840)]


def _date_time(draw: Callable[..., Any]) -> str:
    value = draw(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)))
    text = value.replace(tzinfo=draw(st.sampled_from(_OFFSETS))).isoformat()
    return text.replace("+00:00", "Z") if draw(st.booleans()) else text


class _Ids:
    """Unique ids: ``<kind prefix>-<counter>`` plus sometimes ``_<tail>``.

    The prefix is letters only and ends at the first ``-``; the counter ends at ``_`` or the
    end; so two different (prefix, counter) pairs can never give the same id.
    """

    def __init__(self, draw: Callable[..., Any]):
        self.draw = draw
        self.n = 0

    def __call__(self, prefix: str) -> str:
        self.n += 1
        tail = self.draw(_ID_TAIL)
        return f"{prefix}-{self.n}" + (f"_{tail}" if tail else "")


def _plan_line(draw: Callable[..., Any], new_id: Callable[[str], str], seg: dict[str, Any]) -> dict[str, Any]:
    """A line of a deal's plan (docs/spec/deal-plan.md): its stage, step and role from the deal's segment."""
    stage = draw(st.sampled_from(seg["stages"]))
    line = {"id": new_id("pla"), "stage": stage["id"], "kind": draw(st.sampled_from(["milestone", "customer", "ours"])),
            "text": draw(texts)}
    steps = [s["id"] for s in stage.get("steps", [])]
    if steps:
        _maybe(draw, line, "step", st.sampled_from(steps))
    roles = [r["id"] for r in seg.get("roles", [])]
    if roles:
        _maybe(draw, line, "role", st.sampled_from(roles))
    _maybe(draw, line, "owner", lines)
    _maybe(draw, line, "due", st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat))
    _maybe(draw, line, "status", st.sampled_from(["not_started", "under_way", "done", "stuck"]))
    _maybe(draw, line, "by_customer", st.booleans())
    if draw(st.booleans()):
        line["customer_changed"] = _date_time(draw)
    if draw(st.booleans()):
        line["comments"] = [{"text": draw(texts), "by": draw(lines), "at": _date_time(draw), "customer": draw(st.booleans())}]
    return line


def _maybe(draw: Callable[..., Any], out: dict[str, Any], key: str, strategy: st.SearchStrategy[Any]) -> None:
    """Sometimes set an optional field."""
    if draw(st.booleans()):
        out[key] = draw(strategy)


def _count(draw: Callable[..., Any], out: dict[str, Any], key: str, most: int) -> int:
    """How many children a list gets; the list is sometimes absent, sometimes empty."""
    shape = draw(st.sampled_from(("absent", "list")))
    if shape == "absent":
        return 0
    out[key] = []
    return draw(st.integers(0, most))


def _subset(draw: Callable[..., Any], pool: list[str], most: int = 3) -> list[str]:
    if not pool:
        return []
    return draw(st.lists(st.sampled_from(pool), unique=True, max_size=most))


def _texts_field(draw: Callable[..., Any], out: dict[str, Any], key: str) -> None:
    _maybe(draw, out, key, st.lists(texts, max_size=3))


def _segment(draw: Callable[..., Any], new_id: _Ids) -> dict[str, Any]:
    seg: dict[str, Any] = {"id": new_id("seg"), "name": draw(lines)}
    _maybe(draw, seg, "description", texts)
    _maybe(draw, seg, "procurement", st.sampled_from(["none", "informal", "procurement_function", "formal_tender"]))
    _maybe(draw, seg, "why_now", texts)
    stage_ids = [new_id("stg") for _ in range(draw(st.integers(0, 4)))]
    n_roles = draw(st.integers(0, 3))
    role_ids = [new_id("rol") for _ in range(n_roles)]
    seg["stages"] = [_stage(draw, new_id, sid, role_ids) for sid in stage_ids]
    step_ids = [st_["id"] for s in seg["stages"] for st_ in s.get("steps", [])]

    if step_ids:
        for _ in range(_count(draw, seg, "flows", 4)):
            flow = {"from": draw(st.sampled_from(step_ids)), "to": draw(st.sampled_from(step_ids))}
            _maybe(draw, flow, "kind", st.sampled_from(["next", "alternative", "loop", "plan_b"]))
            _maybe(draw, flow, "label", lines)
            seg["flows"].append(flow)
    elif draw(st.booleans()):
        seg["flows"] = []

    if role_ids:
        seg["roles"] = [_role(draw, rid, stage_ids) for rid in role_ids]
        for _ in range(_count(draw, seg, "relations", 3)):
            rel = {
                "from": draw(st.sampled_from(role_ids)),
                "to": draw(st.sampled_from(role_ids)),
                "kind": draw(st.sampled_from(["reports_to", "influences", "trusts", "conflicts"])),
            }
            _maybe(draw, rel, "label", lines)
            seg["relations"].append(rel)
    elif draw(st.booleans()):
        seg["roles"] = []

    for _ in range(_count(draw, seg, "motives", 3)):
        motive = {"id": new_id("mot"), "text": draw(texts)}
        _maybe(draw, motive, "kind", st.sampled_from(["business", "personal", "risk"]))
        if draw(st.booleans()):
            motive["roles"] = _subset(draw, role_ids)
        _maybe(draw, motive, "importance", st.integers(1, 5))
        seg["motives"].append(motive)

    for _ in range(_count(draw, seg, "objections", 3)):
        obj = {"id": new_id("obj"), "text": draw(texts)}
        _maybe(draw, obj, "kind", st.sampled_from(["substance", "risk", "mandate"]))
        if stage_ids:
            _maybe(draw, obj, "stage", st.sampled_from(stage_ids))
        if draw(st.booleans()):
            obj["roles"] = _subset(draw, role_ids)
        _maybe(
            draw,
            obj,
            "no_decision_cause",
            st.sampled_from(["none", "unclear_ownership", "budget", "fear_of_change", "no_agreement", "no_priority"]),
        )
        _maybe(draw, obj, "severity", st.integers(1, 5))
        _texts_field(draw, obj, "responses")
        seg["objections"].append(obj)

    if draw(st.booleans()):
        seg["consensus"] = {}
        for name in ("shared_problem", "decision_roles_visible", "why_now", "procurement_early",
                     "success_measured", "decision_package"):
            if draw(st.booleans()):
                status = {"status": draw(st.sampled_from(["yes", "partly", "no", "unknown"]))}
                _maybe(draw, status, "note", texts)
                seg["consensus"][name] = status
    return seg


def _stage(draw: Callable[..., Any], new_id: _Ids, sid: str, role_ids: list[str]) -> dict[str, Any]:
    stage: dict[str, Any] = {"id": sid, "name": draw(lines)}
    _maybe(draw, stage, "customer_goal", texts)
    for key in ("exit_criteria", "must_be_true"):
        _texts_field(draw, stage, key)
    _maybe(draw, stage, "seller_stage", lines)
    for key in ("seller_activities", "buyer_enablement", "questions"):
        _texts_field(draw, stage, key)
    for _ in range(_count(draw, stage, "steps", 3)):
        step = {"id": new_id("stp"), "text": draw(texts)}
        _maybe(draw, step, "kind", st.sampled_from(["action", "meeting", "decision", "approval", "document", "evaluation"]))
        if role_ids:
            _maybe(draw, step, "owner", st.sampled_from(role_ids))
        _maybe(draw, step, "behind_the_scenes", st.booleans())
        stage["steps"].append(step)
    return stage


_DECISION_ROLES = ["problem_owner", "budget_owner", "approver", "technical_approver", "legal", "procurement",
                   "user", "champion", "influencer", "blocker"]
_FUNCTIONS = ["executive", "finance", "it", "security", "legal", "procurement", "operations", "user", "other"]
_INVOLVEMENT = ["decides", "approves", "influences", "consulted", "informed"]


def _role(draw: Callable[..., Any], rid: str, stage_ids: list[str]) -> dict[str, Any]:
    role: dict[str, Any] = {"id": rid, "name": draw(lines)}
    _maybe(draw, role, "function", st.sampled_from(_FUNCTIONS))
    _maybe(draw, role, "decision_roles", st.lists(st.sampled_from(_DECISION_ROLES), unique=True, max_size=3))
    _maybe(draw, role, "influence", st.integers(1, 5))
    _maybe(draw, role, "stance", st.integers(-2, 2))
    _maybe(draw, role, "personal_risk", texts)
    _maybe(draw, role, "success_measure", texts)
    _maybe(draw, role, "our_contact", lines)
    if draw(st.booleans()):
        role["involvement"] = {s: draw(st.sampled_from(_INVOLVEMENT)) for s in _subset(draw, stage_ids, 4)}
    return role


@st.composite
def maps(draw: Callable[..., Any]) -> dict[str, Any]:
    """A valid version-1 map document, referential integrity included."""
    new_id = _Ids(draw)
    workshop: dict[str, Any] = {"id": new_id("ws"), "title": draw(lines)}
    _maybe(draw, workshop, "question", texts)
    _maybe(draw, workshop, "offering", lines)
    _maybe(draw, workshop, "language", st.sampled_from(["en", "sv", "nb"]))
    if draw(st.booleans()):
        workshop["created_at"] = _date_time(draw)
    doc: dict[str, Any] = {"format": "kopkarta-map", "version": 1, "workshop": workshop}

    for _ in range(_count(draw, doc, "participants", 3)):
        person = {"id": new_id("par"), "name": draw(lines)}
        _maybe(draw, person, "function",
               st.sampled_from(["sales", "product", "marketing", "management", "customer_success", "other"]))
        _maybe(draw, person, "country", lines)
        doc["participants"].append(person)
    people = [p["id"] for p in doc.get("participants", [])]

    usps = [{"id": new_id("usp"), "text": draw(texts)} for _ in range(_count(draw, doc, "usps", 2))]
    segments = [_segment(draw, new_id) for _ in range(draw(st.integers(1, 3)))]
    motives = [m["id"] for s in segments for m in s.get("motives", [])]
    for usp in usps:
        if draw(st.booleans()):
            usp["motives"] = _subset(draw, motives)
    if "usps" in doc:
        doc["usps"] = usps
    doc["segments"] = segments

    n_notes = _count(draw, doc, "notes", 3)
    note_ids = [new_id("not") for _ in range(n_notes)]
    has_votes = bool(people) and draw(st.booleans())
    if has_votes:
        doc["votes"] = []
    for _ in range(_count(draw, doc, "deals", 2)):
        seg = draw(st.sampled_from(segments))
        deal = {"id": new_id("dea"), "name": draw(lines), "segment": seg["id"]}
        stage_ids = [s["id"] for s in seg["stages"]]
        if stage_ids:
            _maybe(draw, deal, "stage", st.sampled_from(stage_ids))
        _maybe(draw, deal, "next_internal_step", texts)
        if draw(st.booleans()):
            deal["roles_engaged"] = _subset(draw, [r["id"] for r in seg.get("roles", [])])
        _maybe(draw, deal, "notes", texts)
        if stage_ids and draw(st.booleans()):
            deal["plan"] = [_plan_line(draw, new_id, seg) for _ in range(draw(st.integers(0, 3)))]
        doc["deals"].append(deal)
    n_actions = _count(draw, doc, "actions", 3)
    action_ids = [new_id("act") for _ in range(n_actions)]

    # every id in rule 1's namespace, for `about`
    everything = people + [u["id"] for u in usps] + note_ids + action_ids + [d["id"] for d in doc.get("deals", [])]
    everything += [line["id"] for d in doc.get("deals", []) for line in d.get("plan", [])]
    for seg in segments:
        everything.append(seg["id"])
        for stage in seg["stages"]:
            everything += [stage["id"]] + [s["id"] for s in stage.get("steps", [])]
        for key in ("roles", "motives", "objections"):
            everything += [x["id"] for x in seg.get(key, [])]
    about = st.sampled_from(everything)

    for nid in note_ids:
        note = {"id": nid, "text": draw(texts)}
        if people:
            _maybe(draw, note, "author", st.sampled_from(people))
        _maybe(draw, note, "about", about)
        if draw(st.booleans()):
            note["created_at"] = _date_time(draw)
        doc["notes"].append(note)
    if has_votes:
        for _ in range(draw(st.integers(0, 3))):
            vote = {"participant": draw(st.sampled_from(people)), "about": draw(about)}
            _maybe(draw, vote, "round", st.integers(1, 3))
            vote["dots"] = draw(st.integers(1, 20))
            doc["votes"].append(vote)
    for aid in action_ids:
        action = {"id": aid, "text": draw(texts)}
        _maybe(draw, action, "kind",
               st.sampled_from(["buyer_enablement", "sales_enablement", "deal_activity", "research", "other"]))
        _maybe(draw, action, "about", about)
        _maybe(draw, action, "owner", lines)
        _maybe(draw, action, "due", st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat))
        _maybe(draw, action, "status", st.sampled_from(["open", "doing", "done"]))
        doc["actions"].append(action)
    return doc
