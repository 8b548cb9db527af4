"""A summary of workshops: size, findings and the highest no-decision risk."""

from __future__ import annotations

from typing import Any, Iterable

from ..analysis import analyze
from ..ports import Storage
from .live import snapshot


def workshop_overview(store: Storage, lang: str, workshop_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    wanted = set(workshop_ids) if workshop_ids is not None else None
    out = []
    for w in store.list_workshops():
        if wanted is not None and w.id not in wanted:
            continue
        result = analyze(snapshot(store, w.id).doc, lang=lang)
        out.append(
            {
                "id": w.id,
                "title": w.title,
                "segments": w.counts.get("segment", 0),
                "steps": w.counts.get("step", 0),
                "findings": len(result.all_findings()),
                "risk": max((s.risk for s in result.segments), default=0),
            }
        )
    return out
