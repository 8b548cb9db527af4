"""The frame every workshop page shares: who you are, the workshop, the segment, undo, notes.

``page = workshop_page("process")`` at the top of a page returns what the page needs (store,
identity, the current map snapshot, language, chosen segment) or shows how to join and stops.
``page.done()`` at the end starts the live poller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from workshop.errors import KopkartaError, NotFound
from workshop.i18n import t
from workshop.services import editing
from workshop.services.live import Identity, Snapshot, snapshot

from . import language_picker, md_escape, store
from .live import follow
from .session import current_identity, forget


@dataclass
class Page:
    db: Any
    me: Identity
    snap: Snapshot
    lang: str
    segment_id: str

    @property
    def segment(self) -> dict[str, Any]:
        return self.snap.segment(self.segment_id)

    def done(self) -> None:
        follow(self.me.workshop_id, self.snap.version)


def workshop_page(name: str) -> Page:
    me = current_identity()
    if me is None:
        lang = language_picker()
        st.title(t(f"nav.{name}", lang))
        if st.session_state.pop("identity_lost", False):
            st.warning(t("session.lost", lang))
        st.info(t("session.join_first", lang))
        st.page_link("pages/home.py", label=t("session.go_home", lang), icon="🏠")
        st.stop()
    db = store()
    try:
        snap = snapshot(db, me.workshop_id)
    except NotFound:
        forget()
        st.rerun()
    lang = language_picker(snap.language)
    _sidebar(db, me, snap, lang)
    segment_id = _segment_picker(snap, lang)
    return Page(db, me, snap, lang, segment_id)


def _sidebar(db, me: Identity, snap: Snapshot, lang: str) -> None:
    side = st.sidebar
    side.caption(t("session.workshop", lang))
    side.markdown("**" + md_escape(snap.doc["workshop"]["title"]) + "**")
    side.caption(t("session.you_are", lang, name=md_escape(me.name)))
    if side.button(t("session.undo", lang), key="undo_last", help=t("session.undo_help", lang), width="stretch"):
        try:
            undone = editing.undo(db, me)
        except KopkartaError as exc:
            st.session_state["flash"] = ("warning", str(exc))
        else:
            st.session_state["flash"] = ("success", t("session.undone", lang, what=t(f"kind.{undone['kind']}", lang)))
        st.rerun()
    flash = st.session_state.pop("flash", None)
    if flash:
        getattr(side, flash[0])(flash[1])


def _segment_picker(snap: Snapshot, lang: str) -> str:
    segments = snap.doc["segments"]
    ids = [s["id"] for s in segments]
    names = {s["id"]: s["name"] for s in segments}
    if "segment_next" in st.session_state:  # a segment just added: show it
        st.session_state["segment"] = st.session_state.pop("segment_next")
    wanted = st.session_state.get("segment") or st.query_params.get("seg")
    if wanted not in ids:
        wanted = ids[0]
    if len(ids) > 1:
        st.session_state["segment"] = wanted
        st.sidebar.selectbox(t("session.segment", lang), ids, format_func=names.get, key="segment")
        wanted = st.session_state["segment"]
    return wanted
