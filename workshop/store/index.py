"""The writer's in-memory index of each workshop's elements (id, kind, parent, position, version).

Why: every edit must check that the ids it names exist, are of the right kind and lie in the
right segment, and must know where the end of a list is. Asking DuckDB costs about a
millisecond a query, which made a single vote cost 8 ms. Only the writer thread changes the
database, so it can keep an exact index of what is there: loaded on the first write to a
workshop, changed with every write, and dropped (to be loaded again) if a transaction is rolled
back. The database stays the truth; the index never holds the elements' fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.kinds import KINDS


@dataclass
class Entry:
    eid: str
    kind: str
    parent: str | None
    pos: float
    version: int
    author: str | None
    segment: str | None  # the segment a deal names (other kinds derive it from their parents)


class MapIndex:
    def __init__(self, entries: list[Entry]):
        self._by_id: dict[str, Entry] = {}
        self._children: dict[str | None, dict[str, Entry]] = {}
        for e in entries:
            self.put(e)

    @classmethod
    def load(cls, cursor, workshop_id: str) -> "MapIndex":
        rows = cursor.execute(
            "SELECT eid, kind, parent, pos, version, author, "
            "CASE WHEN kind = 'deal' THEN json_extract_string(data, '$.segment') END "
            "FROM elements WHERE workshop_id = ?",
            [workshop_id],
        ).fetchall()
        return cls([Entry(*row) for row in rows])

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

    def segment_of(self, kind: str, parent: str | None, deal_segment: str | None = None, eid: str | None = None) -> str | None:
        """The segment an element (given by its kind and parent) belongs to."""
        if kind == "segment":
            return eid
        if kind == "deal":
            return deal_segment
        if kind == "step":
            stage = self.get(parent)
            return stage.parent if stage is not None else None
        if KINDS[kind].parent == "segment":
            return parent
        return None

    def segment_of_entry(self, entry: Entry) -> str | None:
        return self.segment_of(entry.kind, entry.parent, entry.segment, entry.eid)
