"""Validate one element's own fields against the map schema, for single edits.

A whole document is validated by :mod:`.reader`; an edit in a live workshop changes one element
and must not pay for re-validating the whole map. This module cuts the element's sub-schema out
of ``map.schema.json`` (so the two can never disagree) and checks just that.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from jsonschema import Draft202012Validator

from ..errors import Problem
from .kinds import CONSENSUS_CRITERIA, KINDS
from .limits import element_problems
from .schema_words import describe


@lru_cache(maxsize=1)
def map_schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("map.schema.json").read_text(encoding="utf-8"))


def _sub_schema(kind: str) -> dict[str, Any]:
    root = map_schema()
    spec = KINDS[kind]
    if kind == "criterion":
        node = root["$defs"]["status"]
    elif kind in root["$defs"]:
        node = root["$defs"][kind]
    elif spec.parent is None:
        node = root["properties"][spec.list_key]["items"]
    else:
        node = root["$defs"][spec.parent]["properties"][spec.list_key]["items"]
    node = dict(node)
    # children are separate elements: an element's own fields never carry them
    if spec.children:
        node["properties"] = {k: v for k, v in node["properties"].items() if k not in spec.children}
        node["required"] = [k for k in node.get("required", []) if k not in spec.children]
    return {"$defs": root["$defs"], **node}


@lru_cache(maxsize=None)
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(_sub_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def check_element(kind: str, data: Mapping[str, Any]) -> list[Problem]:
    """Problems with the element's own fields (empty when it is valid)."""
    if kind not in KINDS:
        return [Problem("", f"unknown kind of element {kind!r}")]
    fields = dict(data)
    problems: list[Problem] = []
    if kind == "criterion":
        name = fields.pop("criterion", None)
        if name not in CONSENSUS_CRITERIA:
            problems.append(Problem("criterion", f"unknown consensus criterion {name!r}", "problem.enum",
                                    {"value": repr(name), "choices": ", ".join(CONSENSUS_CRITERIA)}))
    too_many = element_problems(kind, fields)  # counted first: a list of 100,000 ids is not walked
    if too_many:
        return problems + too_many
    for err in sorted(_validator(kind).iter_errors(fields), key=lambda e: list(e.absolute_path)):
        for path, message, key, params in describe(err):
            problems.append(Problem(".".join(str(p) for p in path), _short(message), key, params))
    return problems


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"
