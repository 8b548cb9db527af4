"""The no-decision risk over a session, from the change log: an hour of mapping visibly moves
something (issue 17).

Why from the log: the map keeps only its present; every change of an element is in the log
with the element as it was before and after (:func:`workshop.rules.editing.snapshot`). Walking
the log backwards from the present map and undoing each change in memory gives the map as it
was after every earlier change, and the analysis gives its risk. The walk stops at an import
(the map before it was another map). To stay quick on a long session it computes at most
``points`` moments, spread over the changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

from ..model.elements import Element, assemble
from . import analyze


@dataclass(frozen=True)
class RiskPoint:
    seq: int  # the change the map is as of (0: before the first change the log holds)
    at: datetime | None  # when that change was made
    risk: int


def _snapshots(value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(s, dict) and "eid" in s for s in value):
        return value
    return None


def _element(snap: dict[str, Any]) -> Element:
    return Element(snap["eid"], snap["kind"], snap.get("parent"), snap.get("pos", 0), snap.get("data") or {}, tuple(snap.get("lists") or ()))


def risk_path(
    workshop: dict[str, Any], lists: Sequence[str], elements: Iterable[Element], events: Sequence[dict[str, Any]],
    segment_id: str, lang: str, *, points: int = 24,
) -> list[RiskPoint]:
    """The segment's risk after each sampled change, oldest first (the present map last).

    ``events`` is the log newest first (as the read side gives it)."""
    state = {el.eid: el for el in elements}
    moments: list[tuple[int, datetime | None, dict[str, Element]]] = []
    newest = events[0] if events else None
    moments.append((newest["seq"] if newest else 0, newest["at"] if newest else None, dict(state)))
    for i, event in enumerate(events):
        if event["op"] in ("import", "delete_workshop"):
            break
        before, after = _snapshots(event.get("before")), _snapshots(event.get("after"))
        if before is None or after is None or (not before and not after):
            continue  # not a change of elements (a phase, a round)
        for snap in after:
            state.pop(snap["eid"], None)
        for snap in before:
            state[snap["eid"]] = _element(snap)
        older = events[i + 1] if i + 1 < len(events) else None
        moments.append((event["seq"] - 1, older["at"] if older else event["at"], dict(state)))
    if len(moments) > points:  # spread: always the present and the oldest
        step = (len(moments) - 1) / (points - 1)
        moments = [moments[round(k * step)] for k in range(points)]
    out = []
    for seq, at, els in reversed(moments):
        doc = assemble(workshop, lists, els.values())
        try:
            result = analyze(doc, lang).segment(segment_id)
        except (KeyError, ValueError, TypeError, AttributeError):
            continue  # the segment did not exist yet, or a half-made moment the analysis cannot read
        if result is not None:
            out.append(RiskPoint(seq, at, result.risk))
    return out
