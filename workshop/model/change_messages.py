"""What a screen is told after a commit: the change serialised once, for every subscriber.

Why: live tools send one small message per change to every screen instead of redrawing every
screen from the server. A commit's public changes (:meth:`workshop.ports.ChangeFeed.subscribe`)
become one message for the workshop's event stream:

* ``{"v": N, "public": P, "put": [element, ...], "remove": [id, ...]}`` when every change is
  an element added, changed, moved or removed (an element as ``{"id", "kind", "parent",
  "pos", "data"}``, its public fields, and ``"round"`` for a note just posted in a brainstorm:
  the map does not hold it, the screens that list the round's notes need it; a round's hidden
  dots and notes are never among the public changes, so never in a message);
* ``{"v": N, "public": P, "read": true}`` (read the map again) for everything else: an import,
  a phase, a round, a rating, a workshop deleted.

Elements are applied in order: a later change of the same element wins, and one put after a
remove brings it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

#: ops whose before/after are lists of element snapshots (rules.editing.snapshot)
ELEMENT_OPS = frozenset({"add", "update", "delete", "move", "undo", "triage", "vote"})


def _snapshots(value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(s, dict) and "eid" in s for s in value):
        return value
    return None


def message(version: int, public: int, changes: Iterable[Any]) -> dict[str, Any] | None:
    """The message for one commit's public changes (``LoggedChange`` values); ``None`` when
    there is nothing public to tell (hidden dots only)."""
    changes = list(changes)
    if not changes:
        return None
    puts: dict[str, dict[str, Any]] = {}
    removes: dict[str, None] = {}
    for change in changes:
        before, after = _snapshots(change.before), _snapshots(change.after)
        if change.op not in ELEMENT_OPS or before is None or after is None:
            return {"v": version, "public": public, "read": True}
        kept = {s["eid"] for s in after}
        for s in before:
            if s["eid"] not in kept:
                puts.pop(s["eid"], None)
                removes[s["eid"]] = None
        for s in after:
            removes.pop(s["eid"], None)
            put = {"id": s["eid"], "kind": s["kind"], "parent": s["parent"], "pos": s["pos"], "data": s["data"]}
            if "round" in s:
                put["round"] = s["round"]
            puts[s["eid"]] = put
    return {"v": version, "public": public, "put": list(puts.values()), "remove": list(removes)}


def hello(version: int, public: int) -> dict[str, Any]:
    """The first message on a new connection: read the map as of now (after a reconnect or a
    server restart the screen may have missed changes)."""
    return {"v": version, "public": public, "read": True, "hello": True}


def event(name: str, payload: dict[str, Any]) -> bytes:
    """One server-sent event (``text/event-stream``); JSON keeps user text inert in transit."""
    return f"event: {name}\ndata: {json.dumps(payload, ensure_ascii=False, separators=(',', ':'))}\n\n".encode("utf-8")
