"""The home page's summary of every workshop: size, findings and the highest risk."""

from __future__ import annotations

from typing import Any

from ..analysis import analyze
from ..store import Store
from .maps import export_document


def workshop_overview(store: Store, lang: str) -> list[dict[str, Any]]:
    out = []
    for w in store.list_workshops():
        doc = export_document(store, w.id)
        result = analyze(doc, lang=lang)
        out.append(
            {
                "id": w.id,
                "title": w.title,
                "join_code": w.join_code,
                "segments": w.counts.get("segment", 0),
                "steps": w.counts.get("step", 0),
                "findings": len(result.all_findings()),
                "risk": max((s.risk for s in result.segments), default=0),
            }
        )
    return out
