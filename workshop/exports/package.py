"""The decision package (``--format package``): buyer enablement a champion takes inside.

Most of a purchase happens in the customer's own meetings, without the seller. This document is
written *for the customer* ("you", "your organisation"): per segment, where you are and why now,
what you want to achieve, your options (keep today's way of working, or move ahead with the
offering and how it meets what matters to you), a recommended track whose milestones are the
stages' exit criteria, what it takes from you (steps and roles), the risks and how to test them
early (objections and their answers), and what each role needs in order to feel safe.

It deliberately leaves out what is the seller's business: our contacts, our sales stages and
activities, stance and influence ratings, and the analysis' findings. Markdown with every user
text through :func:`~workshop.exports.lookup.md_line`.
"""

from __future__ import annotations

from typing import Any

from ..i18n import t
from ..model.defaults import get
from .lookup import involved, names, usps_by_motive
from .lookup import md_line as _esc


def _list(lines: list[str], items: list[Any], lang: str, empty: str = "package.to_agree") -> None:
    lines.extend(f"- {_esc(item)}" for item in items)
    if not items:
        lines.append(f"*{t(empty, lang)}*")
    lines.append("")


def _situation(lines: list[str], seg: dict[str, Any], lang: str) -> None:
    lines += [f"### {t('package.situation', lang)}", ""]
    if seg.get("description"):
        lines += [f"**{t('package.today', lang)}:** {_esc(seg['description'])}", ""]
    if seg.get("why_now"):
        lines += [f"**{t('package.why_now', lang)}:** {_esc(seg['why_now'])}", ""]
    if not seg.get("description") and not seg.get("why_now"):
        lines += [f"*{t('package.to_agree', lang)}*", ""]


def _goal(lines: list[str], seg: dict[str, Any], motives: list[dict[str, Any]], lang: str) -> None:
    lines += [f"### {t('package.goal', lang)}", ""]
    goals = [(s["name"], s["customer_goal"]) for s in seg.get("stages", []) if s.get("customer_goal")]
    lines.extend(f"- **{_esc(name)}:** {_esc(goal)}" for name, goal in goals)
    if not goals:
        lines.append(f"*{t('package.to_agree', lang)}*")
    lines += ["", f"#### {t('package.matters', lang)}", ""]
    _list(lines, [m["text"] for m in motives], lang)


def _options(lines: list[str], motives: list[dict[str, Any]], serving: dict[str, list], offering: str, lang: str) -> None:
    lines += [f"### {t('package.options', lang)}", ""]
    lines += [f"1. **{t('package.option_status_quo', lang)}**", "", f"   {t('package.option_status_quo_text', lang)}", ""]
    lines.extend(f"   - {_esc(m['text'])}" for m in motives)
    if not motives:
        lines.append(f"   - *{t('package.to_agree', lang)}*")
    lines += ["", f"2. **{t('package.option_offering', lang, offering=offering)}**", "", f"   {t('package.option_offering_text', lang)}", ""]
    for motive in motives:
        how = "; ".join(_esc(u["text"]) for u in serving.get(motive["id"], []))
        lines.append(f"   - {_esc(motive['text'])}: {how or '*' + t('package.option_open', lang) + '*'}")
    if not motives:
        lines.append(f"   - *{t('package.to_agree', lang)}*")
    lines.append("")


def _track(lines: list[str], seg: dict[str, Any], lang: str) -> None:
    lines += [f"### {t('package.recommended', lang)}", ""]
    for number, stage in enumerate(seg.get("stages", []), start=1):
        lines += [f"#### {t('package.stage', lang, number=number, name=_esc(stage['name']))}", ""]
        if stage.get("customer_goal"):
            lines += [_esc(stage["customer_goal"]), ""]
        lines += [f"**{t('package.milestones', lang)}**", ""]
        _list(lines, stage.get("exit_criteria") or [], lang)
        if stage.get("questions"):
            lines += [f"**{t('package.questions', lang)}**", ""]
            _list(lines, stage["questions"], lang)
        if stage.get("buyer_enablement"):
            lines += [f"**{t('package.material', lang)}**", ""]
            _list(lines, stage["buyer_enablement"], lang)


def _takes(lines: list[str], seg: dict[str, Any], lang: str) -> None:
    lines += [f"### {t('package.takes', lang)}", ""]
    by_id = names(seg)
    for number, stage in enumerate(seg.get("stages", []), start=1):
        lines += [f"#### {t('package.stage', lang, number=number, name=_esc(stage['name']))}", ""]
        steps = stage.get("steps", [])
        for step in steps:
            who = f" — {_esc(by_id[step['owner']])}" if step.get("owner") in by_id else ""
            internal = f" *({t('package.internal', lang)})*" if get("step", step, "behind_the_scenes") else ""
            lines.append(f"- {_esc(step['text'])}{who}{internal}")
        if not steps:
            lines.append(f"*{t('package.to_agree', lang)}*")
        lines.append("")
        people = involved(seg, stage["id"])
        if people:
            lines += [f"**{t('package.who', lang)}:** "
                      + "; ".join(f"{_esc(role['name'])} ({t(f'option.involvement.{level}', lang)})" for role, level in people), ""]


def _risks(lines: list[str], seg: dict[str, Any], lang: str) -> None:
    lines += [f"### {t('package.risks', lang)}", ""]
    objections = sorted(seg.get("objections", []), key=lambda o: -get("objection", o, "severity"))
    for obj in objections:
        lines.append(f"- **{_esc(obj['text'])}**")
        responses = obj.get("responses") or []
        if len(responses) == 1:
            lines.append(f"  - {t('package.test_early', lang)}: {_esc(responses[0])}")
        elif responses:  # each answer a line of its own: run together they read as one sentence
            lines.append(f"  - {t('package.test_early', lang)}:")
            lines.extend(f"    - {_esc(r)}" for r in responses)
        else:
            lines.append(f"  - *{t('package.untested', lang)}*")
    if not objections:
        lines.append(f"*{t('package.to_agree', lang)}*")
    lines.append("")


def _safe(lines: list[str], seg: dict[str, Any], lang: str) -> None:
    lines += [f"### {t('package.safe', lang)}", ""]
    roles = seg.get("roles", [])
    for role in roles:
        lines.append(f"- **{_esc(role['name'])}**")
        # the personal risk we noted for their people is ours to know, not a line in a document
        # the customer passes around (issue 19): the package shows what success means to them
        value = _esc(role["success_measure"]) if role.get("success_measure") else f"*{t('package.to_agree', lang)}*"
        lines.append(f"  - {t('package.success', lang)}: {value}")
    if not roles:
        lines.append(f"*{t('package.to_agree', lang)}*")
    lines.append("")


def to_package(doc: dict[str, Any], lang: str) -> bytes:
    """One decision package per segment, in one UTF-8 Markdown document."""
    ws = doc["workshop"]
    offering = _esc(ws["offering"]) if ws.get("offering") else t("package.default_offering", lang)
    serving = usps_by_motive(doc)
    lines = [f"# {t('package.title', lang, offering=offering)}", "", t("package.intro", lang), ""]
    for seg in doc["segments"]:
        motives = sorted(seg.get("motives", []), key=lambda m: -get("motive", m, "importance"))
        lines += [f"## {t('package.for_segment', lang, name=_esc(seg['name']))}", ""]
        _situation(lines, seg, lang)
        _goal(lines, seg, motives, lang)
        _options(lines, motives, serving, offering, lang)
        _track(lines, seg, lang)
        _takes(lines, seg, lang)
        _risks(lines, seg, lang)
        _safe(lines, seg, lang)
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
