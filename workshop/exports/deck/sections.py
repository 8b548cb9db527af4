"""What each part of the deck says: the map's content turned into table rows and chart data.

One function per section, each reading the map document (defaults through
:func:`workshop.model.defaults.get`) and handing rows to :class:`~.layout.Deck`, which splits
them over slides. Codes become labels through the shared i18n keys (``option.*``, ``kind.*``,
``consensus.*``, ``finding.*``); user text is passed on as it is and clipped only for the slide.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from workshop.analysis import Analysis, SegmentResult, advice, title
from workshop.analysis.friction import cause_summary, top_cause
from workshop.model.defaults import get
from workshop.model.kinds import CONSENSUS_CRITERIA

from . import charts
from .layout import BODY_TOP, MARGIN, WIDTH, Column, Deck, clean, clip

Doc = dict[str, Any]
#: elements shown in the dot-vote bar chart (the table lists them all)
TOP_VOTED = 15
#: elements listed in the dot-vote table; the rest are summed in one last row (the csv export has
#: every vote): a ranking is read from the top, and 90 slides of single dots help nobody
VOTES_LISTED = 40


class Index:
    """Every element of the map by id: its kind, a readable label and its segment's name."""

    def __init__(self, doc: Doc):
        self.items: dict[str, tuple[str, str, str]] = {}
        self.segment_names = segment_names(doc)
        self._shared: set[str] | None = None
        for seg in doc["segments"]:
            name = self.segment_names[seg["id"]]
            self.items[seg["id"]] = ("segment", name, name)
            for stage in seg.get("stages", []):
                self.items[stage["id"]] = ("stage", stage["name"], name)
                for step in stage.get("steps", []):
                    self.items[step["id"]] = ("step", step["text"], name)
            for kind, key, field in (("role", "roles", "name"), ("motive", "motives", "text"), ("objection", "objections", "text")):
                for item in seg.get(key, []):
                    self.items[item["id"]] = (kind, item[field], name)
        for kind, key, field in (("usp", "usps", "text"), ("deal", "deals", "name"), ("action", "actions", "text"),
                                 ("participant", "participants", "name"), ("note", "notes", "text")):
            for item in doc.get(key, []):
                seg_name = self.items.get(item.get("segment", ""), ("", "", ""))[2]
                self.items[item["id"]] = (kind, item[field], seg_name)

    def label(self, eid: str | None) -> str:
        return self.items[eid][1] if eid in self.items else (eid or "")

    def kind(self, eid: str) -> str:
        return self.items[eid][0] if eid in self.items else ""

    def segment(self, eid: str) -> str:
        return self.items[eid][2] if eid in self.items else ""

    def names(self, ids: list[str] | None) -> list[str]:
        return [self.label(i) for i in ids or []]

    def chart_labels(self, ids: list[str]) -> list[str]:
        """Labels for a chart: "Name (Segment)" where elements of two segments of the map share
        a name (a bar "Role 1" alone cannot say whose Role 1 it is)."""
        if self._shared is None:
            segs: dict[str, set[str]] = {}
            for kind, label, seg in self.items.values():
                if kind != "segment":
                    segs.setdefault(clean(label), set()).add(seg)
            self._shared = {label for label, names in segs.items() if len(names) > 1}
        return [f"{clean(self.label(eid))} ({self.segment(eid)})" if clean(self.label(eid)) in self._shared and self.segment(eid)
                else self.label(eid) for eid in ids]


def segment_names(doc: Doc) -> dict[str, str]:
    """Each segment's name, numbered ("Name (2)") where two segments share it, so a label that
    carries its segment tells them apart."""
    counts = Counter(clean(s["name"]) for s in doc["segments"])
    seen: Counter[str] = Counter()
    out = {}
    for seg in doc["segments"]:
        name = clean(seg["name"])
        seen[name] += 1
        out[seg["id"]] = f"{name} ({seen[name]})" if counts[name] > 1 else seg["name"]
    return out


def _seg(name: str) -> str:
    return clip(name, 60)


# --- the opening -------------------------------------------------------------------------------
def title_slide(deck: Deck, doc: Doc, kind: str) -> None:
    """The workshop's title, ``kind`` (which deck this is), its question, offering and segments."""
    ws = doc["workshop"]
    lines = [kind]
    if ws.get("question"):
        lines.append(f"{deck.t('deck.question')}: {clip(ws['question'], 300)}")
    if ws.get("offering"):
        lines.append(f"{deck.t('deck.offering')}: {clip(ws['offering'], 200)}")
    names = [clip(s["name"], 60) for s in doc["segments"]]
    shown = ", ".join(names[:6]) + (" " + deck.t("deck.more", count=len(names) - 6) if len(names) > 6 else "")
    lines.append(f"{deck.t('deck.segments')}: {shown}")
    if ws.get("created_at"):
        lines.append(clip(ws["created_at"][:10], 10))
    notes = [deck.t("deck.notes.title", title=clip(ws["title"], 140), count=len(doc["segments"]))]
    if ws.get("question"):
        notes.append(deck.t("deck.notes.question", question=clip(ws["question"], 300)))
    deck.title_slide(ws["title"], deck.t("deck.subtitle"), lines, notes)


def risk_overview(deck: Deck, doc: Doc, analysis: Analysis) -> None:
    cols = [Column(deck.t("deck.col.segment"), 3), Column(deck.t("deck.col.risk"), 1.2), Column(deck.t("deck.col.findings"), 1)]
    rows = [[seg["name"], str(res.risk), str(len(res.findings))] for seg, res in zip(doc["segments"], analysis.segments)]
    deck.table_slides(deck.t("deck.risk_overview"), cols, rows, notes=lambda shown, page, pages: risk_notes(deck, shown))


def risk_notes(deck: Deck, rows) -> list[str]:
    """The riskiest segment of the rows, and what to ask the room about it."""
    worst = max(rows, key=lambda r: int(r[1]))
    return [deck.t("deck.notes.risk", segment=clip(worst[0], 60), risk=worst[1]), deck.t("deck.notes.risk_ask")]


def segment_divider(deck: Deck, seg: Doc, result: SegmentResult) -> None:
    slide = deck.slide(deck.t("deck.segment", segment=_seg(seg["name"])),
                       [deck.t("deck.notes.segment", segment=_seg(seg["name"]), risk=result.risk, count=len(result.findings)),
                        deck.t("deck.notes.segment_ask")])
    lines = [deck.t("deck.risk", risk=result.risk), deck.t("deck.findings_count", count=len(result.findings)),
             f"{deck.t('field.segment.procurement')}: {deck.t('option.procurement.' + get('segment', seg, 'procurement'))}"]
    if seg.get("description"):
        lines.append(clip(seg["description"], 400))
    if seg.get("why_now"):
        lines.append(f"{deck.t('field.segment.why_now')} {clip(seg['why_now'], 300)}")
    deck.text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 5.6, lines, pt=18)


# --- the buying process --------------------------------------------------------------------------
def sales_process(deck: Deck, seg: Doc) -> None:
    cols = [
        Column(deck.t("deck.col.buying_stage"), 1.1, limit=80),
        Column(deck.t("deck.exit_criteria"), 1.5, bullets=True),
        Column(deck.t("deck.col.seller_stage"), 0.9, limit=80),
        Column(deck.t("deck.col.seller_activities"), 1.4, bullets=True),
        Column(deck.t("deck.col.buyer_enablement"), 1.3, bullets=True),
        Column(deck.t("deck.col.questions"), 1.5, bullets=True),
    ]
    rows = [[st["name"], st.get("exit_criteria", []), st.get("seller_stage"), st.get("seller_activities", []),
             st.get("buyer_enablement", []), st.get("questions", [])] for st in seg.get("stages", [])]
    deck.table_slides(deck.t("deck.sales_process", segment=_seg(seg["name"])), cols, rows)


# --- the buying group ----------------------------------------------------------------------------
def _stance(deck: Deck, value: int) -> str:
    return f"{value:+d} {deck.t(f'option.stance.{value}')}" if value else f"0 {deck.t('option.stance.0')}"


def buying_group(deck: Deck, seg: Doc) -> None:
    cols = [
        Column(deck.t("deck.col.role"), 1.2, limit=80),
        Column(deck.t("deck.col.function"), 0.8),
        Column(deck.t("deck.col.decision_roles"), 1.1, bullets=True),
        Column(deck.t("deck.col.influence"), 0.6),
        Column(deck.t("deck.col.stance"), 0.8),
        Column(deck.t("deck.col.our_contact"), 0.8, limit=60),
        Column(deck.t("deck.col.personal_risk"), 1.3),
        Column(deck.t("deck.col.success_measure"), 1.3),
    ]
    rows = []
    for role in seg.get("roles", []):
        rows.append([
            role["name"],
            deck.t(f"option.role_function.{role['function']}") if role.get("function") else "",
            [deck.t(f"option.decision_role.{d}") for d in role.get("decision_roles", [])],
            str(get("role", role, "influence")),
            _stance(deck, get("role", role, "stance")),
            role.get("our_contact"),
            role.get("personal_risk"),
            role.get("success_measure"),
        ])
    name = _seg(seg["name"])
    deck.table_slides(deck.t("deck.group", segment=name), cols, rows)
    if seg.get("roles"):
        slide = deck.slide(deck.t("deck.group_chart", segment=name), group_notes(deck, seg["roles"]))
        points = [(get("role", r, "influence"), get("role", r, "stance"), r["name"]) for r in seg["roles"]]
        charts.scatter(slide, deck.t("deck.series.roles"), points, deck.t("deck.axis.influence"),
                       deck.t("deck.axis.stance"), (0, 6), (-3, 3), lambda n: deck.t("deck.more", count=n))


def group_notes(deck: Deck, roles: list[Doc]) -> list[str]:
    """The most influential roles and those who oppose: where the room should look first."""
    ranked = sorted(roles, key=lambda r: (-get("role", r, "influence"), get("role", r, "stance")))
    lines = [deck.t("deck.notes.group", count=len(roles), roles=", ".join(
        f"{clip(r['name'], 40)} ({get('role', r, 'influence')}, {_stance(deck, get('role', r, 'stance'))})" for r in ranked[:3]))]
    against = [clip(r["name"], 40) for r in ranked if get("role", r, "stance") < 0]
    lines.append(deck.t("deck.notes.group_against", roles=", ".join(against[:4])) if against else deck.t("deck.notes.group_none_against"))
    return lines


# --- motives and USPs ----------------------------------------------------------------------------
def motives(deck: Deck, seg: Doc, doc: Doc, index: Index) -> None:
    serving: dict[str, list[str]] = {}
    for usp in doc.get("usps", []):
        for m in usp.get("motives", []):
            serving.setdefault(m, []).append(usp["text"])
    cols = [
        Column(deck.t("deck.col.motive"), 1.6),
        Column(deck.t("deck.col.kind"), 0.7),
        Column(deck.t("deck.col.importance"), 0.6),
        Column(deck.t("deck.col.whose"), 1.0, limit=80, bullets=True),
        Column(deck.t("deck.col.usps"), 1.6, bullets=True),
    ]
    rows = [[m["text"], deck.t(f"option.motive_kind.{m['kind']}") if m.get("kind") else "",
             str(get("motive", m, "importance")), index.names(m.get("roles")),
             serving.get(m["id"]) or deck.t("deck.none")] for m in seg.get("motives", [])]
    deck.table_slides(deck.t("deck.motives", segment=_seg(seg["name"])), cols, rows)


def usps(deck: Deck, doc: Doc, index: Index) -> None:
    if not doc.get("usps"):
        return
    cols = [Column(deck.t("deck.col.usp"), 1.5), Column(deck.t("deck.col.motives_served"), 2, bullets=True)]
    rows = [[u["text"], index.names(u.get("motives")) or deck.t("deck.none")] for u in doc["usps"]]
    deck.table_slides(deck.t("deck.usps"), cols, rows)


# --- friction ------------------------------------------------------------------------------------
def friction(deck: Deck, seg: Doc, index: Index) -> None:
    cols = [
        Column(deck.t("deck.col.objection"), 1.6),
        Column(deck.t("deck.col.kind"), 0.6),
        Column(deck.t("deck.col.stage"), 0.9, limit=80),
        Column(deck.t("deck.col.cause"), 0.9),
        Column(deck.t("deck.col.severity"), 0.6),
        Column(deck.t("deck.col.responses"), 1.6, bullets=True),
    ]
    objections = seg.get("objections", [])
    rows = [[o["text"], deck.t(f"option.objection_kind.{o['kind']}") if o.get("kind") else "",
             index.label(o["stage"]) if o.get("stage") else "",
             _cause(deck, o),
             str(get("objection", o, "severity")), o.get("responses", [])] for o in objections]
    name = _seg(seg["name"])
    deck.table_slides(deck.t("deck.friction", segment=name), cols, rows)
    lines = cause_summary(objections)
    if any(line.count for line in lines):  # "none" is no cause: it is never charted
        slide = deck.slide(deck.t("deck.friction_chart", segment=name), cause_notes(deck, lines))
        cause_chart(deck, slide, lines)


def _cause(deck: Deck, objection: Doc) -> str:
    """The objection's cause of no decision; "–" when it feeds none (never the word "None")."""
    c = get("objection", objection, "no_decision_cause")
    return "–" if c == "none" else deck.t(f"option.no_decision_cause.{c}")


def cause_chart(deck: Deck, slide, lines, **place) -> None:
    """Objections and their severity per cause of no decision ("none" left out)."""
    charts.bars(slide, [deck.t(f"option.no_decision_cause.{c.cause}") for c in lines],
                [(deck.t("deck.series.objections"), [c.count for c in lines]),
                 (deck.t("deck.series.severity"), [c.severity for c in lines])], **place)


def cause_notes(deck: Deck, lines) -> list[str]:
    top = top_cause(lines)
    if top is None:
        return [deck.t("deck.notes.no_causes")]
    return [deck.t("deck.notes.cause", cause=deck.t(f"option.no_decision_cause.{top.cause}"), count=top.count,
                   severity=top.severity), deck.t("deck.notes.cause_ask")]


# --- consensus and findings ----------------------------------------------------------------------
def consensus(deck: Deck, seg: Doc) -> None:
    cols = [Column(deck.t("deck.col.criterion"), 1.2), Column(deck.t("deck.col.status"), 0.6), Column(deck.t("deck.col.note"), 2.2)]
    given = seg.get("consensus", {})
    rows = []
    for criterion in CONSENSUS_CRITERIA:
        entry = given.get(criterion, {})
        rows.append([deck.t(f"consensus.{criterion}"), deck.t(f"option.status.{get('criterion', entry, 'status')}"),
                     entry.get("note")])
    deck.table_slides(deck.t("deck.consensus", segment=_seg(seg["name"])), cols, rows)


def findings(deck: Deck, seg: Doc, result: SegmentResult) -> None:
    heading = deck.t("deck.findings", segment=_seg(seg["name"]), risk=result.risk)
    if not result.findings:
        deck.note_slide(heading, deck.t("deck.no_findings"), deck.t("deck.notes.no_findings"))
        return
    cols = [Column(deck.t("deck.col.finding"), 1.0), Column(deck.t("deck.col.message"), 2.0, limit=240),
            Column(deck.t("deck.col.advice"), 1.8, limit=240)]
    rows = [[title(f.code, deck.lang), f.message, advice(f.code, deck.lang)] for f in result.findings]
    deck.table_slides(heading, cols, rows)


# --- after the workshop --------------------------------------------------------------------------
def votes(deck: Deck, doc: Doc, index: Index) -> None:
    """Dots summed per element, most dots first; nothing at all when nobody voted."""
    totals: Counter[str] = Counter()
    for vote in doc.get("votes", []):
        totals[vote["about"]] += vote["dots"]
    if not totals:
        return
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])  # stable: ties keep the votes' order
    top = ranked[:TOP_VOTED]
    labels = index.chart_labels([eid for eid, _ in top])
    slide = deck.slide(deck.t("deck.votes_chart"), [deck.t("deck.notes.votes", element=clip(labels[0], 80), dots=top[0][1],
                                                               count=len(ranked)), deck.t("deck.notes.votes_ask")])
    charts.bars(slide, labels, [(deck.t("deck.series.dots"), [n for _, n in top])])
    cols = [Column(deck.t("deck.col.element"), 2.2), Column(deck.t("deck.col.kind"), 0.7),
            Column(deck.t("deck.col.segment"), 1.2, limit=80), Column(deck.t("deck.col.dots"), 0.5)]
    rows = [[index.label(eid), _kind(deck, index.kind(eid)), index.segment(eid), str(n)] for eid, n in ranked[:VOTES_LISTED]]
    if len(ranked) > VOTES_LISTED:
        rest = ranked[VOTES_LISTED:]
        rows.append([deck.t("deck.more", count=len(rest)), "", "", str(sum(n for _, n in rest))])
    deck.table_slides(deck.t("deck.votes"), cols, rows)


def _kind(deck: Deck, kind: str) -> str:
    return deck.t(f"kind.{kind}") if kind else ""


def deals(deck: Deck, doc: Doc, index: Index) -> None:
    cols = [
        Column(deck.t("deck.col.deal"), 1.1, limit=80),
        Column(deck.t("deck.col.segment"), 1.0, limit=80),
        Column(deck.t("deck.col.stage"), 1.0, limit=80),
        Column(deck.t("deck.col.next_internal_step"), 1.5),
        Column(deck.t("deck.col.roles_engaged"), 1.1, limit=60, bullets=True),
        Column(deck.t("deck.col.notes"), 1.4),
    ]
    if not doc.get("deals"):
        return  # a closing slide that would only say "nothing recorded yet" is left out
    rows = [[d["name"], index.label(d["segment"]), index.label(d.get("stage")) if d.get("stage") else "",
             d.get("next_internal_step"), index.names(d.get("roles_engaged")), d.get("notes")]
            for d in doc.get("deals", [])]
    deck.table_slides(deck.t("deck.deals"), cols, rows)


def actions(deck: Deck, doc: Doc, index: Index) -> None:
    cols = [
        Column(deck.t("deck.col.action"), 2.0),
        Column(deck.t("deck.col.kind"), 0.9),
        Column(deck.t("deck.col.about"), 1.3, limit=100),
        Column(deck.t("deck.col.owner"), 0.8, limit=60),
        Column(deck.t("deck.col.due"), 0.6),
        Column(deck.t("deck.col.status"), 0.6),
    ]
    if not doc.get("actions"):
        return  # a closing slide that would only say "nothing recorded yet" is left out
    rows = [[a["text"], deck.t(f"option.action_kind.{get('action', a, 'kind')}"),
             index.label(a.get("about")) if a.get("about") else "", a.get("owner"), a.get("due"),
             deck.t(f"option.action_status.{get('action', a, 'status')}")] for a in doc.get("actions", [])]
    deck.table_slides(deck.t("deck.actions"), cols, rows)
