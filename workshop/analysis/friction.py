"""What stands between the customer and a decision: objections by stage, the no-decision causes
they feed, and the segment's consensus check.

Pure functions over a map document (no streamlit, no store) for the ``friction`` and
``consensus`` pages, the projector, the exports and anyone else who needs the same grouping:
they depend on the map and its findings alone, so they sit beside the analysis. Defaults come
from :func:`workshop.model.defaults.get`, so an absent ``severity`` counts as 3 everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from ..model.defaults import get
from ..model.element_schema import map_schema
from ..model.kinds import CONSENSUS_CRITERIA
from .result import Finding

Json = dict[str, Any]


def _segment_enum(list_key: str, field: str) -> tuple[str, ...]:
    items = map_schema()["$defs"]["segment"]["properties"][list_key]["items"]
    return tuple(items["properties"][field]["enum"])


#: the kinds of objection, in the schema's order
OBJECTION_KINDS: tuple[str, ...] = _segment_enum("objections", "kind")
#: the causes of "no decision" that an objection can feed (``none`` left out), schema order
CAUSES: tuple[str, ...] = tuple(c for c in _segment_enum("objections", "no_decision_cause") if c != "none")
#: consensus statuses, best first
STATUSES: tuple[str, ...] = tuple(map_schema()["$defs"]["status"]["properties"]["status"]["enum"])


# -- objections ------------------------------------------------------------------------------
def severity(objection: Json) -> int:
    return int(get("objection", objection, "severity"))


def cause(objection: Json) -> str:
    return get("objection", objection, "no_decision_cause")


def filter_objections(objections: Iterable[Json], *, role: str | None = None, unanswered: bool = False) -> list[Json]:
    """The objections ``role`` raises (all when ``None``), only those without a response when
    ``unanswered``; map order kept."""
    out = []
    for o in objections:
        if role is not None and role not in (o.get("roles") or []):
            continue
        if unanswered and o.get("responses"):
            continue
        out.append(o)
    return out


@dataclass(frozen=True)
class StageGroup:
    """Objections placed on one buying stage (``stage`` is ``None`` for "no stage")."""

    stage: Json | None
    objections: list[Json]


def by_stage(seg: Json, objections: Sequence[Json]) -> list[StageGroup]:
    """``objections`` grouped by stage in the segment's stage order, then those without a stage
    (or naming a stage the segment does not have); groups without objections are left out."""
    stages = seg.get("stages") or []
    known = {s["id"] for s in stages}
    groups = [StageGroup(s, [o for o in objections if o.get("stage") == s["id"]]) for s in stages]
    loose = [o for o in objections if o.get("stage") not in known]
    groups.append(StageGroup(None, loose))
    return [g for g in groups if g.objections]


def quiet_stages(seg: Json) -> list[Json]:
    """Stages where nobody has named any friction yet (worth asking the group about)."""
    used = {o.get("stage") for o in seg.get("objections") or []}
    return [s for s in seg.get("stages") or [] if s["id"] not in used]


@dataclass(frozen=True)
class CauseLine:
    """How much one no-decision cause threatens the segment."""

    cause: str
    count: int
    severity: int


def cause_summary(objections: Iterable[Json]) -> list[CauseLine]:
    """Count and total severity of the objections feeding each no-decision cause, every cause
    listed (zeros included) in the schema's order."""
    totals = {c: [0, 0] for c in CAUSES}
    for o in objections:
        c = cause(o)
        if c in totals:
            totals[c][0] += 1
            totals[c][1] += severity(o)
    return [CauseLine(c, n, s) for c, (n, s) in totals.items()]


def top_cause(lines: Iterable[CauseLine]) -> CauseLine | None:
    """The cause that most threatens a decision: highest total severity, then most objections,
    then the schema's order; ``None`` when no objection feeds any cause."""
    best = None
    for line in lines:
        if line.count and (best is None or (line.severity, line.count) > (best.severity, best.count)):
            best = line
    return best


def unanswered(findings: Iterable[Finding]) -> set[str]:
    """Ids of the objections the analysis marks ``objection_unanswered``."""
    return {f.about for f in findings if f.code == "objection_unanswered"}


# -- consensus -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Criterion:
    """One consensus criterion of a segment; ``present`` is false when the map has no entry
    (then the status is the documented default, ``unknown``)."""

    name: str
    status: str
    note: str | None
    present: bool


def consensus_rows(seg: Json) -> list[Criterion]:
    """The six criteria in the schema's order, absent ones as ``unknown``."""
    entries = seg.get("consensus") or {}
    out = []
    for name in CONSENSUS_CRITERIA:
        entry = entries.get(name)
        if entry is None:
            out.append(Criterion(name, get("criterion", {}, "status"), None, False))
        else:
            out.append(Criterion(name, get("criterion", entry, "status"), entry.get("note"), True))
    return out


def consensus_tally(rows: Iterable[Criterion]) -> dict[str, int]:
    """How many criteria have each status (every status listed, best first)."""
    tally = {s: 0 for s in STATUSES}
    for row in rows:
        tally[row.status] = tally.get(row.status, 0) + 1
    return tally


def consensus_score(tally: dict[str, int]) -> float:
    """Share of the way to a decision many can stand behind: ``yes`` counts 1, ``partly`` ½."""
    total = sum(tally.values())
    return 0.0 if not total else (tally.get("yes", 0) + 0.5 * tally.get("partly", 0)) / total


#: findings of the analysis that tell something about a consensus criterion
EVIDENCE_CODES: dict[str, tuple[str, ...]] = {
    "decision_roles_visible": ("decision_role_missing",),
    "procurement_early": ("procurement_late",),
}


def criterion_evidence(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Per criterion, the findings of the map that bear on it (what the map itself suggests)."""
    found = list(findings)
    return {name: [f for f in found if f.code in EVIDENCE_CODES.get(name, ())] for name in CONSENSUS_CRITERIA}


def consensus_verdict(tally: dict[str, int]) -> str:
    """A one-word reading of the check: ``unknown`` while half or more of the criteria are not
    known, else ``strong`` (score ≥ 0.8), ``fragile`` (≥ 0.5) or ``weak``."""
    total = sum(tally.values())
    if not total or tally.get("unknown", 0) * 2 >= total:
        return "unknown"
    score = consensus_score(tally)
    return "strong" if score >= 0.8 else "fragile" if score >= 0.5 else "weak"
