"""Kumu's JSON import (``--format kumu``): the map as elements and connections for kumu.io.

As Kumu's blueprint documentation has it (issue 19): every element carries its map ``id``, so
connections name their ends by that id, and labels stay as the workshop wrote them (two steps
both called "Review" are two elements called "Review", not "Review (st7)"). Descriptions are
Markdown, which Kumu renders: each part a paragraph of its own, and user text escaped so that a
``[link](javascript:…)`` in a sticky note stays text. Element ``type`` is in the workshop's
language (Fas, Kundsteg, Roll, ...), as the people reading the map name things; attribute
*names* stay stable (``segment``, ``stance``, ``influence``, ``behind the scenes``, ...) so one
Kumu view with its decoration rules works for every workshop, while connection labels and
choice values (decision roles, kinds) are in the workshop's language too.

Connections mirror :mod:`workshop.graph.build` (flow, contains, owner, relation, involvement,
holds, raises, raised_in) plus ``serves`` (USP → motive), ``deal_stage`` (deal → stage) and
``engaged`` (deal → role); one whose end is missing from the map is left out. JSON cannot
run, so user text needs no escaping beyond what JSON does; characters no file may carry are
removed.
"""

from __future__ import annotations

import json
from typing import Any

from ..i18n import t
from ..model.defaults import get
from .lookup import clean
from .text import md_text


class _Board:
    """Elements, and connections between them by the elements' ids."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.elements: list[dict[str, Any]] = []
        self.connections: list[dict[str, Any]] = []
        self._ids: set[str] = set()

    def element(self, element_id: str, label: str, map_kind: str, description: str = "", **attrs: Any) -> None:
        self._ids.add(element_id)
        element = {"id": element_id, "label": clean(label).strip() or element_id,
                   "type": t(f"kumu.type.{map_kind}", self.lang), "description": description}
        element.update({k: _value(v) for k, v in attrs.items() if v is not None})
        self.elements.append(element)

    def connect(self, a: str | None, b: str | None, ctype: str, label: str, **attrs: Any) -> None:
        if a in self._ids and b in self._ids:
            conn = {"from": a, "to": b, "type": ctype, "direction": "directed", "label": clean(label)}
            conn.update({k: _value(v) for k, v in attrs.items() if v is not None})
            self.connections.append(conn)


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    return value


def _lines(*parts: Any) -> str:
    """A Markdown description: each part a paragraph, its text escaped (it is the workshop's)."""
    return "\n\n".join(md_text(clean(p), one_line=False) for p in parts if p)


def _segment(board: _Board, seg: dict[str, Any], lang: str) -> None:
    name = seg["name"]
    for i, stage in enumerate(seg.get("stages", []), start=1):
        board.element(
            stage["id"], stage["name"], "stage", _lines(stage.get("customer_goal"), *(stage.get("exit_criteria") or [])),
            segment=name, order=i, **{"exit criteria": stage.get("exit_criteria") or [], "seller stage": stage.get("seller_stage"),
                                      "buyer enablement": stage.get("buyer_enablement") or []},
        )
        for step in stage.get("steps", []):
            board.element(
                step["id"], step["text"], "step", "", segment=name, stage=stage["name"],
                kind=t(f"option.step_kind.{get('step', step, 'kind')}", lang),
                **{"behind the scenes": bool(get("step", step, "behind_the_scenes"))},
            )
    for role in seg.get("roles", []):
        board.element(
            role["id"], role["name"], "role", _lines(role.get("personal_risk"), role.get("success_measure")),
            segment=name, influence=get("role", role, "influence"), stance=get("role", role, "stance"),
            function=t(f"option.role_function.{role['function']}", lang) if role.get("function") else None,
            tags=[t(f"option.decision_role.{d}", lang) for d in role.get("decision_roles") or []],
            **{"our contact": role.get("our_contact"), "personal risk": role.get("personal_risk"),
               "success measure": role.get("success_measure")},
        )
    for motive in seg.get("motives", []):
        board.element(
            motive["id"], motive["text"], "motive", "", segment=name, importance=get("motive", motive, "importance"),
            kind=t(f"option.motive_kind.{motive['kind']}", lang) if motive.get("kind") else None,
        )
    for obj in seg.get("objections", []):
        cause = get("objection", obj, "no_decision_cause")
        board.element(
            obj["id"], obj["text"], "objection", _lines(*(obj.get("responses") or [])), segment=name,
            severity=get("objection", obj, "severity"), answered=bool(obj.get("responses")),
            kind=t(f"option.objection_kind.{obj['kind']}", lang) if obj.get("kind") else None,
            **{"no-decision cause": t(f"option.no_decision_cause.{cause}", lang)},
        )


def _connections(board: _Board, seg: dict[str, Any], lang: str) -> None:
    for stage in seg.get("stages", []):
        for step in stage.get("steps", []):
            board.connect(stage["id"], step["id"], "contains", t("playbook.link.contains", lang))
    for flow in seg.get("flows", []):
        kind = get("flow", flow, "kind")
        board.connect(flow["from"], flow["to"], "flow", flow.get("label") or t(f"option.flow_kind.{kind}", lang), **{"flow kind": kind})
    for stage in seg.get("stages", []):
        for step in stage.get("steps", []):
            board.connect(step["id"], step.get("owner"), "owner", t("playbook.link.owner", lang))
    for role in seg.get("roles", []):
        for stage_id, level in (role.get("involvement") or {}).items():
            board.connect(role["id"], stage_id, "involvement", t(f"option.involvement.{level}", lang), level=level)
    for rel in seg.get("relations", []):
        board.connect(rel["from"], rel["to"], "relation", rel.get("label") or t(f"option.relation_kind.{rel['kind']}", lang),
                      **{"relation kind": rel["kind"]})
    for motive in seg.get("motives", []):
        for role_id in motive.get("roles") or []:
            board.connect(role_id, motive["id"], "holds", t("playbook.link.holds", lang))
    for obj in seg.get("objections", []):
        for role_id in obj.get("roles") or []:
            board.connect(role_id, obj["id"], "raises", t("playbook.link.raises", lang))
        board.connect(obj["id"], obj.get("stage"), "raised_in", t("playbook.link.raised_in", lang))


def kumu_board(doc: dict[str, Any], lang: str) -> dict[str, Any]:
    """The Kumu import document (a dict): ``{"elements": [...], "connections": [...]}``."""
    board = _Board(lang)
    segment_names = {seg["id"]: seg["name"] for seg in doc["segments"]}
    for seg in doc["segments"]:
        _segment(board, seg, lang)
    for usp in doc.get("usps", []):
        board.element(usp["id"], usp["text"], "usp", "")
    for deal in doc.get("deals", []):
        board.element(deal["id"], deal["name"], "deal", _lines(deal.get("next_internal_step"), deal.get("notes")),
                      segment=segment_names.get(deal["segment"], deal["segment"]),
                      **{"next internal step": deal.get("next_internal_step")})
    for seg in doc["segments"]:
        _connections(board, seg, lang)
    for usp in doc.get("usps", []):
        for motive_id in usp.get("motives") or []:
            board.connect(usp["id"], motive_id, "serves", t("playbook.link.serves", lang))
    for deal in doc.get("deals", []):
        board.connect(deal["id"], deal.get("stage"), "deal_stage", t("playbook.link.deal_stage", lang))
        for role_id in deal.get("roles_engaged") or []:
            board.connect(deal["id"], role_id, "engaged", t("playbook.link.engaged", lang))
    return {"elements": board.elements, "connections": board.connections}


def to_kumu(doc: dict[str, Any], lang: str) -> bytes:
    return (json.dumps(kumu_board(doc, lang), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
