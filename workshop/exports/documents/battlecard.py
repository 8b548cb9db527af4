"""The objection-handling battle card (``--format battlecard``): a seller's sheet for the call.

Per segment (one, or every segment of the map): the motives to lean on, then every objection,
most severe first, with what a seller needs at hand when it is raised: who raises it, where in
the buying process, which kind of "no decision" it feeds, and the answers the group agreed (or
plainly that there is none yet). It is for the seller's side, so it is not the customer's
package: it may name our view of the objection, but it shows no personal risk either.
"""

from __future__ import annotations

from typing import Any

from ...i18n import t
from ...model.defaults import get
from ..lookup import names
from . import blocks as b

Json = dict[str, Any]


def _objection(obj: Json, by_id: dict[str, str], lang: str) -> list[b.Block]:
    severity = get("objection", obj, "severity")
    out = [b.h(3, obj["text"])]
    facts = [b.item(f"{severity} / 5", label=t("field.objection.severity", lang))]
    roles = [b.txt(by_id[r]) for r in obj.get("roles") or [] if r in by_id]
    if roles:
        facts.append(b.item("; ".join(roles), label=t("field.objection.roles", lang)))
    if obj.get("stage") in by_id:
        facts.append(b.item(by_id[obj["stage"]], label=t("field.objection.stage", lang)))
    cause = get("objection", obj, "no_decision_cause")
    if cause and cause != "none":
        facts.append(b.item(t(f"option.no_decision_cause.{cause}", lang), label=t("field.objection.no_decision_cause", lang)))
    out.append(b.bullets(facts))
    out.append(b.h(4, t("documents.battlecard.answers", lang)))
    answers = obj.get("responses") or []
    out.append(b.bullets([b.item(r) for r in answers], numbered=True) if answers else b.empty(t("documents.no_answer", lang)))
    return out


def _segment(seg: Json, lang: str) -> list[b.Block]:
    by_id = names(seg)
    motives = sorted(seg.get("motives", []), key=lambda m: -get("motive", m, "importance"))[:5]
    objections = sorted(seg.get("objections", []), key=lambda o: -get("objection", o, "severity"))
    out = [b.h(1, seg["name"]), b.h(2, t("documents.battlecard.motives", lang))]
    out.append(b.bullets([b.item(m["text"]) for m in motives]) if motives else b.empty(t("documents.none", lang)))
    out.append(b.h(2, t("documents.battlecard.objections", lang)))
    for obj in objections:
        out += _objection(obj, by_id, lang)
    if not objections:
        out.append(b.empty(t("documents.none", lang)))
    return out


def battlecard(doc: Json, segment: str | None, lang: str) -> b.Document:
    """The battle card of segment ``segment``, or of every segment when it is ``None``."""
    segments = [s for s in doc["segments"] if segment is None or s["id"] == segment]
    title = t("documents.battlecard.title", lang)
    blocks = [b.title(title), b.subtitle(doc["workshop"]["title"]), b.p(t("documents.battlecard.intro", lang))]
    for seg in segments:
        blocks += _segment(seg, lang)
    footer = f"{b.txt(doc['workshop']['title'], 80)} · {t('documents.internal', lang)}"
    return b.Document(title, lang, footer, blocks, size=10)
