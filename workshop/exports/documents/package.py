"""The decision package of ONE segment as blocks, for the PDF and the Word file.

The same content as the Markdown package (:mod:`workshop.exports.package`), in the same words of
the catalogue, written for the customer: where you are and why now, what you want to achieve,
your options, a recommended track whose milestones are the stages' exit criteria, what it takes
from you, the risks and how to test them early, and what each role needs to feel safe. One
segment per document, because one package for every segment is not something you send a
customer. The personal risk we noted for their people is ours to know: it never appears here,
nor anything else that is the seller's business (our contacts, stance, influence, findings).
"""

from __future__ import annotations

from typing import Any

from ...i18n import t
from ...model.defaults import get
from ..lookup import involved, names, usps_by_motive
from . import blocks as b

Json = dict[str, Any]


def _or_agree(items: list[dict], lang: str, numbered: bool = False) -> list[b.Block]:
    return [b.bullets(items, numbered)] if items else [b.empty(t("package.to_agree", lang))]


def _situation(seg: Json, lang: str) -> list[b.Block]:
    out = [b.h(2, t("package.situation", lang))]
    if seg.get("description"):
        out.append(b.field(t("package.today", lang), seg["description"]))
    if seg.get("why_now"):
        out.append(b.field(t("package.why_now", lang), seg["why_now"]))
    return out if len(out) > 1 else out + [b.empty(t("package.to_agree", lang))]


def _goal(seg: Json, motives: list[Json], lang: str) -> list[b.Block]:
    goals = [b.item(s["customer_goal"], label=s["name"]) for s in seg.get("stages", []) if s.get("customer_goal")]
    return [
        b.h(2, t("package.goal", lang)),
        *_or_agree(goals, lang),
        b.h(3, t("package.matters", lang)),
        *_or_agree([b.item(m["text"]) for m in motives], lang),
    ]


def _options(motives: list[Json], serving: dict[str, list], offering: str, lang: str) -> list[b.Block]:
    agree = [t("package.to_agree", lang)]
    keep = [m["text"] for m in motives] or agree
    how = [
        f"{b.txt(m['text'])}: " + ("; ".join(b.txt(u["text"]) for u in serving.get(m["id"], [])) or t("package.option_open", lang))
        for m in motives
    ] or agree
    return [
        b.h(2, t("package.options", lang)),
        b.bullets(
            [
                b.item(t("package.option_status_quo_text", lang), label=t("package.option_status_quo", lang), sub=keep),
                b.item(t("package.option_offering_text", lang), label=t("package.option_offering", lang, offering=offering), sub=how),
            ],
            numbered=True,
        ),
    ]


def _track(seg: Json, lang: str) -> list[b.Block]:
    out = [b.h(2, t("package.recommended", lang))]
    for number, stage in enumerate(seg.get("stages", []), start=1):
        out.append(b.h(3, t("package.stage", lang, number=number, name=b.txt(stage["name"]))))
        if stage.get("customer_goal"):
            out.append(b.p(stage["customer_goal"]))
        out.append(b.h(4, t("package.milestones", lang)))
        out += _or_agree([b.item(c) for c in stage.get("exit_criteria") or []], lang)
        for key, heading in (("questions", "package.questions"), ("buyer_enablement", "package.material")):
            if stage.get(key):
                out += [b.h(4, t(heading, lang)), b.bullets([b.item(x) for x in stage[key]])]
    return out


def _takes(seg: Json, lang: str) -> list[b.Block]:
    out = [b.h(2, t("package.takes", lang))]
    by_id = names(seg)
    for number, stage in enumerate(seg.get("stages", []), start=1):
        out.append(b.h(3, t("package.stage", lang, number=number, name=b.txt(stage["name"]))))
        steps = []
        for step in stage.get("steps", []):
            who = by_id.get(step.get("owner") or "")
            internal = t("package.internal", lang) if get("step", step, "behind_the_scenes") else None
            note = "; ".join(x for x in (b.txt(who) if who else None, internal) if x) or None
            steps.append(b.item(step["text"], note=note))
        out += _or_agree(steps, lang)
        people = involved(seg, stage["id"])
        if people:
            who = "; ".join(f"{b.txt(role['name'])} ({t(f'option.involvement.{level}', lang)})" for role, level in people)
            out.append(b.field(t("package.who", lang), who))
    return out


def _risks(seg: Json, lang: str) -> list[b.Block]:
    objections = sorted(seg.get("objections", []), key=lambda o: -get("objection", o, "severity"))
    items = []
    for obj in objections:
        answers = [f"{t('package.test_early', lang)}: {b.txt(r)}" for r in obj.get("responses") or []]
        items.append(b.item(obj["text"], sub=answers or [t("package.untested", lang)]))
    return [b.h(2, t("package.risks", lang)), *_or_agree(items, lang)]


def _safe(seg: Json, lang: str) -> list[b.Block]:
    # what success means to each of their people, and never the personal risk we noted (issue 19)
    items = [
        b.item(t("package.success", lang), label=role["name"],
               sub=[role.get("success_measure") or t("package.to_agree", lang)])
        for role in seg.get("roles", [])
    ]
    return [b.h(2, t("package.safe", lang)), *_or_agree(items, lang)]


def package(doc: Json, segment: str, lang: str) -> b.Document:
    """The decision package of segment ``segment`` (an id of the map's segments)."""
    ws = doc["workshop"]
    seg = next(s for s in doc["segments"] if s["id"] == segment)
    offering = b.txt(ws["offering"]) if ws.get("offering") else t("package.default_offering", lang)
    motives = sorted(seg.get("motives", []), key=lambda m: -get("motive", m, "importance"))
    title = t("package.title", lang, offering=offering)
    blocks = [
        b.title(title),
        b.subtitle(t("package.for_segment", lang, name=b.txt(seg["name"]))),
        b.p(t("package.intro", lang)),
        *_situation(seg, lang),
        *_goal(seg, motives, lang),
        *_options(motives, usps_by_motive(doc), offering, lang),
        *_track(seg, lang),
        *_takes(seg, lang),
        *_risks(seg, lang),
        *_safe(seg, lang),
    ]
    return b.Document(title, lang, f"{b.txt(ws['title'])} · {b.txt(seg['name'])}", blocks)
