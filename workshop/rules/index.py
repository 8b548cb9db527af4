"""The index of a workshop's elements a job checks against (id, kind, parent, position, version).

Why: every edit must check that the ids it names exist, are of the right kind and lie in the
right segment, and must know where the end of a list is. Asking the database for each costs
about a millisecond a query (a single vote cost 8 ms). So a transaction hands its jobs an index
of the map (:meth:`workshop.ports.Transaction.index`) that follows the transaction's own writes;
an engine may keep it between transactions when it is the only writer (DuckDB's single writer
thread does) and must drop it after a rollback. The index never holds the elements' fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.elements import Element
from ..model.placement import segment_of


@dataclass
class Entry:
    eid: str
    kind: str
    parent: str | None
    pos: float
    version: int
    author: str | None
    segment: str | None  # the segment a deal names (other kinds derive it from their parents)

    @classmethod
    def of(cls, el: Element, version: int, author: str | None) -> "Entry":
        return cls(el.eid, el.kind, el.parent, el.pos, version, author, el.data.get("segment") if el.kind == "deal" else None)


class MapIndex:
    def __init__(self, entries: list[Entry]):
        self._by_id: dict[str, Entry] = {}
        self._children: dict[str | None, dict[str, Entry]] = {}
        for e in entries:
            self.put(e)

    def get(self, eid: str | None) -> Entry | None:
        return self._by_id.get(eid) if eid is not None else None

    def __contains__(self, eid: str) -> bool:
        return eid in self._by_id

    def put(self, entry: Entry) -> None:
        old = self._by_id.get(entry.eid)
        if old is not None:
            self._children.get(old.parent, {}).pop(old.eid, None)
        self._by_id[entry.eid] = entry
        self._children.setdefault(entry.parent, {})[entry.eid] = entry

    def remove(self, eid: str) -> None:
        old = self._by_id.pop(eid, None)
        if old is not None:
            self._children.get(old.parent, {}).pop(eid, None)

    def siblings(self, kind: str, parent: str | None) -> list[Entry]:
        """Elements of ``kind`` directly under ``parent``, in order."""
        return sorted((e for e in self._children.get(parent, {}).values() if e.kind == kind), key=lambda e: e.pos)

    def count(self, kind: str, parent: str | None) -> int:
        """How many elements of ``kind`` are directly under ``parent``."""
        return sum(1 for e in self._children.get(parent, {}).values() if e.kind == kind)

    def last_pos(self, kind: str, parent: str | None) -> float | None:
        return max((e.pos for e in self._children.get(parent, {}).values() if e.kind == kind), default=None)

    def descendants(self, eid: str) -> list[Entry]:
        out, frontier = [], [eid]
        while frontier:
            nxt = []
            for p in frontier:
                kids = sorted(self._children.get(p, {}).values(), key=lambda e: (e.kind, e.pos))
                out.extend(kids)
                nxt.extend(k.eid for k in kids)
            frontier = nxt
        return out

    def segment_of_entry(self, entry: Entry) -> str | None:
        """The segment an indexed element belongs to (:func:`workshop.model.placement.segment_of`)."""
        return segment_of(entry.kind, entry.eid, entry.parent, entry.segment, self.get)
