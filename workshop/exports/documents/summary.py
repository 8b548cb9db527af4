"""The one-page summary of a segment (``--format onepager``): what a sales lead pins up.

Four parts on one A4 page: the no-decision risk and what makes it (the largest shares of the
points, :func:`workshop.analysis.insights.risk_parts`), the top gaps (the findings whose kind
weighs most in the risk), the top objections with their answers (most severe first), and the
next actions (not done, earliest due first). One page is a promise, so every list is short and
every text is cut to a line or two; :func:`shrink` gives the shorter versions the PDF writer
tries when a map's long texts still spill onto a second page.
"""

from __future__ import annotations

from typing import Any

from ...analysis import analyze
from ...analysis import title as finding_title
from ...analysis.followup import segment_actions, status
from ...analysis.insights import risk_level, risk_parts
from ...analysis.risk import RISK_TABLE
from ...i18n import t
from ...model.defaults import get
from ..lookup import names
from . import blocks as b

Json = dict[str, Any]

#: (items per list, answers per objection, characters per text), from roomy to tight
SIZES = ((5, 2, 200), (4, 2, 130), (3, 1, 90), (2, 1, 60))


def _none(lang: str) -> list[b.Block]:
    return [b.empty(t("documents.none", lang))]


def _risk(result, lang: str, n: int) -> list[b.Block]:
    level = risk_level(result.risk)
    out = [
        b.h(2, t("documents.onepager.risk", lang)),
        b.risk(f"{result.risk} / 100", t(f"documents.level.{level}", lang), level),
    ]
    parts = [
        b.item(t("documents.onepager.points", lang, points=p.points, count=p.count), label=finding_title(p.code, lang))
        for p in risk_parts(result)[:n]
    ]
    return out + ([b.bullets(parts)] if parts else [b.empty(t("insights.risk.zero", lang))])


def _gaps(result, lang: str, n: int, limit: int) -> list[b.Block]:
    weight = {code: each for code, (each, _cap) in RISK_TABLE.items()}
    ranked = sorted(result.findings, key=lambda f: -weight[f.code])[:n]
    items = [b.item(f.message, label=finding_title(f.code, lang), limit=limit) for f in ranked]
    return [b.h(2, t("documents.onepager.gaps", lang)), *([b.bullets(items)] if items else _none(lang))]


def _objections(seg: Json, lang: str, n: int, answers: int, limit: int) -> list[b.Block]:
    ranked = sorted(seg.get("objections", []), key=lambda o: -get("objection", o, "severity"))[:n]
    items = [
        b.item(o["text"], sub=(o.get("responses") or [])[:answers] or [t("documents.no_answer", lang)], limit=limit)
        for o in ranked
    ]
    return [b.h(2, t("documents.onepager.objections", lang)), *([b.bullets(items)] if items else _none(lang))]


def _actions(doc: Json, seg: Json, lang: str, n: int, limit: int) -> list[b.Block]:
    open_ = [a for a in segment_actions(doc, seg["id"]) if status(a) != "done"]
    ranked = sorted(open_, key=lambda a: a.get("due") or "9999-12-31")[:n]
    about = names(seg)
    items = []
    for a in ranked:
        note = " · ".join(b.txt(x) for x in (a.get("owner"), a.get("due"), about.get(a.get("about") or "")) if x)
        items.append(b.item(a["text"], note=note or None, limit=limit))
    return [b.h(2, t("documents.onepager.actions", lang)), *([b.bullets(items)] if items else _none(lang))]


def onepager(doc: Json, segment: str, lang: str, size: int = 0) -> b.Document:
    """The summary of segment ``segment``; ``size`` indexes :data:`SIZES` (0 roomiest)."""
    n, answers, limit = SIZES[size]
    seg = next(s for s in doc["segments"] if s["id"] == segment)
    result = analyze(doc, lang).segment(segment)
    title = t("documents.onepager.title", lang, name=b.txt(seg["name"], 120))
    blocks = [
        b.title(title),
        b.subtitle(b.txt(doc["workshop"]["title"], 160)),
        *_risk(result, lang, min(n, 4)),
        *_gaps(result, lang, n, limit),
        *_objections(seg, lang, n - 1 if n > 2 else n, answers, limit),
        *_actions(doc, seg, lang, n, limit),
    ]
    footer = f"{b.txt(doc['workshop']['title'], 80)} · {t('documents.internal', lang)}"
    return b.Document(title, lang, footer, blocks, size=9.5, margin=1.5)
