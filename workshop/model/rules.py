"""The rules of ``map-format.md`` that a JSON Schema cannot say (rules 1 and 2).

A schema checks each object on its own; it cannot see that a flow's ``to`` names a step of
*the same segment*, or that two elements far apart share an id. These checks do. They run only
on a document that already passed the schema, so every required key is there and has the
right type. Each function checks one family of rules and returns its problems in document
order; :func:`check_rules` runs them all.

Places are written like ``segments[1].flows[3].to`` (see :func:`place`), the same way the
schema errors are, so a user can find every problem with the same reading.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Iterator

from ..errors import Problem
from .kinds import KIND_OF_LIST, KINDS

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.:-]+")


def place(path: Iterable[str | int]) -> str:
    """``('segments', 1, 'flows', 3, 'to')`` -> ``segments[1].flows[3].to``.

    Keys that are not plain (ids are) are quoted in brackets, so a strange key cannot make the
    place ambiguous or unreadably long.
    """
    out: list[str] = []
    for step in path:
        if isinstance(step, int):
            out.append(f"[{step}]")
        elif _PLAIN_KEY.fullmatch(step) and len(step) <= 64:
            out.append(f".{step}" if out else step)
        else:
            shown = step if len(step) <= 40 else step[:40] + "…"
            out.append(f"[{json.dumps(shown, ensure_ascii=False)}]")
    return "".join(out)


Path = tuple[str | int, ...]


def ids_in(doc: dict[str, Any]) -> Iterator[tuple[str, str, Path]]:
    """Every (kind, id, path) of rule 1's namespace, in document order.

    The namespace is the elements that carry an id (segments, stages, steps, roles, motives,
    objections, USPs, deals, actions, participants, notes); the workshop's own id is not in it.
    """

    def walk(parent_kind: str | None, container: dict[str, Any], path: Path) -> Iterator[tuple[str, str, Path]]:
        for key, value in container.items():
            kind = KIND_OF_LIST.get((parent_kind, key))
            if kind is None or not KINDS[kind].has_id:
                continue
            for i, item in enumerate(value):
                yield kind, item["id"], (*path, key, i)
                yield from walk(kind, item, (*path, key, i))

    yield from walk(None, doc, ())


def check_unique_ids(doc: dict[str, Any]) -> list[Problem]:
    """Rule 1: one namespace, so ``about`` can point at any element without saying its kind."""
    first: dict[str, Path] = {}
    problems = []
    for _kind, eid, path in ids_in(doc):
        if eid in first:
            where = place((*first[eid], "id"))
            problems.append(Problem(place((*path, "id")), f"id '{eid}' is already used at {where}"))
        else:
            first[eid] = path
    return problems


def _segment_ids(segment: dict[str, Any]) -> dict[str, set[str]]:
    """The ids of the stages, steps, roles and motives of one segment."""
    stages = segment.get("stages", [])
    return {
        "stage": {s["id"] for s in stages},
        "step": {st["id"] for s in stages for st in s.get("steps", [])},
        "role": {r["id"] for r in segment.get("roles", [])},
        "motive": {m["id"] for m in segment.get("motives", [])},
    }


def _missing(path: Path, kind: str, value: str, segment_id: str | None = None) -> Problem:
    where = f" in segment '{segment_id}'" if segment_id is not None else ""
    return Problem(place(path), f"no {kind} '{value}'{where}")


def check_segments(doc: dict[str, Any]) -> list[Problem]:
    """Rule 2 inside each segment: flows, relations, owners, roles and stages resolve there.

    A reference to an element of *another* segment is as broken as one to nothing: a flow
    cannot jump between segments, since each segment is its own buying journey.
    """
    problems: list[Problem] = []
    for si, seg in enumerate(doc["segments"]):
        sid, ids, base = seg["id"], _segment_ids(seg), ("segments", si)

        def need(kind: str, value: str, path: Path) -> None:
            if value not in ids[kind]:
                problems.append(_missing(path, kind, value, sid))

        for gi, stage in enumerate(seg.get("stages", [])):
            for ti, step in enumerate(stage.get("steps", [])):
                if "owner" in step:
                    need("role", step["owner"], (*base, "stages", gi, "steps", ti, "owner"))
        for fi, flow in enumerate(seg.get("flows", [])):
            for end in ("from", "to"):
                need("step", flow[end], (*base, "flows", fi, end))
        for ri, role in enumerate(seg.get("roles", [])):
            for stage_id in role.get("involvement", {}):
                need("stage", stage_id, (*base, "roles", ri, "involvement", stage_id))
        for ri, rel in enumerate(seg.get("relations", [])):
            for end in ("from", "to"):
                need("role", rel[end], (*base, "relations", ri, end))
        for mi, motive in enumerate(seg.get("motives", [])):
            for k, role_id in enumerate(motive.get("roles", [])):
                need("role", role_id, (*base, "motives", mi, "roles", k))
        for oi, obj in enumerate(seg.get("objections", [])):
            if "stage" in obj:
                need("stage", obj["stage"], (*base, "objections", oi, "stage"))
            for k, role_id in enumerate(obj.get("roles", [])):
                need("role", role_id, (*base, "objections", oi, "roles", k))
    return problems


def check_usps(doc: dict[str, Any]) -> list[Problem]:
    """Rule 2: a USP's motives name motives of any segment (a USP is the seller's, not a segment's)."""
    motives = {m["id"] for seg in doc["segments"] for m in seg.get("motives", [])}
    return [
        _missing(("usps", ui, "motives", k), "motive", mid)
        for ui, usp in enumerate(doc.get("usps", []))
        for k, mid in enumerate(usp.get("motives", []))
        if mid not in motives
    ]


def check_people_and_about(doc: dict[str, Any]) -> list[Problem]:
    """Rule 2: notes' authors and votes' participants are participants; ``about`` names any element."""
    participants = {p["id"] for p in doc.get("participants", [])}
    everything = {eid for _kind, eid, _path in ids_in(doc)}
    problems: list[Problem] = []
    for list_key, person_key in (("notes", "author"), ("votes", "participant"), ("actions", None)):
        for i, item in enumerate(doc.get(list_key, [])):
            if person_key and person_key in item and item[person_key] not in participants:
                problems.append(_missing((list_key, i, person_key), "participant", item[person_key]))
            if "about" in item and item["about"] not in everything:
                problems.append(_missing((list_key, i, "about"), "element", item["about"]))
    return problems


def check_deals(doc: dict[str, Any]) -> list[Problem]:
    """Rule 2: a deal sits in a segment, and its stage, engaged roles and plan are that segment's."""
    segments = {seg["id"]: seg for seg in doc["segments"]}
    problems: list[Problem] = []
    for di, deal in enumerate(doc.get("deals", [])):
        sid = deal["segment"]
        if sid not in segments:
            problems.append(_missing(("deals", di, "segment"), "segment", sid))
            continue  # the stage and roles cannot be judged without their segment
        ids = _segment_ids(segments[sid])
        if "stage" in deal and deal["stage"] not in ids["stage"]:
            problems.append(_missing(("deals", di, "stage"), "stage", deal["stage"], sid))
        for k, role_id in enumerate(deal.get("roles_engaged", [])):
            if role_id not in ids["role"]:
                problems.append(_missing(("deals", di, "roles_engaged", k), "role", role_id, sid))
        for pi, line in enumerate(deal.get("plan", [])):  # the plan's lines lie in the deal's segment
            for key in ("stage", "step", "role"):
                if key in line and line[key] not in ids[key]:
                    problems.append(_missing(("deals", di, "plan", pi, key), key, line[key], sid))
    return problems


RULES = (check_unique_ids, check_usps, check_segments, check_people_and_about, check_deals)


def check_rules(doc: dict[str, Any]) -> list[Problem]:
    """All problems with rules 1 and 2 of a schema-valid document (empty when it is fine)."""
    return [p for rule in RULES for p in rule(doc)]
