"""What the analysts' workbook (:mod:`.xlsx`) holds: its sheets, their columns and their rows.

The CSV zip (:mod:`.csv_zip`) is for scripts: stable English field names, ids as references.
The workbook is for people who filter and pivot in Excel, so here every reference is shown by
name (the segment's name, the stage's name, the role's name, a finding's sentence) and every
choice by its label in the workshop's language; the id of the row's own element stays, last,
for joining sheets. Each column declares its kind (text, number, yes/no, date, date and time,
list), so the writer can give it a real cell type, and has a header
(``xlsx.col.<key>``) and an explanation on the columns sheet (``xlsx.about.<sheet>.<key>``, or
``xlsx.about.<key>`` when a column means the same on every sheet) in the i18n catalogue.

Pure functions of the map document and the analysis: no workbook library is imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from ..analysis import analyze, advice, title
from ..analysis.insights import THEME_OF
from ..analysis.risk import RISK_TABLE
from ..i18n import catalogue, t
from ..model.defaults import get
from .csv_zip import CRITERIA
from .lookup import usps_by_motive

TEXT, NUMBER, BOOL, DATE, DATETIME, LIST = "text", "number", "bool", "date", "datetime", "list"


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = TEXT


@dataclass(frozen=True)
class Sheet:
    key: str
    columns: tuple[Column, ...]
    rows: Callable[["Context"], Iterable[tuple[Any, ...]]]


def cols(*spec: str) -> tuple[Column, ...]:
    """Columns from ``"key"`` or ``"key:kind"``."""
    out = []
    for item in spec:
        key, _, kind = item.partition(":")
        out.append(Column(key, kind or TEXT))
    return tuple(out)


class Context:
    """The map, its analysis and its names, read once for every sheet."""

    def __init__(self, doc: Mapping[str, Any], lang: str):
        self.doc, self.lang = doc, lang
        self.analysis = analyze(dict(doc), lang)
        self.name: dict[str, str] = {}
        for seg in doc["segments"]:
            self.name[seg["id"]] = seg["name"]
            for stage in seg.get("stages", []):
                self.name[stage["id"]] = stage["name"]
                for step in stage.get("steps", []):
                    self.name[step["id"]] = step["text"]
            for key, field in (("roles", "name"), ("motives", "text"), ("objections", "text")):
                for element in seg.get(key, []):
                    self.name[element["id"]] = element[field]
        for key, field in (("usps", "text"), ("deals", "name"), ("participants", "name"), ("notes", "text"), ("actions", "text")):
            for element in doc.get(key, []):
                self.name[element["id"]] = element[field]

    def label(self, prefix: str, value: Any) -> str | None:
        """A choice's label in the workshop's language (``None`` stays empty)."""
        return None if value is None else t(f"{prefix}{value}", self.lang)

    def names(self, ids: Iterable[str] | None) -> list[str]:
        """The names of referenced elements, in order (an unknown id is shown as it is)."""
        return [self.name.get(i, i) for i in ids or []]

    def segments(self) -> Iterable[Mapping[str, Any]]:
        return self.doc["segments"]


#: the first day Excel's date cells can hold; an earlier date stays text
EXCEL_FIRST_DAY = datetime(1900, 1, 1)


def when(value: str | None) -> datetime | str | None:
    """An RFC 3339 date-time of the map file as a naive UTC datetime (Excel has no time zones),
    or the text as written when Excel cannot hold it as a date."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        if moment.tzinfo:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return value
    return moment if moment >= EXCEL_FIRST_DAY else value


def day(value: str | None) -> date | str | None:
    """An RFC 3339 full-date as a date, or the text as written when Excel cannot hold it."""
    if not value:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        return value
    return found if found >= EXCEL_FIRST_DAY.date() else value


def _segments(c: Context):
    for seg in c.segments():
        result = c.analysis.segment(seg["id"])
        yield (seg["name"], seg.get("description"), c.label("option.procurement.", get("segment", seg, "procurement")),
               seg.get("why_now"), result.risk, len(result.findings), seg["id"])


def _risk(c: Context):
    for seg in c.segments():
        for line in c.analysis.segment(seg["id"]).breakdown:
            each, cap = RISK_TABLE[line.code]
            yield (seg["name"], title(line.code, c.lang), line.count, each, cap, line.points, line.code)


def _findings(c: Context):
    for seg in c.segments():
        for f in c.analysis.segment(seg["id"]).findings:
            yield (seg["name"], t(f"insights.theme.{THEME_OF[f.code]}", c.lang), title(f.code, c.lang), f.message,
                   c.name.get(f.about, f.about), advice(f.code, c.lang), f.code)


def _stages(c: Context):
    for seg in c.segments():
        for i, st in enumerate(seg.get("stages", []), start=1):
            yield (seg["name"], i, st["name"], st.get("customer_goal"), st.get("exit_criteria"), st.get("must_be_true"),
                   st.get("seller_stage"), st.get("seller_activities"), st.get("buyer_enablement"), st.get("questions"), st["id"])


def _steps(c: Context):
    for seg in c.segments():
        for st in seg.get("stages", []):
            for i, step in enumerate(st.get("steps", []), start=1):
                owner = step.get("owner")
                yield (seg["name"], st["name"], i, step["text"], c.label("option.step_kind.", get("step", step, "kind")),
                       c.name.get(owner, owner) if owner else None, bool(get("step", step, "behind_the_scenes")), step["id"])


def _flows(c: Context):
    for seg in c.segments():
        for f in seg.get("flows", []):
            yield (seg["name"], c.name.get(f["from"], f["from"]), c.name.get(f["to"], f["to"]),
                   c.label("option.flow_kind.", get("flow", f, "kind")), f.get("label"), f["from"], f["to"])


def _roles(c: Context):
    for seg in c.segments():
        for r in seg.get("roles", []):
            stance = get("role", r, "stance")
            yield (seg["name"], r["name"], c.label("option.role_function.", r.get("function")),
                   [t(f"option.decision_role.{d}", c.lang) for d in r.get("decision_roles") or []],
                   get("role", r, "influence"), stance, c.label("option.stance.", stance), r.get("personal_risk"),
                   r.get("success_measure"), r.get("our_contact"), r["id"])


def _involvement(c: Context):
    for seg in c.segments():
        for r in seg.get("roles", []):
            for stage_id, level in (r.get("involvement") or {}).items():
                yield (seg["name"], r["name"], c.name.get(stage_id, stage_id), c.label("option.involvement.", level), r["id"], stage_id)


def _relations(c: Context):
    for seg in c.segments():
        for rel in seg.get("relations", []):
            yield (seg["name"], c.name.get(rel["from"], rel["from"]), c.label("option.relation_kind.", rel["kind"]),
                   c.name.get(rel["to"], rel["to"]), rel.get("label"), rel["from"], rel["to"])


def _motives(c: Context):
    serving = usps_by_motive(c.doc)
    for seg in c.segments():
        for m in seg.get("motives", []):
            yield (seg["name"], m["text"], c.label("option.motive_kind.", m.get("kind")), c.names(m.get("roles")),
                   get("motive", m, "importance"), [u["text"] for u in serving.get(m["id"], [])], m["id"])


def _objections(c: Context):
    for seg in c.segments():
        for o in seg.get("objections", []):
            stage = o.get("stage")
            yield (seg["name"], o["text"], c.label("option.objection_kind.", o.get("kind")), c.name.get(stage, stage) if stage else None,
                   c.names(o.get("roles")), c.label("option.no_decision_cause.", get("objection", o, "no_decision_cause")),
                   get("objection", o, "severity"), o.get("responses"), o["id"])


def _usps(c: Context):
    for u in c.doc.get("usps", []):
        yield (u["text"], c.names(u.get("motives")), u["id"])


def _consensus(c: Context):
    for seg in c.segments():
        given = seg.get("consensus") or {}
        for criterion in CRITERIA:
            status = given.get(criterion) or {}
            yield (seg["name"], t(f"consensus.{criterion}", c.lang), c.label("option.status.", get("criterion", status, "status")),
                   status.get("note"))


def _participants(c: Context):
    for p in c.doc.get("participants", []):
        yield (p["name"], c.label("function.", p.get("function")), p.get("country"), p["id"])


def _notes(c: Context):
    for n in c.doc.get("notes", []):
        author, about = n.get("author"), n.get("about")
        yield (n["text"], c.name.get(author, author) if author else None, c.name.get(about, about) if about else None,
               when(n.get("created_at")), n["id"])


def _votes(c: Context):
    for v in c.doc.get("votes", []):
        yield (c.name.get(v["participant"], v["participant"]), c.name.get(v["about"], v["about"]), get("vote", v, "round"), v["dots"])


def _deals(c: Context):
    for d in c.doc.get("deals", []):
        stage = d.get("stage")
        yield (d["name"], c.name.get(d["segment"], d["segment"]), c.name.get(stage, stage) if stage else None,
               d.get("next_internal_step"), c.names(d.get("roles_engaged")), d.get("notes"), d["id"])


def _actions(c: Context):
    for a in c.doc.get("actions", []):
        about = a.get("about")
        yield (a["text"], c.label("option.action_kind.", get("action", a, "kind")), c.name.get(about, about) if about else None,
               a.get("owner"), day(a.get("due")), c.label("option.action_status.", get("action", a, "status")), a["id"])


#: the data sheets, in the workbook's order (after the read-me and the columns sheet)
SHEETS: tuple[Sheet, ...] = (
    Sheet("segments", cols("segment", "description", "procurement", "why_now", "risk:number", "findings:number", "id"), _segments),
    Sheet("risk", cols("segment", "part", "count:number", "points_each:number", "cap:number", "points:number", "code"), _risk),
    Sheet("findings", cols("segment", "theme", "kind", "finding", "about", "advice", "code"), _findings),
    Sheet("stages", cols("segment", "order:number", "stage", "customer_goal", "exit_criteria:list", "must_be_true:list",
                         "seller_stage", "seller_activities:list", "buyer_enablement:list", "questions:list", "id"), _stages),
    Sheet("steps", cols("segment", "stage", "order:number", "step", "step_kind", "step_owner", "behind_the_scenes:bool", "id"), _steps),
    Sheet("flows", cols("segment", "from_step", "to_step", "flow_kind", "label", "from_id", "to_id"), _flows),
    Sheet("roles", cols("segment", "role", "function", "decision_roles:list", "influence:number", "stance:number", "stance_label",
                        "personal_risk", "success_measure", "our_contact", "id"), _roles),
    Sheet("involvement", cols("segment", "role", "stage", "level", "role_id", "stage_id"), _involvement),
    Sheet("relations", cols("segment", "role", "relation", "other_role", "label", "role_id", "other_role_id"), _relations),
    Sheet("motives", cols("segment", "motive", "motive_kind", "whose:list", "importance:number", "usps:list", "id"), _motives),
    Sheet("objections", cols("segment", "objection", "objection_kind", "stage", "raised_by:list", "no_decision_cause",
                             "severity:number", "responses:list", "id"), _objections),
    Sheet("usps", cols("usp", "motives_served:list", "id"), _usps),
    Sheet("consensus", cols("segment", "criterion", "status", "note"), _consensus),
    Sheet("participants", cols("participant", "participant_function", "country", "id"), _participants),
    Sheet("notes", cols("note", "author", "about", "created_at:datetime", "id"), _notes),
    Sheet("votes", cols("participant", "about", "round:number", "dots:number"), _votes),
    Sheet("deals", cols("deal", "segment", "stage", "next_internal_step", "roles_engaged:list", "notes", "id"), _deals),
    Sheet("actions", cols("action", "action_kind", "about", "action_owner", "due:date", "action_status", "id"), _actions),
)


def about(sheet: str, column: str, lang: str) -> str:
    """What a column means: its sheet's own explanation, else the one it has on every sheet."""
    key = f"xlsx.about.{sheet}.{column}"
    return t(key if key in catalogue("en") else f"xlsx.about.{column}", lang)
