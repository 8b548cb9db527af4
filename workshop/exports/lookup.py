"""Small read helpers the document exports share: names by id, USPs by motive, stable text.

The map refers to elements by id (a step's owner, a motive's roles, a USP's motives); every
text export shows names instead, so the lookups live here once. :func:`clean` removes the
characters no file format can carry (XML 1.0's forbidden control characters and lone
surrogates, which UTF-8 cannot encode), so hostile text never breaks a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .text import md_text

#: what XML 1.0 forbids (C0 controls except tab, LF, CR; lone surrogates; U+FFFE/U+FFFF)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: Any) -> str:
    """``text`` as a string every export format can carry."""
    return _FORBIDDEN.sub("", str(text))


def md_line(text: Any) -> str:
    """User text as one literal line of Markdown (a lone CR would end a line in CommonMark)."""
    return md_text(clean(text).replace("\r", " ")).strip()


def md_cell(text: Any) -> str:
    """User text as the literal content of a Markdown table cell."""
    return md_text(clean(text).replace("\r", " "), cell=True).strip()


def names(seg: Mapping[str, Any]) -> dict[str, str]:
    """id -> name (or text) of every stage, step, role, motive and objection of a segment."""
    out: dict[str, str] = {}
    for stage in seg.get("stages", []):
        out[stage["id"]] = stage["name"]
        for step in stage.get("steps", []):
            out[step["id"]] = step["text"]
    for role in seg.get("roles", []):
        out[role["id"]] = role["name"]
    for key in ("motives", "objections"):
        for element in seg.get(key, []):
            out[element["id"]] = element["text"]
    return out


def usps_by_motive(doc: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """motive id -> the USPs that serve it, in the map's order."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for usp in doc.get("usps", []):
        for motive_id in usp.get("motives") or []:
            out.setdefault(motive_id, []).append(usp)
    return out


def involved(seg: Mapping[str, Any], stage_id: str) -> list[tuple[Mapping[str, Any], str]]:
    """(role, level) of every role that takes part in a stage, in the map's order of roles."""
    return [
        (role, (role.get("involvement") or {})[stage_id])
        for role in seg.get("roles", [])
        if stage_id in (role.get("involvement") or {})
    ]


def texts(values: Iterable[Any] | None) -> list[str]:
    return [str(v) for v in values or []]


def answered(head: str, answers: Iterable[Any] | None, none_text: str) -> list[str]:
    """An objection as a Markdown bullet (``head``, already escaped) with its answers nested
    beneath it, or, with none, ``none_text`` in italics: the playbook and the coaching sheet
    show objections alike."""
    nested = [f"  - {md_line(a)}" for a in answers or []]
    return [f"- {head}", *(nested or [f"  - *{none_text}*"])]
