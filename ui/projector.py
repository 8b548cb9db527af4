"""What the presenter view (``views/present.py``) shows of each phase, made to be read from the
back of a room: the stages as a row of chevrons with their exit criteria, the buying group as a
network, the motives that weigh most with the USPs that serve them, the objections ranked with
our answers, the six consensus conditions as a traffic light, and who does what by when.

Every text people typed is shown as text (``st.text``, or escaped Markdown in the actions'
table); the look is fixed CSS keyed to the containers (:data:`CSS`), with no user text in it.
The numbers come from the analysis (:mod:`workshop.analysis.friction`,
:mod:`workshop.analysis.matrices`, :mod:`workshop.analysis.followup`,
:mod:`workshop.analysis.explore_tables`) and the map's visible dots
(:func:`workshop.model.tallies.tally`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from workshop.analysis.explore_tables import weight
from workshop.analysis.followup import is_overdue, status
from workshop.analysis.friction import consensus_rows, consensus_tally, severity
from workshop.analysis.matrices import served_by
from workshop.graph import View
from workshop.i18n import t
from workshop.model.defaults import get
from workshop.model.tallies import tally
from workshop.render.network import cached_map_html
from workshop.services.live import Snapshot

from . import md_escape

#: how many motives and objections the wall shows (the rest are counted)
TOP = 5
#: the most chevrons in one row (more stages wrap into a second row)
ROW = 6
#: a consensus status's light: (symbol, CSS class part)
LIGHT = {"yes": "✓", "partly": "~", "no": "✗", "unknown": "?"}

#: the projector's look: fixed CSS, no user text (see the module's docstring)
CSS = """<style>
/* no sidebar, no navigation, no header: a wall, not an app */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"], [data-testid="stDecoration"] { display: none !important; }
.stMainBlockContainer { max-width: none !important; padding: 2.2rem 3rem 1.5rem 3rem !important; }
/* large type: body text 1.8rem (28.8 px), headings larger */
.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer pre,
.stMainBlockContainer [data-testid="stText"], .stMainBlockContainer [data-testid="stText"] *,
.stMainBlockContainer [data-testid="stCaptionContainer"], .stMainBlockContainer [data-testid="stCaptionContainer"] *,
.stMainBlockContainer [data-testid="stTable"] td, .stMainBlockContainer [data-testid="stTable"] th,
.stMainBlockContainer [data-testid="stTable"] td *, .stMainBlockContainer [data-testid="stTable"] th * {
  font-size: 1.8rem !important; line-height: 1.35 !important; }
.stMainBlockContainer [data-testid="stText"] { font-family: inherit; white-space: pre-wrap; color: #1f2937; }
.stMainBlockContainer [data-testid="stCaptionContainer"], .stMainBlockContainer [data-testid="stCaptionContainer"] * { color: #374151 !important; opacity: 1 !important; }
.stMainBlockContainer h1 { font-size: 3.2rem !important; line-height: 1.15 !important; padding: 0 0 0.25rem 0 !important; }
.stMainBlockContainer h2 { font-size: 2.6rem !important; line-height: 1.2 !important; padding: 0.25rem 0 !important; color: #1e3a8a; }
.stMainBlockContainer h3 { font-size: 2.2rem !important; line-height: 1.2 !important; padding: 0.25rem 0 !important; }
/* the way back, for the facilitator: small, in the top left corner */
.st-key-kk_back { position: fixed; left: 1rem; top: 0.3rem; z-index: 100; opacity: 0.85; }
.stMainBlockContainer .st-key-kk_back p { font-size: 1rem !important; }
/* the join corner: the code in large type beside its QR code */
.st-key-kk_corner { border: 3px solid #1e3a8a; border-radius: 1rem; padding: 0.75rem 1rem; background: #ffffff; }
.stMainBlockContainer .st-key-kk_code [data-testid="stText"], .stMainBlockContainer .st-key-kk_code [data-testid="stText"] * {
  font-size: 4rem !important; font-weight: 800; letter-spacing: 0.08em; line-height: 1.1 !important; color: #0f172a; }
.stMainBlockContainer .st-key-kk_corner [data-testid="stText"], .stMainBlockContainer .st-key-kk_corner [data-testid="stText"] * { white-space: nowrap; }
/* the process: chevrons in the stages' order, the exit criteria under each */
[class*="st-key-kk_chev"] { background: #1e3a8a; min-height: 11.5rem; justify-content: center; padding: 0.75rem 2.4rem 0.75rem 2.6rem;
  clip-path: polygon(0 0, calc(100% - 1.6rem) 0, 100% 50%, calc(100% - 1.6rem) 100%, 0 100%, 1.6rem 50%); }
[class*="st-key-kk_chev0"] { padding-left: 1.2rem; clip-path: polygon(0 0, calc(100% - 1.6rem) 0, 100% 50%, calc(100% - 1.6rem) 100%, 0 100%); }
.stMainBlockContainer [class*="st-key-kk_chev"] [data-testid="stText"] * { color: #ffffff; font-weight: 700; }
[class*="st-key-kk_exit"] { padding: 0.25rem 0.5rem 0 1rem; gap: 0.6rem; }
.stMainBlockContainer [class*="st-key-kk_exitnone"] [data-testid="stText"] * { color: #92400e; font-style: italic; }
/* rows of motives and objections: a card each */
[class*="st-key-kk_row"] { border: 2px solid #cbd5e1; border-radius: 0.75rem; padding: 0.6rem 1.2rem; border-left-width: 1rem; }
[class*="st-key-kk_rowm"] { border-left-color: #7e22ce; }
[class*="st-key-kk_rows1"] { border-left-color: #fca5a5; }
[class*="st-key-kk_rows2"] { border-left-color: #f87171; }
[class*="st-key-kk_rows3"] { border-left-color: #ef4444; }
[class*="st-key-kk_rows4"] { border-left-color: #dc2626; }
[class*="st-key-kk_rows5"] { border-left-color: #7f1d1d; }
.stMainBlockContainer [class*="st-key-kk_what"] > div:first-child [data-testid="stText"] * { font-weight: 700; color: #0f172a; }
.stMainBlockContainer [class*="st-key-kk_meta"] [data-testid="stText"] * { color: #374151; font-weight: 400; }
.stMainBlockContainer [class*="st-key-kk_gap"] [data-testid="stText"] * { color: #991b1b; font-weight: 600; }
/* consensus: a traffic light per condition */
[class*="st-key-kk_light"] { border-radius: 1rem; padding: 0.9rem 1.2rem; align-items: center; gap: 1.2rem; min-height: 8.5rem; }
[class*="st-key-kk_light"]::before { content: ""; flex: 0 0 auto; width: 4rem; height: 4rem; border-radius: 50%; border: 3px solid rgba(15, 23, 42, 0.35); }
[class*="st-key-kk_lightyes"] { background: #dcfce7; } [class*="st-key-kk_lightyes"]::before { background: #15803d; }
[class*="st-key-kk_lightpartly"] { background: #fef3c7; } [class*="st-key-kk_lightpartly"]::before { background: #f59e0b; }
[class*="st-key-kk_lightno"] { background: #fee2e2; } [class*="st-key-kk_lightno"]::before { background: #dc2626; }
[class*="st-key-kk_lightunknown"] { background: #f1f5f9; } [class*="st-key-kk_lightunknown"]::before { background: #94a3b8; }
.stMainBlockContainer [class*="st-key-kk_light"] [data-testid="stVerticalBlock"] > div:first-child [data-testid="stText"] * { font-weight: 700; color: #0f172a; }
/* the actions' table */
.stMainBlockContainer [data-testid="stTable"] th { font-weight: 700; color: #0f172a; background: #f1f5f9; }
.stMainBlockContainer [data-testid="stTable"] td, .stMainBlockContainer [data-testid="stTable"] th { padding: 0.8rem 1rem !important; }
.stMainBlockContainer [data-testid="stTable"] th:nth-child(2) { width: 50%; }
.stMainBlockContainer [data-testid="stTable"] td > div { max-width: none !important; }
</style>"""


def phase_content(snap: Snapshot, page: str, lang: str) -> None:
    """The content of the phase on ``page`` (every segment in turn when there are several)."""
    if page in ("actions", "deals"):  # the workshop's, not a segment's
        (_actions if page == "actions" else _deals)(snap, lang)
        return
    draw = {"process": _process, "group": _group, "map": _group, "motives": _motives, "friction": _friction, "consensus": _consensus}.get(page)
    if draw is None:
        return
    segments = snap.doc["segments"]
    for n, seg in enumerate(segments):
        if len(segments) > 1:
            st.subheader(md_escape(seg["name"]), anchor=False)
        draw(snap, seg, n, lang, page)


# -- process ---------------------------------------------------------------------------------------
def _process(snap: Snapshot, seg: dict[str, Any], n: int, lang: str, page: str) -> None:
    stages = seg.get("stages") or []
    if not stages:
        st.text(t("present.no_stages", lang))
        return
    st.caption(t("present.process_lead", lang))
    for start in range(0, len(stages), ROW):
        row = stages[start : start + ROW]
        for i, (col, stage) in enumerate(zip(st.columns(min(len(stages), ROW), gap="small"), row), start):
            with col:
                with st.container(key=f"kk_chev{'0' if i == 0 else ''}_{n}_{i}"):
                    st.text(f"{i + 1}. {stage['name']}")
                criteria = stage.get("exit_criteria") or []
                with st.container(key=f"kk_exit{'' if criteria else 'none'}_{n}_{i}"):
                    for c in criteria:
                        st.text(f"▸ {c}")
                    if not criteria:
                        st.text(t("present.no_exit", lang))


# -- the buying group --------------------------------------------------------------------------------
def _group(snap: Snapshot, seg: dict[str, Any], n: int, lang: str, page: str) -> None:
    if page == "group" and not seg.get("roles"):
        st.text(t("map.no_roles", lang))
        return
    view = View.named("group" if page == "group" else "both")
    drawing = cached_map_html((snap.doc["workshop"]["id"], snap.version), snap.doc, seg["id"], view, lang, big=True)
    st.iframe(drawing, height="content", alt=t("map.alt", lang, segment=seg["name"]))
    st.caption(t("present.group_lead", lang))


# -- motives ------------------------------------------------------------------------------------------
def _dots(snap: Snapshot) -> dict[str, int]:
    """Dots per element, of the votes this screen may see (a hidden round's are not in its map)."""
    return {line.about: line.total for line in tally(snap.doc.get("votes") or [], {})}


def _more(items: list, lang: str) -> None:
    if len(items) > TOP:
        st.caption(t("present.more", lang, n=len(items) - TOP))


def _motives(snap: Snapshot, seg: dict[str, Any], n: int, lang: str, page: str) -> None:
    motives = seg.get("motives") or []
    if not motives:
        st.text(t("present.no_motives", lang))
        return
    st.caption(t("present.motives_lead", lang))
    dots, serving = _dots(snap), served_by(snap.doc.get("usps") or [])
    usps = {u["id"]: u["text"] for u in snap.doc.get("usps") or []}

    def rank(item: tuple[int, dict]) -> tuple:
        pos, m = item
        importance = get("motive", m, "importance")
        return (-weight(importance, dots.get(m["id"], 0)), -importance, pos)

    ranked = [m for _, m in sorted(enumerate(motives), key=rank)]
    for i, m in enumerate(ranked[:TOP]):
        with st.container(key=f"kk_rowm_{n}_{i}", horizontal=True, gap="large"):
            with st.container(key=f"kk_what_m{n}_{i}"):
                st.text(m["text"])
                importance = get("motive", m, "importance")
                with st.container(key=f"kk_meta_m{n}_{i}"):
                    st.text("●" * importance + "○" * (5 - importance) + "  " + t("present.motive_meta", lang, importance=importance, dots=dots.get(m["id"], 0)))
            serving_texts = [usps[u] for u in serving.get(m["id"], []) if u in usps]
            with st.container(key=f"kk_{'usp' if serving_texts else 'gap'}_m{n}_{i}"):
                for text in serving_texts:
                    st.text(f"✔ {text}")
                if not serving_texts:
                    st.text("⚠ " + t("motives.not_served", lang))
    _more(motives, lang)


# -- friction -----------------------------------------------------------------------------------------
def _friction(snap: Snapshot, seg: dict[str, Any], n: int, lang: str, page: str) -> None:
    objections = seg.get("objections") or []
    if not objections:
        st.text(t("present.no_objections", lang))
        return
    st.caption(t("present.friction_lead", lang))
    dots = _dots(snap)
    ranked = [o for _, o in sorted(enumerate(objections), key=lambda x: (-severity(x[1]), -dots.get(x[1]["id"], 0), x[0]))]
    for i, o in enumerate(ranked[:TOP]):
        level = min(5, max(1, severity(o)))
        with st.container(key=f"kk_rows{level}_{n}_{i}", horizontal=True, gap="large"):
            with st.container(key=f"kk_what_o{n}_{i}"):
                st.text(o["text"])
                with st.container(key=f"kk_meta_o{n}_{i}"):
                    st.text("●" * level + "○" * (5 - level) + "  " + t("present.objection_meta", lang, severity=level, dots=dots.get(o["id"], 0)))
            answers = o.get("responses") or []
            with st.container(key=f"kk_{'answer' if answers else 'gap'}_o{n}_{i}"):
                for answer in answers:
                    st.text(f"↳ {answer}")
                if not answers:
                    st.text("⚠ " + t("present.no_answer", lang))
    _more(objections, lang)


# -- consensus ----------------------------------------------------------------------------------------
def _consensus(snap: Snapshot, seg: dict[str, Any], n: int, lang: str, page: str) -> None:
    """The six conditions for a decision many can stand behind, as a traffic light each."""
    rows = consensus_rows(seg)
    tally_ = consensus_tally(rows)
    st.subheader(t("consensus.page.overall", lang, yes=tally_["yes"], total=len(rows)), anchor=False)
    for start in range(0, len(rows), 3):
        for i, (col, row) in enumerate(zip(st.columns(3, gap="medium"), rows[start : start + 3]), start):
            with col, st.container(key=f"kk_light{row.status}_{n}_{i}", horizontal=True):
                with st.container():
                    st.text(t(f"consensus.{row.name}", lang))
                    st.text(f"{LIGHT[row.status]} {t(f'option.status.{row.status}', lang)}")
                    if row.note:
                        st.text(row.note)
    st.caption(t("present.consensus_colours", lang))


# -- after the workshop ---------------------------------------------------------------------------------
def _actions(snap: Snapshot, lang: str) -> None:
    """Who does what by when: owner, action, due date and status, the soonest first."""
    actions = snap.doc.get("actions") or []
    if not actions:
        st.text(t("present.no_actions", lang))
        return
    st.caption(t("present.actions_lead", lang))
    today = dt.date.today()
    ordered = sorted(actions, key=lambda a: (status(a) == "done", a.get("due") or "9999", a.get("owner") or ""))
    cols = [t(f"field.action.{c}", lang) for c in ("owner", "text", "due", "status")]
    rows = []
    for a in ordered:
        due = md_escape(a["due"]) if a.get("due") else "—"
        if is_overdue(a, today):
            due = f"⚠ {due} ({t('actions.late', lang)})"
        rows.append({cols[0]: md_escape(a.get("owner") or "—"), cols[1]: md_escape(a["text"]), cols[2]: due,
                     cols[3]: t(f"option.action_status.{status(a)}", lang)})
    st.table(rows, hide_index=True, border="horizontal")


def _deals(snap: Snapshot, lang: str) -> None:
    deals = snap.doc.get("deals") or []
    for d in deals[:12]:
        st.text("• " + snap.label(d["id"], 90))
    if len(deals) > 12:
        st.caption(t("present.items", lang, n=len(deals)))
