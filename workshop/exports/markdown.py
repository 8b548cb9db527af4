"""The playbook (``--format md``): the buyer-aligned sales process as sales enablement.

Sellers read it before a meeting, so it follows the customer's buying stages, not ours: per
segment and stage, what the customer must do (behind-the-scenes steps marked, with the role
that does them), how we know it moved on, what must be true, who is involved, the questions to
ask, what we do and the material that helps; then the buying group, the motives (with the
USPs that serve them), objections with their answers and the risks (no-decision causes, the
analysis' gaps and the no-decision risk).

CommonMark (and Python-Markdown) with every user text through
:func:`~workshop.exports.lookup.md_line` (:func:`~workshop.exports.text.md_text`; ``md_cell``
in the table, which also escapes ``|``), so a participant's words can never become a link, an
image, HTML or a heading, and the file still reads as written. Empty sections say "not mapped yet" instead of vanishing: the gap is the
message. Headings and labels come from the i18n catalogue in the workshop's language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..analysis import analyze
from ..analysis import title as finding_title
from ..i18n import t
from ..model.defaults import get
from .lookup import answered, involved, names, usps_by_motive
from .lookup import md_cell
from .lookup import md_line as _esc


def _bullets(lines: list[str], items: Iterable[Any], lang: str) -> None:
    """One bullet per item (escaped), or the "not mapped yet" line."""
    items = list(items)
    lines.extend(f"- {_esc(item)}" for item in items)
    if not items:
        lines.append(f"*{t('playbook.empty', lang)}*")
    lines.append("")


def _stance(value: int, lang: str) -> str:
    return t(f"option.stance.{value}", lang)


def _stage(lines: list[str], seg: dict[str, Any], number: int, stage: dict[str, Any], lang: str) -> None:
    by_id = names(seg)
    lines += [f"### {t('playbook.stage_heading', lang, number=number, name=_esc(stage['name']))}", ""]
    if stage.get("customer_goal"):
        lines += [f"**{t('field.stage.customer_goal', lang)}:** {_esc(stage['customer_goal'])}", ""]

    lines += [f"#### {t('playbook.customer_steps', lang)}", ""]
    steps = stage.get("steps", [])
    for step in steps:
        extra = [t(f"option.step_kind.{get('step', step, 'kind')}", lang)]
        if step.get("owner") in by_id:
            extra.append(f"{t('playbook.owner', lang)}: {_esc(by_id[step['owner']])}")
        hidden = f" **({t('playbook.behind_the_scenes', lang)})**" if get("step", step, "behind_the_scenes") else ""
        lines.append(f"- {_esc(step['text'])}{hidden} — {'; '.join(extra)}")
    if not steps:
        lines.append(f"*{t('playbook.empty', lang)}*")
    lines.append("")

    lines += [f"#### {t('playbook.exit_criteria', lang)}", ""]
    _bullets(lines, stage.get("exit_criteria") or [], lang)
    lines += [f"#### {t('playbook.must_be_true', lang)}", ""]
    _bullets(lines, stage.get("must_be_true") or [], lang)

    lines += [f"#### {t('playbook.involved', lang)}", ""]
    people = involved(seg, stage["id"])
    lines.extend(f"- {_esc(role['name'])}: {t(f'option.involvement.{level}', lang)}" for role, level in people)
    if not people:
        lines.append(f"*{t('playbook.empty', lang)}*")
    lines.append("")

    lines += [f"#### {t('playbook.questions', lang)}", ""]
    _bullets(lines, stage.get("questions") or [], lang)
    lines += [f"#### {t('playbook.seller', lang)}", ""]
    if stage.get("seller_stage"):
        lines += [f"**{t('field.stage.seller_stage', lang)}:** {_esc(stage['seller_stage'])}", ""]
    _bullets(lines, stage.get("seller_activities") or [], lang)
    lines += [f"#### {t('playbook.material', lang)}", ""]
    _bullets(lines, stage.get("buyer_enablement") or [], lang)


def _group(lines: list[str], seg: dict[str, Any], lang: str) -> None:
    lines += [f"### {t('playbook.group', lang)}", ""]
    roles = seg.get("roles", [])
    if not roles:
        lines += [f"*{t('playbook.empty', lang)}*", ""]
        return
    head = [
        t("field.role.name", lang), t("field.role.decision_roles", lang), t("field.role.influence", lang),
        t("field.role.stance", lang), t("field.role.personal_risk", lang), t("field.role.success_measure", lang),
        t("field.role.our_contact", lang),
    ]
    lines.append("| " + " | ".join(md_cell(h) for h in head) + " |")
    lines.append("|" + "---|" * len(head))
    for role in roles:
        cells = [
            md_cell(role["name"]),
            ", ".join(t(f"option.decision_role.{d}", lang) for d in role.get("decision_roles") or []),
            str(get("role", role, "influence")),
            _stance(get("role", role, "stance"), lang),
            md_cell(role.get("personal_risk", "")),
            md_cell(role.get("success_measure", "")),
            md_cell(role.get("our_contact", "")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")


def _motives(lines: list[str], seg: dict[str, Any], serving: dict[str, list], lang: str) -> None:
    lines += [f"### {t('playbook.motives', lang)}", ""]
    by_id = names(seg)
    motives = seg.get("motives", [])
    for motive in motives:
        meta = [f"{t('field.motive.importance', lang)}: {get('motive', motive, 'importance')}"]
        if motive.get("kind"):
            meta.append(t(f"option.motive_kind.{motive['kind']}", lang))
        whose = [_esc(by_id[r]) for r in motive.get("roles") or [] if r in by_id]
        if whose:
            meta.append(f"{t('field.motive.roles', lang)}: {', '.join(whose)}")
        lines.append(f"- **{_esc(motive['text'])}** ({'; '.join(meta)})")
        usps = serving.get(motive["id"], [])
        if usps:
            lines.append(f"  - {t('playbook.served_by', lang)}: " + "; ".join(_esc(u["text"]) for u in usps))
        else:
            lines.append(f"  - *{t('playbook.not_served', lang)}*")
    if not motives:
        lines.append(f"*{t('playbook.empty', lang)}*")
    lines.append("")


def _objections(lines: list[str], seg: dict[str, Any], lang: str) -> None:
    lines += [f"### {t('playbook.objections', lang)}", ""]
    by_id = names(seg)
    objections = seg.get("objections", [])
    for obj in objections:
        meta = [f"{t('field.objection.severity', lang)}: {get('objection', obj, 'severity')}"]
        if obj.get("kind"):
            meta.append(t(f"option.objection_kind.{obj['kind']}", lang))
        if obj.get("stage") in by_id:
            meta.append(f"{t('field.objection.stage', lang)}: {_esc(by_id[obj['stage']])}")
        who = [_esc(by_id[r]) for r in obj.get("roles") or [] if r in by_id]
        if who:
            meta.append(f"{t('field.objection.roles', lang)}: {', '.join(who)}")
        cause = get("objection", obj, "no_decision_cause")
        if cause != "none":
            meta.append(f"{t('field.objection.no_decision_cause', lang)}: {t(f'option.no_decision_cause.{cause}', lang)}")
        lines += answered(f"**{_esc(obj['text'])}** ({'; '.join(meta)})", obj.get("responses"), t("playbook.no_response", lang))
    if not objections:
        lines.append(f"*{t('playbook.empty', lang)}*")
    lines.append("")


def _risks(lines: list[str], seg: dict[str, Any], result: Any, lang: str) -> None:
    lines += [f"### {t('playbook.risks', lang)}", "", f"**{t('playbook.risk_score', lang, risk=result.risk)}**", ""]
    lines += [f"#### {t('playbook.causes', lang)}", ""]
    causes = Counter(get("objection", o, "no_decision_cause") for o in seg.get("objections", []))
    causes.pop("none", None)
    for cause, count in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"- {t('playbook.cause_count', lang, cause=t(f'option.no_decision_cause.{cause}', lang), count=count)}")
    if not causes:
        lines.append(f"*{t('playbook.no_causes', lang)}*")
    lines += ["", f"#### {t('playbook.findings', lang)}", ""]
    for finding in result.findings:
        lines.append(f"- **{_esc(finding_title(finding.code, lang))}:** {_esc(finding.message)}")
    if not result.findings:
        lines.append(f"*{t('playbook.no_findings', lang)}*")
    lines.append("")


def to_markdown(doc: dict[str, Any], lang: str) -> bytes:
    """The playbook of every segment, as UTF-8 CommonMark."""
    ws = doc["workshop"]
    analysis = analyze(doc, lang)
    serving = usps_by_motive(doc)
    lines = [f"# {t('playbook.title', lang, title=_esc(ws['title']))}", "", t("playbook.intro", lang), ""]
    if ws.get("question"):
        lines += [f"**{t('playbook.question', lang)}:** {_esc(ws['question'])}", ""]
    if ws.get("offering"):
        lines += [f"**{t('playbook.offering', lang)}:** {_esc(ws['offering'])}", ""]
    for seg in doc["segments"]:
        lines += [f"## {t('field.segment.name', lang)}: {_esc(seg['name'])}", ""]
        if seg.get("description"):
            lines += [_esc(seg["description"]), ""]
        if seg.get("why_now"):
            lines += [f"**{t('field.segment.why_now', lang)}** {_esc(seg['why_now'])}", ""]
        procurement = get("segment", seg, "procurement")
        lines += [f"**{t('field.segment.procurement', lang)}:** {t(f'option.procurement.{procurement}', lang)}", ""]
        for number, stage in enumerate(seg.get("stages", []), start=1):
            _stage(lines, seg, number, stage, lang)
        _group(lines, seg, lang)
        _motives(lines, seg, serving, lang)
        _objections(lines, seg, lang)
        _risks(lines, seg, analysis.segment(seg["id"]), lang)
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
