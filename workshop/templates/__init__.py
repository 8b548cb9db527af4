"""Built-in starting maps: blank, a generic B2B buying process, a public-sector tender.

A template is a map document in the workshop's language, so a new workshop starts from the
customer's stages (never the seller's) with example exit criteria the group can rewrite. Texts
come from the i18n area ``templates``.
"""

from __future__ import annotations

from typing import Any

from ..i18n import t

TEMPLATES = ("blank", "b2b", "tender")

# stage keys per template; each stage has name, goal, exit, seller texts in i18n
_STAGES = {
    "blank": (),
    "b2b": ("recognise", "explore", "requirements", "select", "validate", "decide"),
    "tender": ("need", "prepare", "tender", "evaluate", "award", "implement"),
}


def template_map(template: str, *, workshop_id: str, title: str, lang: str, question: str | None = None, offering: str | None = None) -> dict[str, Any]:
    """A new map document from ``template`` (one of :data:`TEMPLATES`)."""
    if template not in _STAGES:
        raise ValueError(f"unknown template {template!r}")
    workshop: dict[str, Any] = {"id": workshop_id, "title": title, "language": lang}
    if question:
        workshop["question"] = question
    if offering:
        workshop["offering"] = offering
    stages = []
    for i, key in enumerate(_STAGES[template], start=1):
        base = f"template.{template}.{key}"
        stages.append(
            {
                "id": f"s{i}",
                "name": t(f"{base}.name", lang),
                "customer_goal": t(f"{base}.goal", lang),
                "exit_criteria": [t(f"{base}.exit", lang)],
                "seller_stage": t(f"{base}.seller", lang),
                "steps": [],
            }
        )
    segment: dict[str, Any] = {
        "id": "seg-1",
        "name": t("template.segment", lang),
        "procurement": "formal_tender" if template == "tender" else "informal",
        "stages": stages,
    }
    return {"format": "kopkarta-map", "version": 1, "workshop": workshop, "participants": [], "segments": [segment]}
