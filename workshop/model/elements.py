"""Flatten a map document into elements, and assemble elements back into the document.

Every element becomes one row-like :class:`Element` (kind, id, parent, position, its own
fields). Elements without an id in the map file (flows, relations, votes, consensus criteria)
get an internal id starting with ``~``, which the file format cannot contain. Which child lists
were *present* in the file is kept (``lists``), so an empty list and an absent list both survive
a round trip (rule 6 of ``map-format.md``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Iterable

from .kinds import CONSENSUS_CRITERIA, INTERNAL_PREFIX, KINDS, TOP_LISTS

FORMAT = "kopkarta-map"
VERSION = 1


@dataclass
class Element:
    eid: str
    kind: str
    parent: str | None
    pos: int
    data: dict[str, Any]
    lists: tuple[str, ...] = ()
    #: workshop change number that last wrote the element (0 when not stored yet)
    version: int = 0
    #: participant who made that version
    by: str | None = None

    def as_file_element(self) -> dict[str, Any]:
        """The element's own fields as they appear in the map file (without child lists)."""
        return dict(self.data)


@dataclass
class Flattened:
    workshop: dict[str, Any]
    #: top-level lists present in the document, in the schema's order
    lists: tuple[str, ...]
    elements: list[Element] = field(default_factory=list)


def new_internal_id(kind: str) -> str:
    """A fresh id for an element that has none in the map file."""
    return f"{INTERNAL_PREFIX}{kind}-{secrets.token_hex(6)}"


def criterion_id(segment_id: str, criterion: str) -> str:
    """The internal id of a segment's consensus criterion (one per segment and criterion)."""
    return f"{INTERNAL_PREFIX}consensus:{segment_id}:{criterion}"


def _copy(value: Any) -> Any:
    """A copy of a JSON value (dicts, lists, and immutable scalars): what ``copy.deepcopy``
    gives for these, several times faster (no memo of shared objects, which JSON has none of);
    it was a quarter of the time to create and to read back the biggest legal map (issue 18)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def flatten(doc: dict[str, Any]) -> Flattened:
    """Turn a validated map document into elements, parents before children."""
    out = Flattened(workshop=_copy(doc["workshop"]), lists=tuple(k for k in TOP_LISTS if k in doc))
    for list_key in TOP_LISTS:
        kind = _kind_for(None, list_key)
        for pos, item in enumerate(doc.get(list_key, [])):
            _flatten_element(kind, item, None, pos, out.elements)
    return out


def _kind_for(parent: str | None, list_key: str) -> str:
    for k in KINDS.values():
        if k.parent == parent and k.list_key == list_key:
            return k.name
    raise KeyError((parent, list_key))


def _flatten_element(kind: str, item: dict[str, Any], parent: str | None, pos: int, out: list[Element]) -> None:
    spec = KINDS[kind]
    data = {k: _copy(v) for k, v in item.items() if k not in spec.children}
    eid = item["id"] if spec.has_id else new_internal_id(kind)
    present = tuple(k for k in spec.children if k in item)
    out.append(Element(eid=eid, kind=kind, parent=parent, pos=pos, data=data, lists=present))
    for list_key in spec.children:
        if list_key not in item:
            continue
        if list_key == "consensus":
            for cpos, name in enumerate(c for c in CONSENSUS_CRITERIA if c in item["consensus"]):
                cdata = {"criterion": name, **_copy(item["consensus"][name])}
                out.append(Element(criterion_id(eid, name), "criterion", eid, cpos, cdata))
            continue
        child_kind = _kind_for(kind, list_key)
        for cpos, child in enumerate(item[list_key]):
            _flatten_element(child_kind, child, eid, cpos, out)


def assemble(workshop: dict[str, Any], lists: Iterable[str], elements: Iterable[Element]) -> dict[str, Any]:
    """Put elements back into a map document (the inverse of :func:`flatten`)."""
    by_parent: dict[str | None, list[Element]] = {}
    for el in elements:
        by_parent.setdefault(el.parent, []).append(el)
    for group in by_parent.values():
        group.sort(key=lambda e: e.pos)

    present = set(lists)
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "workshop": _copy(workshop)}
    top = by_parent.get(None, [])
    for list_key in TOP_LISTS:
        items = [_assemble_element(e, by_parent) for e in top if KINDS[e.kind].list_key == list_key]
        if items or list_key in present:
            doc[list_key] = items
    return doc


def _assemble_element(el: Element, by_parent: dict[str | None, list[Element]]) -> dict[str, Any]:
    spec = KINDS[el.kind]
    out = _copy(el.data)
    children = by_parent.get(el.eid, []) if spec.children else []
    for list_key in spec.children:
        mine = [c for c in children if KINDS[c.kind].list_key == list_key]
        if not mine and list_key not in el.lists and list_key not in spec.required:
            continue
        if list_key == "consensus":
            by_name = {c.data["criterion"]: c for c in mine}
            out["consensus"] = {
                name: {k: _copy(v) for k, v in by_name[name].data.items() if k != "criterion"}
                for name in CONSENSUS_CRITERIA
                if name in by_name
            }
        else:
            out[list_key] = [_assemble_element(c, by_parent) for c in mine]
    return out
