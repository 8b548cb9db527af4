"""Actions: what the group does next — buyer enablement material, sales enablement material,
activities in deals and questions to research — with owner, due date and status, grouped by
kind; ideas for actions drawn from the map's gaps.

Thin: grouping, tallies and suggestions come from :mod:`workshop.analysis.followup`.
"""

import datetime as dt

import streamlit as st

from ui import md_escape
from ui.fields import ACTION_STATUSES, action_fields, option
from ui.forms import add_box, add_form, edit_button, edit_form, is_editing
from ui.layout import workshop_page
from ui.notes import note_adder, show_notes
from workshop.analysis import analyze
from workshop.analysis.followup import about_choices, actions_tally, by_kind, is_overdue, segment_actions, status, suggestions
from workshop.errors import KopkartaError, StaleEdit
from workshop.i18n import error_text, t
from workshop.render.tables import ACTION_COLOURS, share_bar
from workshop.services import editing

page = workshop_page("actions")
db, me, snap, lang = page.db, page.me, page.snap, page.lang
seg, sid = page.segment, page.segment_id
actions = segment_actions(snap.doc, sid)
def _kind_name(kind: str) -> str:
    name = t("kind." + kind, lang)
    return name[:1].upper() + name[1:]


about = {eid: f"{_kind_name(kind)}: {snap.label(eid)}" for eid, kind in about_choices(snap.doc, sid)}
today = dt.date.today()
status_label, kind_label = option("action_status", lang), option("action_kind", lang)
KIND_ICON = {
    "buyer_enablement": ":material/menu_book:",
    "sales_enablement": ":material/school:",
    "deal_activity": ":material/work:",
    "research": ":material/search:",
    "other": ":material/more_horiz:",
}
STATUS_ICON = {"open": ":material/radio_button_unchecked:", "doing": ":material/pending:", "done": ":material/check_circle:"}
STATUS_COLOUR = {"open": "gray", "doing": "blue", "done": "green"}

st.title(t("actions.title", lang))
st.caption(t("actions.lead", lang, segment=md_escape(seg["name"])))


def _status_text(value: str) -> str:
    return f":{STATUS_COLOUR[value]}[{STATUS_ICON[value]} {status_label(value)}]"


def _summary() -> None:
    tally = actions_tally(actions, today)
    with st.container(border=True):
        st.markdown(share_bar([(s, tally[s], status_label(s)) for s in ACTION_STATUSES], ACTION_COLOURS), unsafe_allow_html=True)
        parts = [f"{_status_text(s)} **{tally[s]}**" for s in ACTION_STATUSES]
        if tally["overdue"]:
            parts.append(f":red[:material/event_busy: {t('actions.overdue', lang)}] **{tally['overdue']}**")
        st.markdown(" · ".join(parts))


def _set_status(eid: str, key: str, version: int, previous: str) -> None:
    value = st.session_state.get(key)
    if value is None:  # clicking the chosen status again deselects it: keep the status
        st.session_state[key] = previous
        return
    try:
        editing.update(db, me, eid, {"status": value}, based_on=version)
    except StaleEdit:
        st.session_state["flash"] = ("warning", t("actions.stale", lang))
    except KopkartaError as exc:
        st.session_state["flash"] = ("warning", error_text(exc, lang))


def _choices_for(action: dict) -> dict[str, str]:
    """The about-choices, plus the action's current target when it is not among them."""
    current = action.get("about")
    if current and current not in about:
        return {**about, current: snap.label(current)}
    return about


def _action(action: dict) -> None:
    el = snap.element(action["id"])
    now = status(action)
    with st.container(border=True):
        c1, c2, c3 = st.columns([6, 4, 1], vertical_alignment="center")
        text = md_escape(action["text"])
        c1.markdown(f":gray[~~{text}~~]" if now == "done" else f"**{text}**")
        meta = []
        if action.get("owner"):
            meta.append(":material/person: " + md_escape(action["owner"]))
        if action.get("due"):
            due = ":material/event: " + md_escape(action["due"])
            meta.append(f":red[{due} · {t('actions.late', lang)}]" if is_overdue(action, today) else due)
        else:
            meta.append(":material/event: " + t("actions.no_due", lang))
        if action.get("about"):
            meta.append(":material/link: " + md_escape(_choices_for(action).get(action["about"], action["about"])))
        c1.caption(" · ".join(meta))
        key = f"act:{action['id']}:{el.version}"
        st.session_state.setdefault(key, now)  # the widget's value (a key per version: live changes show)
        c2.segmented_control(
            t("field.action.status", lang), ACTION_STATUSES, format_func=_status_text, key=key,
            on_change=_set_status, args=(action["id"], key, el.version, now), label_visibility="collapsed",
        )
        with c3:
            edit_button(el, lang, f"action:{action['id']}")
        show_notes(page, action["id"])
        if is_editing(el.eid):
            edit_form(me, snap, el, action_fields(_choices_for(action), lang), key=f"action:{action['id']}", lang=lang)


def _groups() -> None:
    for kind, items in by_kind(actions):
        done = sum(1 for a in items if status(a) == "done")
        st.subheader(f"{KIND_ICON[kind]} {kind_label(kind)}")
        st.caption(t("actions.kind_done", lang, done=done, total=len(items)) + " — " + t(f"actions.kind_help.{kind}", lang))
        for action in items:
            _action(action)


def _add_suggestion(kind: str, about_id: str, text: str) -> None:
    try:
        editing.add(db, me, "action", {"text": text, "kind": kind, "about": about_id})
    except KopkartaError as exc:
        st.session_state["flash"] = ("warning", error_text(exc, lang))


def _ideas() -> None:
    ideas = suggestions(analyze(snap.doc, lang).segment(sid).findings, snap.doc.get("actions", []))
    if not ideas:
        return
    with st.expander(t("actions.ideas", lang), expanded=not actions, icon=":material/lightbulb:"):
        st.caption(t("actions.ideas_help", lang))
        for idea in ideas:
            role = snap.label(idea.detail) if idea.detail else ""
            text = t(f"actions.suggest.{idea.code}", lang, label=snap.label(idea.about), role=role)
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.text(f"{text}")
            c1.caption(f"{KIND_ICON[idea.kind]} {kind_label(idea.kind)}")
            c2.button(
                t("actions.take", lang), key=f"idea:{idea.code}:{idea.about}:{idea.detail or ''}", icon=":material/add:",
                on_click=_add_suggestion, args=(idea.kind, idea.about, text),
            )


if actions:
    _summary()
    _groups()
else:
    st.info(t("actions.empty", lang), icon=":material/lightbulb:")
_ideas()
with add_box(me.workshop_id, t("actions.add", lang), expanded=not actions, icon=":material/add:"):
    add_form(me, "action", action_fields(about, lang), parent=None, key="add_action", lang=lang, submit="actions.add")

note_adder(page, [(a["id"], f"{t('kind.action', lang)}: {a['text'][:50]}") for a in actions], "actions")
page.done()
