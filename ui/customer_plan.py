"""The customer's page of a deal plan (``/plan?s=TOKEN``), drawn for someone with no account
who may be on a phone: the plan by stage, a tick for what is done, a date and a comment per
line, and a form for what else must happen on their side.

Only :func:`workshop.services.plans.open_shared`'s view is drawn, so nothing internal can reach
this page. Every text people typed is shown as text (escaped where Markdown draws it); the look
is fixed CSS with no user text in it (:data:`CSS`). The page reads the plan again every
:data:`REFRESH` seconds, so a change the seller makes shows without a reload.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ui import md_escape
from ui.session import store
from workshop.errors import KopkartaError, StaleEdit
from workshop.i18n import LANGUAGE_NAMES, LANGUAGES, error_text, t
from workshop.exports.plan_files import line_facts
from workshop.services import plans

#: seconds between two reads of the plan while the page is open
REFRESH = 20
#: a line's kind as the customer reads it at a glance
ICON = {"milestone": "🏁", "customer": "👤", "ours": "🤝"}

CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], [data-testid="stDecoration"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { max-width: 52rem; padding-top: 2rem; }
</style>"""


def language(default: str) -> str:
    """The viewer's language: chosen on the page, else ``?lang=``, else the workshop's."""
    key = "plan_lang"
    if key not in st.session_state:
        wanted = st.query_params.get("lang") or default
        st.session_state[key] = wanted if wanted in LANGUAGES else "en"
    return st.session_state[key]


def language_choice(lang: str) -> None:
    st.selectbox(t("plan.page.language", lang), LANGUAGES, format_func=LANGUAGE_NAMES.get, key="plan_lang", width=180)


def _saved(lang: str) -> None:
    st.toast(t("plan.page.saved", lang), icon="✅")


def _report(exc: KopkartaError, lang: str) -> None:
    if isinstance(exc, StaleEdit):
        st.warning(t("plan.page.stale", lang))
    else:
        st.error(error_text(exc, lang))


def _tick(token: str, eid: str, version: int, key: str, lang: str) -> None:
    done = st.session_state.get(key)
    try:
        plans.customer_change(store(), token, eid, {"status": "done" if done else "under_way"}, version)
    except KopkartaError as exc:
        st.session_state["plan_problem"] = (exc, lang)
    else:
        st.session_state["plan_saved"] = True


def line(token: str, item: dict[str, Any], version: int, lang: str, today: dt.date) -> None:
    """One line of the plan: its tick (not on what we do: that is ours to tick), what it says,
    who owns it, by when, and its comments; a popover for a date and a comment."""
    status = item["status"]
    with st.container(border=True):
        text = f"{ICON[item['kind']]} {md_escape(item['text'])}"
        if item["kind"] == "ours":
            st.markdown(text)
        else:
            key = f"plan_tick:{item['id']}:{version}"
            st.checkbox(text, value=status == "done", key=key, on_change=_tick, args=(token, item["id"], version, key, lang))
        st.caption(md_escape(line_facts(item, lang, today)))
        for c in item.get("comments") or []:
            st.text(f"💬 {c['by']} ({c['at'][:10]}): {c['text']}")
        with st.popover(t("plan.page.change", lang), icon=":material/edit_calendar:"):
            _change(token, item, version, lang)


def _change(token: str, item: dict[str, Any], version: int, lang: str) -> None:
    eid = item["id"]
    due = dt.date.fromisoformat(item["due"]) if item.get("due") else None
    if item["kind"] != "ours":
        picked = st.date_input(t("plan.page.date", lang), value=due, key=f"plan_due:{eid}:{version}", format="YYYY-MM-DD")
        if st.button(t("plan.page.save_date", lang), key=f"plan_due_save:{eid}:{version}"):
            try:
                plans.customer_change(store(), token, eid, {"due": picked.isoformat() if picked else None}, version)
            except KopkartaError as exc:
                _report(exc, lang)
            else:
                _saved(lang)
                st.rerun()
    with st.form(key=f"plan_comment:{eid}", clear_on_submit=True, border=False):
        text = st.text_area(t("plan.page.comment", lang), max_chars=4000, key=f"plan_comment_text:{eid}")
        name = st.text_input(t("plan.page.your_name", lang), value=st.session_state.get("plan_name", ""), max_chars=200,
                             key=f"plan_comment_name:{eid}")
        if st.form_submit_button(t("plan.page.send", lang)):
            try:
                plans.customer_comment(store(), token, eid, text, name, version)
            except KopkartaError as exc:
                _report(exc, lang)
            else:
                st.session_state["plan_name"] = name
                _saved(lang)
                st.rerun()


def add_step(token: str, shared: plans.SharedPlan, lang: str) -> None:
    """What else must happen on the customer's side: a step of their own in one of the plan's stages."""
    names = dict(shared.stages)
    with st.expander(t("plan.page.add", lang), icon=":material/add:"):
        with st.form("plan_add", clear_on_submit=True):
            stage = st.selectbox(t("plan.page.add_stage", lang), list(names), format_func=names.get)
            text = st.text_area(t("plan.page.add_text", lang), max_chars=4000)
            owner = st.text_input(t("plan.page.add_owner", lang), max_chars=200)
            due = st.date_input(t("plan.page.add_due", lang), value=None, format="YYYY-MM-DD")
            if st.form_submit_button(t("plan.page.add_submit", lang), type="primary"):
                try:
                    plans.customer_add(store(), token, stage, text, owner, due.isoformat() if due else None)
                except KopkartaError as exc:
                    _report(exc, lang)
                else:
                    _saved(lang)
                    st.rerun()


def pending_messages(lang: str) -> None:
    """What a tick's callback left for this run (a callback cannot draw)."""
    if st.session_state.pop("plan_saved", False):
        _saved(lang)
    problem = st.session_state.pop("plan_problem", None)
    if problem is not None:
        _report(problem[0], lang)
