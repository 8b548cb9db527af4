"""A coaching sheet for one live deal: what a sales manager and a seller talk through.

The seeds' exercise — pick a live deal, place it on the customer's buying process, find where
consensus is missing, plan one activity — becomes one page of Markdown: the customer's stage and
what the customer must achieve there, the exit criteria to verify (as a checklist), the
questions to ask, the roles engaged and the deciding ones not engaged, the customer's next
internal step (or the finding that nobody knows it), the objections of that stage with their
answers, the segment's no-decision risk, the plan shared with the customer (how far, when the
customer last touched it, the next open lines), and one activity to plan.

It is per deal, so it is not one of :data:`workshop.exports.FORMATS` (those are per map).
CommonMark with every user text through :func:`~workshop.exports.lookup.md_line` (which uses
:func:`~workshop.exports.text.md_text`), so a participant's words never become a link, an
image, HTML or a heading. In the workshop's language unless told otherwise.
"""

from __future__ import annotations

from typing import Any

from ..analysis import Analysis, analyze
from ..analysis import title as finding_title
from ..analysis.followup import deal_health
from ..errors import NotFound
from ..i18n import t
from ..model.defaults import get
from ..model.plan import last_customer_activity, progress, status_of
from .lookup import answered
from .lookup import md_line as _esc

Json = dict[str, Any]

#: how many open lines of the deal's plan the sheet lists
NEXT_LINES = 5


def _find(doc: Json, deal_id: str) -> tuple[Json, Json]:
    for deal in doc.get("deals") or []:
        if deal.get("id") == deal_id:
            for seg in doc.get("segments") or []:
                if seg["id"] == deal.get("segment"):
                    return deal, seg
    raise NotFound(f"no deal '{deal_id}'")


def _bullets(lines: list[str], items: list[str], lang: str, box: bool = False) -> None:
    mark = "- [ ] " if box else "- "
    lines.extend(mark + _esc(item) for item in items)
    if not items:
        lines.append(f"*{t('coaching.empty', lang)}*")
    lines.append("")


def _activity(deal: Json, stage: Json | None, missing: list[tuple[str, str]], lang: str) -> str:
    """The one activity the findings point at first: engage a missing decider, learn the next
    internal step, place the deal, verify an exit criterion, or make the next decision easier."""
    if missing:
        role, how = missing[0]
        return t("coaching.activity.engage", lang, role=_esc(role), involvement=how.lower())
    if not deal.get("next_internal_step"):
        return t("coaching.activity.next_step", lang)
    if stage is None:
        return t("coaching.activity.place", lang)
    if stage.get("exit_criteria"):
        return t("coaching.activity.verify", lang, criterion=_esc(stage["exit_criteria"][0]))
    return t("coaching.activity.default", lang)


def _plan(deal: Json, stages: list[Json], lang: str) -> list[str]:
    """The plan shared with the customer: how far it is, when the customer last touched it, and
    the next open lines (their gaps are among the deal's findings above)."""
    plan = deal.get("plan") or []
    out = [f"## {t('coaching.plan', lang)}", ""]
    if not plan:
        return out + [t("coaching.plan_none", lang), ""]
    done, total = progress(plan)
    last = last_customer_activity(plan)
    out += [t("plan.progress", lang, done=done, total=total) + ". "
            + (t("plan.last_activity", lang, date=last.date().isoformat()) if last else t("plan.no_activity", lang)), ""]
    names = {s["id"]: s["name"] for s in stages}
    open_lines = [line for line in plan if status_of(line) != "done"][:NEXT_LINES]
    if open_lines:
        out += [f"### {t('coaching.plan_next', lang)}", ""]
    for line in open_lines:
        bits = [t(f"plan.kind.{line['kind']}", lang), _esc(names.get(line["stage"], line["stage"]))]
        if line.get("owner"):
            bits.append(_esc(line["owner"]))
        if line.get("due"):
            bits.append(line["due"])
        bits.append(t(f"plan.status.{status_of(line)}", lang))
        out.append(f"- [ ] {_esc(line['text'])} ({' · '.join(bits)})")
    return out + [""]


def coaching_sheet(doc: Json, deal_id: str, lang: str | None = None, *, analysis: Analysis | None = None) -> str:
    """The coaching sheet of deal ``deal_id`` as Markdown (``NotFound`` for an unknown deal)."""
    lang = lang or get("workshop", doc["workshop"], "language")
    deal, seg = _find(doc, deal_id)
    analysis = analysis or analyze(doc, lang)
    result = analysis.segment(seg["id"])
    health = deal_health(seg, deal, result.findings)
    stages = seg.get("stages") or []
    stage = next((s for s in stages if s["id"] == deal.get("stage")), None)
    roles = {r["id"]: r["name"] for r in seg.get("roles") or []}
    how = lambda level: t(f"option.involvement.{level}", lang)

    lines = [f"# {t('coaching.title', lang, deal=_esc(deal['name']))}", ""]
    lines += [
        t("coaching.intro", lang, workshop=_esc(doc["workshop"].get("title") or ""), segment=_esc(seg["name"])),
        "",
    ]
    verdict = "coaching.verdict.lacks" if health.findings else "coaching.verdict.ok"
    lines += [f"**{t(verdict, lang)}**", ""]
    lines.extend(f"- {_esc(f.message)}" for f in health.findings)
    if health.findings:
        lines.append("")

    lines += [f"## {t('coaching.stage', lang)}", ""]
    if stage is None:
        lines += [t("coaching.no_stage", lang), ""]
    else:
        number = stages.index(stage) + 1
        lines += [t("coaching.stage_line", lang, number=number, count=len(stages), name=_esc(stage["name"])), ""]
        lines += [
            f"**{t('coaching.goal', lang)}:** "
            + (_esc(stage["customer_goal"]) if stage.get("customer_goal") else f"*{t('coaching.empty', lang)}*"),
            "",
        ]
        lines += [f"### {t('coaching.verify', lang)}", ""]
        _bullets(lines, list(stage.get("exit_criteria") or []), lang, box=True)
        lines += [f"### {t('coaching.ask', lang)}", ""]
        _bullets(lines, list(stage.get("questions") or []), lang)

    lines += [f"## {t('coaching.roles', lang)}", ""]
    lines += [f"### {t('coaching.engaged', lang)}", ""]
    _bullets(lines, [roles.get(r, r) for r in deal.get("roles_engaged") or []], lang)
    lines += [f"### {t('coaching.missing', lang)}", ""]
    lines.extend(f"- {_esc(m.name)} ({how(m.involvement)})" for m in health.missing)
    if not health.missing:
        lines.append(t("coaching.none_missing" if stage is not None else "coaching.missing_unknown", lang))
    lines.append("")

    lines += [f"## {t('coaching.next_step', lang)}", ""]
    if deal.get("next_internal_step"):
        lines.append(_esc(deal["next_internal_step"]))
    else:
        lines.append(f"**{finding_title('deal_no_next_step', lang)}.** {t('finding.deal_no_next_step.advice', lang)}")
    lines.append("")

    if stage is not None:
        lines += [f"## {t('coaching.objections', lang)}", ""]
        objections = [o for o in seg.get("objections") or [] if o.get("stage") == stage["id"]]
        for o in objections:
            lines += answered(f"**{_esc(o['text'])}**", o.get("responses"), t("coaching.no_response", lang))
        if not objections:
            lines.append(f"*{t('coaching.no_objections', lang)}*")
        lines.append("")

    lines += [f"## {t('coaching.risk', lang)}", ""]
    lines += [t("coaching.risk_line", lang, risk=result.risk, segment=_esc(seg["name"])), ""]
    top = sorted(result.breakdown, key=lambda line: -line.points)[:3]
    lines.extend(
        f"- {t('coaching.risk_part', lang, title=finding_title(r.code, lang), count=r.count, points=r.points)}"
        for r in top
    )
    if top:
        lines.append("")

    lines += _plan(deal, stages, lang)

    missing = [(m.name, how(m.involvement)) for m in health.missing]
    lines += [f"## {t('coaching.activity', lang)}", ""]
    lines += [_activity(deal, stage, missing, lang), ""]
    lines += [
        f"- {t('coaching.activity.what', lang)}: ",
        f"- {t('coaching.activity.who', lang)}: ",
        f"- {t('coaching.activity.when', lang)}: ",
        "",
    ]
    if deal.get("notes"):
        lines += [f"## {t('coaching.notes', lang)}", "", _esc(deal["notes"]), ""]
    return "\n".join(lines)
