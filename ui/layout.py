"""The frame every workshop page shares: who you are, the workshop, the segment, undo, notes.

``page = workshop_page("process")`` at the top of a page returns what the page needs (store,
identity, the current map snapshot, language, chosen segment) or shows how to join and stops.
``page.done()`` at the end starts the live poller.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from collections.abc import Callable
from typing import Any

import streamlit as st

from workshop.errors import KopkartaError, NotFound
from workshop.i18n import t
from workshop.model.facilitation import FacilitationState, summon_target
from workshop.ports import Storage
from workshop.services import editing, facilitation
from workshop.services.live import Identity, Snapshot, public_snapshot, public_version, snapshot

from . import language_picker, md_escape, store
from .live import follow, part
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
    #: whether the shared live poller runs (a page with its own ``run_every`` fragment opts out)
    live: bool = True
    clock_slot: Any = None
    #: the public change number (:meth:`workshop.ports.ChangeFeed.public_version`) this run was drawn from
    drawn: int = 0
    #: what the page shows of the workshop around its live parts (see :func:`surroundings_of`)
    surroundings: tuple = ()
    #: the fragment ids of the page's live parts (see :meth:`part`)
    parts: list[str] = field(default_factory=list)
    #: what else the layout around the live parts shows (see :meth:`depends_on`)
    shapes: list[Callable[["Page"], Any]] = field(default_factory=list)

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

    def part(
        self, draw: Callable[["Page"], None], *, sidebar: bool = False, follows: Callable[["Page"], Any] | None = None
    ) -> None:
        """Draw ``draw(page)`` as a live part: when the map changes, the server reruns only
        the parts (see :mod:`ui.live`), with a fresh page; the rest of the page (navigation,
        sidebar, round panel) is drawn again only when it changed too. ``draw`` must take
        everything it shows from the page it is given; ``follows``: see :func:`ui.live.part`."""
        part(self, draw, sidebar=sidebar, follows=follows)

    def depends_on(self, shape: Callable[["Page"], Any]) -> None:
        """The page's own layout around its live parts shows ``shape(page)`` (the process
        page: whether there are stages, the segment's description): a live part that finds it
        changed reruns the whole page, as for the surroundings."""
        self.shapes.append(shape)

    @cached_property
    def layout_key(self) -> tuple:
        """The surroundings and the page's shapes: what only a run of the whole page draws. A
        live part rerun alone that finds it changed reruns the whole page (:mod:`ui.live`)."""
        return (self.surroundings, tuple(shape(self) for shape in self.shapes))

    def refreshed(self, *, others: bool = False) -> "Page":
        """The page as it would be drawn now (for a live part rerun on its own); its
        ``layout_key`` tells whether the rest of the page must be drawn again too. ``others``:
        rerun for others' changes (a push): the map needs to hold what everyone sees, not this
        viewer's newest hidden dot (:func:`workshop.services.live.public_snapshot`)."""
        drawn, snap, state, hidden = _view(self.db, self.me, others=others)
        return replace(self, snap=snap, state=state, hidden=hidden, drawn=drawn, surroundings=surroundings_of(snap, state), parts=[])

    def done(self) -> None:
        if self.live:
            follow(self, self.clock_slot)


def workshop_page(name: str, *, live: bool = True, panel: bool = True) -> Page:
    """The page's frame; ``live=False`` leaves out the shared poller (a page that refreshes by
    its own fragment), ``panel=False`` the open round's panel."""
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
        drawn, snap, state, hidden = _view(db, me)
    except NotFound:
        forget()
        st.rerun()
    _follow_summon(state, name)
    lang = language_picker(snap.language)
    _phase_line(state, lang)
    _sidebar(db, me, snap, lang)
    segment_id = _segment_picker(snap, lang)
    page = Page(db, me, snap, lang, segment_id, state, hidden, live, drawn=drawn, surroundings=surroundings_of(snap, state))
    if page.read_only:
        st.warning(t(f"rounds.{state.read_only_reason}_banner", lang), icon="🔒")
    if panel:
        from .round_panel import round_panel

        page.clock_slot = round_panel(page)
    return page


#: session state: (workshop, change number) of the map this session's page last drew from
SEEN = "_seen_version"


def _view(db: Storage, me: Identity, *, others: bool = False) -> tuple[int, Snapshot, FacilitationState, facilitation.Hidden]:
    """What this viewer sees now: the public change number first (so the page never claims a
    newer one than it drew), then the map without what rounds still hide from them
    (``others``: see :meth:`Page.refreshed`)."""
    drawn = public_version(db, me.workshop_id)
    if others:
        seen = st.session_state.get(SEEN)
        not_before = seen[1] if seen is not None and seen[0] == me.workshop_id else 0
        snap = public_snapshot(db, me.workshop_id, drawn, not_before=not_before)
    else:
        snap = snapshot(db, me.workshop_id)
    st.session_state[SEEN] = (me.workshop_id, snap.version)
    state = facilitation.state(db, me.workshop_id)
    hidden = facilitation.hidden(db, me.workshop_id, me.participant_id)
    if hidden:  # kept for the session: its live parts and its next run reuse it until the map moves
        key = (snap.version, hidden)
        kept = st.session_state.get("_redacted")
        if kept is not None and kept[0] == key:
            snap = kept[1]
        else:
            snap = _redacted(snap, hidden, me.participant_id)
            st.session_state["_redacted"] = (key, snap)
    return drawn, snap, state, hidden


def surroundings_of(snap: Snapshot, state: FacilitationState) -> tuple:
    """What a page shows of the workshop around its live parts: the facilitation
    state (phase, summon, lock, rounds: the phase line, banners and the round panel), the
    title and segments (sidebar), and the labels of the open round's elements (its vote or
    rating rows). A live part rerun finding this changed reruns the whole page."""
    labels: tuple = ()
    r = state.current_round
    if r is not None and r.target:
        labels = tuple((el.eid, snap.label(el.eid, 120)) for el in snap.of_kind(r.target))
    segments = tuple((s["id"], s["name"]) for s in snap.doc["segments"])
    return (state, snap.doc["workshop"]["title"], segments, labels)


def _follow_summon(state: FacilitationState, name: str) -> None:
    """Go where the facilitator brought everyone (once per summon: the rule is
    :func:`workshop.model.facilitation.summon_target`); the session remembers the counter seen."""
    seen = st.session_state.get("summon_seen")
    st.session_state["summon_seen"] = state.summon
    target = summon_target(state, seen, name)
    if target is not None:
        st.switch_page(f"views/{target}.py")


def _redacted(snap: Snapshot, hidden: facilitation.Hidden, viewer: str) -> Snapshot:
    from workshop.model.tallies import redact

    doc = redact(snap.doc, hidden.rounds, hidden.notes, viewer)
    elements = {eid: el for eid, el in snap.elements.items() if eid not in hidden.notes}
    return replace(snap, doc=doc, elements=elements)


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
