"""Consensus: is each condition for a decision that many can stand behind in place for this
segment? Six criteria with a status (yes, partly, no, don't know) and a note, an overall picture,
and the segment's "why now" and kind of purchasing.

Thin: the rows, tally and verdict come from :mod:`workshop.analysis.friction`; edits go through
:mod:`ui.forms` and :mod:`workshop.services.editing`.
"""

import streamlit as st

from ui import md_escape
from ui.fields import STATUSES, criterion_fields, option, segment_fields
from ui.forms import add_form, edit_button, edit_form, is_editing
from ui.layout import workshop_page
from ui.notes import note_adder, show_notes
from workshop.analysis import analyze
from workshop.analysis.friction import consensus_rows, consensus_tally, consensus_verdict, criterion_evidence
from workshop.errors import KopkartaError, StaleEdit
from workshop.i18n import error_text, t
from workshop.model.defaults import get
from workshop.render.tables import share_bar, status_badge
from workshop.services import editing

page = workshop_page("consensus")
db, me, snap, lang = page.db, page.me, page.snap, page.lang
seg, sid = page.segment, page.segment_id
rows = consensus_rows(seg)
tally = consensus_tally(rows)
evidence = criterion_evidence(analyze(snap.doc, lang).segment(sid).findings)
elements = {e.data.get("criterion"): e for e in snap.of_kind("criterion", sid)}
status_label = option("status", lang)
STATUS_ICON = {"yes": ":material/check_circle:", "partly": ":material/incomplete_circle:", "no": ":material/cancel:", "unknown": ":material/help:"}
STATUS_COLOUR = {"yes": "green", "partly": "orange", "no": "red", "unknown": "gray"}
VERDICT_ICON = {"strong": ":material/verified:", "fragile": ":material/balance:", "weak": ":material/warning:", "unknown": ":material/help:"}

st.title(t("consensus.page.title", lang))
st.caption(t("consensus.page.lead", lang, segment=md_escape(seg["name"])))


def _status_text(status: str) -> str:
    return f":{STATUS_COLOUR[status]}[{STATUS_ICON[status]} {status_label(status)}]"


def _overall() -> None:
    verdict = consensus_verdict(tally)
    with st.container(border=True):
        st.markdown(f"### {VERDICT_ICON[verdict]} " + t("consensus.page.overall", lang, yes=tally["yes"], total=len(rows)))
        st.markdown(share_bar([(s, tally[s], status_label(s)) for s in STATUSES]), unsafe_allow_html=True)
        st.markdown(" · ".join(f"{_status_text(s)} **{tally[s]}**" for s in STATUSES))
        st.text(t(f"consensus.page.verdict.{verdict}", lang))


def _segment_facts() -> None:
    el = snap.element(sid)
    with st.container(border=True):
        head = st.columns([8, 1], vertical_alignment="center")
        head[0].markdown("**:material/schedule: " + t("field.segment.why_now", lang) + "**")
        with head[1]:
            edit_button(el, lang, f"segment:{sid}")
        if seg.get("why_now"):
            st.text(seg["why_now"])
        else:
            st.warning(t("consensus.page.why_now_missing", lang), icon=":material/schedule:")
        procurement = get("segment", seg, "procurement")
        st.markdown(
            "**:material/shopping_cart: " + t("field.segment.procurement", lang) + ":** " + option("procurement", lang)(procurement)
        )
        st.caption(t(f"consensus.page.procurement.{procurement}", lang))
        show_notes(page, sid)
        if is_editing(el.eid):
            edit_form(me, snap, el, segment_fields(lang), key=f"segment:{sid}", lang=lang)


def _set_status(name: str, key: str, previous: str) -> None:
    """Quick status change: update the criterion (on the version shown) or create it."""
    value = st.session_state.get(key)
    if value is None:  # clicking the chosen status again deselects it: keep the status
        st.session_state[key] = previous
        return
    el = elements.get(name)
    try:
        if el is None:
            editing.add(db, me, "criterion", {"criterion": name, "status": value}, parent=sid)
        else:
            editing.update(db, me, el.eid, {"status": value}, based_on=el.version)
    except StaleEdit:
        st.session_state["flash"] = ("warning", t("consensus.page.stale", lang))
    except KopkartaError as exc:
        st.session_state["flash"] = ("warning", error_text(exc, lang))


def _criterion(row) -> None:
    el = elements.get(row.name)
    with st.container(border=True):
        head = st.columns([6, 3, 1], vertical_alignment="center")
        head[0].markdown(f"**{STATUS_ICON[row.status]} {t('consensus.' + row.name, lang)}**")
        head[1].markdown(status_badge(row.status, status_label(row.status)), unsafe_allow_html=True)
        if el is not None:
            with head[2]:
                edit_button(el, lang, f"crit:{row.name}")
        st.caption(t(f"consensus.meaning.{row.name}", lang))
        key = f"crit:{sid}:{row.name}:{el.version if el else 0}"
        st.session_state.setdefault(key, row.status)  # the widget's value (a key per version: live changes show)
        st.segmented_control(
            t("field.criterion.status", lang),
            STATUSES,
            format_func=_status_text,
            key=key,
            on_change=_set_status,
            args=(row.name, key, row.status),
            label_visibility="collapsed",
        )
        if row.note:
            st.text("✎ " + row.note)
        for finding in evidence.get(row.name, []):
            st.caption(":material/insights: " + md_escape(finding.message))
        if el is None:
            with st.popover(t("consensus.page.add_note", lang), icon=":material/edit_note:"):
                add_form(
                    me, "criterion", criterion_fields(lang), parent=sid, key=f"add_crit:{row.name}", lang=lang,
                    submit="consensus.page.save", extra={"criterion": row.name},
                )
        elif is_editing(el.eid):
            edit_form(me, snap, el, criterion_fields(lang), key=f"crit:{row.name}", lang=lang)


_overall()
_segment_facts()
st.subheader(t("consensus.page.criteria", lang))
st.caption(t("consensus.page.criteria_help", lang))
for start in range(0, len(rows), 2):
    for col, row in zip(st.columns(2, gap="small"), rows[start : start + 2]):
        with col:
            _criterion(row)

note_adder(page, [(sid, f"{t('kind.segment', lang)}: {seg['name'][:50]}")], "consensus")
page.done()
