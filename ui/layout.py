"""The frame every workshop page shares: who you are, the workshop, the segment, undo, notes.

``page = workshop_page("process")`` at the top of a page returns what the page needs (store,
identity, the current map snapshot, language, chosen segment) or shows how to join and stops.
``page.done()`` at the end puts the countdown in the round panel and the page's watcher in the
sidebar, which reruns the page when its structure changed (:mod:`ui.live`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import streamlit as st

from workshop.errors import KopkartaError, NotFound
from workshop.i18n import error_text, t
from workshop.model.facilitation import FacilitationState, summon_target
from workshop.ports import Storage
from workshop.services import editing, facilitation
from workshop.services.live import Identity, Snapshot
from workshop.services.live_state import moved, viewer_snapshot

from . import language_picker, md_escape, store
from . import keep
from . import live as live_ui
from .session import current_identity, forget


@dataclass
class Page:
    db: Storage
    me: Identity
    snap: Snapshot
    lang: str
    segment_id: str
    #: the facilitation state (phase, lock, rounds) this run was drawn with
    state: FacilitationState = field(default_factory=FacilitationState)
    #: what rounds still hide from this viewer (``snap`` is already without it)
    hidden: facilitation.Hidden = field(default_factory=lambda: facilitation.Hidden(frozenset(), frozenset()))
    #: whether the page follows the workshop live (the facilitator's console has its own rule)
    live: bool = True
    #: where the round panel wants the countdown (a container), if a round is open
    clock_slot: Any = None
    #: when the page must be drawn again besides its structure (see :class:`ui.live.Rerun`):
    #: by default on every change, for a page drawn by Streamlit alone; a page with live parts
    #: narrows it to what its own widgets show
    rerun: live_ui.Rerun = field(default_factory=lambda: live_ui.Rerun(any=True))

    @property
    def segment(self) -> dict[str, Any]:
        return self.snap.segment(self.segment_id)

    @property
    def doc(self) -> dict[str, Any]:
        """The map as this viewer may see it (others' hidden votes and notes taken out)."""
        return self.snap.doc

    @property
    def read_only(self) -> bool:
        return self.state.read_only

    @cached_property
    def viewer(self) -> live_ui.Viewer:
        """Who the page's live parts are for (its structure as this run drew it)."""
        return live_ui.viewer_of(self)

    def drawn_live(self, *, kinds: tuple[str, ...] = (), ids: tuple[str, ...] = ()) -> None:
        """The page's changing content is drawn by live parts: it is rerun only for its
        structure and for changes of elements of ``kinds`` (or the removal of ``ids``) that
        its own widgets show."""
        self.rerun = live_ui.Rerun(kinds=list(kinds), ids=list(ids))

    def done(self) -> None:
        """At the end of the page: the countdown in the round panel, the page's watcher and the
        safety net (see :mod:`ui.live`)."""
        if not self.live:
            return
        who = self.viewer
        r = self.state.current_round
        if self.clock_slot is not None and r is not None and r.is_open:
            with self.clock_slot:
                live_ui.clock(who)
        rule = self.rerun
        rule.kinds = sorted({*rule.kinds, "segment", *_round_kinds(self.state)})
        rule.ids = sorted({*rule.ids, *(s["id"] for s in self.snap.doc["segments"])})
        # what this viewer just changed (a form, a button) and the page draws itself: at once
        if moved(self.db, self.me.workshop_id, self.snap, None if rule.any else tuple(rule.kinds), self.me.participant_id):
            st.rerun()
        with st.sidebar:
            live_ui.watch(who, rule)
            live_ui.safety_net(who)


def _round_kinds(state: FacilitationState) -> tuple[str, ...]:
    """What the round panel draws with Streamlit and must follow: the open round's elements (its
    rows of dots or ratings), a vote's results after the reveal (a dot cast later moves them).
    (A brainstorm's notes are a live part.)"""
    r = state.current_round
    if r is None:
        return ()
    kinds = [r.target] if r.is_open and r.target else []
    if r.kind == "vote" and r.revealed:
        kinds.append("vote")
    return tuple(kinds)


def workshop_page(name: str, *, live: bool = True, panel: bool = True) -> Page:
    """The page's frame; ``live=False`` leaves out the watcher (a page that follows the
    workshop by a rule of its own), ``panel=False`` the open round's panel."""
    me = current_identity()
    if me is None:
        lang = language_picker()
        st.title(t(f"nav.{name}", lang))
        if st.session_state.pop("identity_lost", False):
            st.warning(t("session.lost", lang))
        st.info(t("session.join_first", lang))
        st.page_link("views/home.py", label=t("session.go_home", lang), icon="🏠")
        st.stop()
    db = store()
    try:
        snap, state, hidden = _view(db, me)
    except NotFound:
        forget()
        st.rerun()
    keep.keep_participant(me.workshop_id, me.token)  # the join link again: the same participant
    _follow_summon(state, name)
    lang = language_picker(snap.language)
    _phase_line(state, lang)
    _sidebar(db, me, snap, lang)
    segment_id = _segment_picker(snap, lang)
    page = Page(db, me, snap, lang, segment_id, state, hidden, live)
    if page.read_only:
        st.warning(t(f"rounds.{state.read_only_reason}_banner", lang), icon="🔒")
    if panel:
        from .round_panel import round_panel

        page.clock_slot = round_panel(page)
    return page


def _view(db: Storage, me: Identity) -> tuple[Snapshot, FacilitationState, facilitation.Hidden]:
    """What this viewer sees now: the map without what rounds still hide from them (one copy
    for everyone who sees the same: :func:`workshop.services.live_state.viewer_snapshot`)."""
    state = facilitation.state(db, me.workshop_id)
    snap, hidden = viewer_snapshot(db, me.workshop_id, me.participant_id)
    return snap, state, hidden


def _follow_summon(state: FacilitationState, name: str) -> None:
    """Go where the facilitator brought everyone (once per summon: the rule is
    :func:`workshop.model.facilitation.summon_target`); the session remembers the counter seen."""
    seen = st.session_state.get("summon_seen")
    st.session_state["summon_seen"] = state.summon
    target = summon_target(state, seen, name)
    if target is not None:
        st.switch_page(f"views/{target}.py")


def _phase_line(state: FacilitationState, lang: str) -> None:
    """"Phase 3 of 6: Motives" with a link to that page, at the top of the sidebar."""
    if state.page is None:
        return
    label = t("rounds.phase", lang, no=state.phase + 1, total=len(state.agenda), name=t(f"nav.{state.page}", lang))
    target = f"views/{state.page}.py"
    st.sidebar.page_link(target, label=label, icon="📍")


def _sidebar(db: Storage, me: Identity, snap: Snapshot, lang: str) -> None:
    side = st.sidebar
    side.caption(t("session.workshop", lang))
    side.markdown("**" + md_escape(snap.doc["workshop"]["title"]) + "**")
    side.caption(t("session.you_are", lang, name=md_escape(me.name)))
    if side.button(t("session.undo", lang), key="undo_last", help=t("session.undo_help", lang), width="stretch"):
        try:
            undone = editing.undo(db, me)
        except KopkartaError as exc:
            st.session_state["flash"] = ("warning", error_text(exc, lang))
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
