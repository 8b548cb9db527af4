"""Live parts: what a page shows follows the workshop as it changes, without rerunning the page.

Why: rerunning a Streamlit script part for every screen on every change tops out near 35 runs
a second per process (bench/RESULTS.md). So the parts that change all the time are drawn in
the browser by one ``components.v2`` component (``web/component/live.js`` and ``live.css``,
served by the app itself, :mod:`web.assets`: nothing comes from a CDN). The page gives each part a *state*, what this viewer may
see of it (:mod:`workshop.services.live_state`); the part then applies what the workshop's event
stream sends (``/_kopkarta/events``, :mod:`web.events`), one message per change for every
screen. Every text people typed is set as text in the browser, never as markup.

The parts (each a call here):

* :func:`board`: the process board of one segment (its stages, steps, exit criteria, the
  mirrored seller stage and the notes on any of them);
* :func:`clock`: the round's countdown from the server's clock, and who has taken part so far;
* :func:`results`: what a round shows everyone (ranked dots, rating spreads, notes), for the
  projector;
* :func:`watch`: draws nothing; every workshop page has one (:meth:`ui.layout.Page.done`).

A script rerun is only for the page's *structure* (:func:`workshop.services.live_state.structure`:
a phase, a summon, a new, ended or revealed round, the lock, the workshop's language) and for
what a page draws with Streamlit itself and names in its rerun rule (:class:`Rerun`: the process
page's list of stages for its forms; a page that is not drawn live asks for a rerun on any
change). The component asks Streamlit for that run through its public trigger; a run a
participant starts (a click) draws the page as always. A slow safety net (:func:`safety_net`)
compares the structure every :data:`SAFETY_SECONDS` seconds, in case the stream is blocked on
the way (a proxy that holds it back); a part whose stream is down reads its state now and
then by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import streamlit as st

from web import assets, run_count
from workshop.errors import KopkartaError
from workshop.i18n import error_text, t
from workshop.model.defaults import DEFAULTS
from workshop.model.rounds import rating_scales
from workshop.services import editing, live_state
from workshop.services.live import FUNCTIONS

from . import store

#: the one component behind every live part (registered once per process): a small loader of
#: ``web/component/live.js`` and ``live.css``, which the app serves itself (:mod:`web.assets`)
COMPONENT = st.components.v2.component("kopkarta_live", js=assets.loader_js(), isolate_styles=True)

#: the safety net's poll of the page's structure (seconds): a missed change shows within this
SAFETY_SECONDS = 30.0

#: a segment with more steps than this is drawn a page of :data:`PAGE_SIZE` steps per stage
#: at a time, on the board and when arranging it (issue 18: the biggest legal map has 2,000
#: steps in a segment; drawn whole, its process page had not shown after 240 s)
PAGE_AFTER = 300
PAGE_SIZE = 25

#: what the board draws, by kind of step (the page's arranging view draws the same)
STEP_ICONS = {"action": "▸", "meeting": "👥", "decision": "⚖️", "approval": "✅", "document": "📄", "evaluation": "🔍"}

#: the texts each part may show, by view (looked up in the viewer's language)
_TEXTS = {
    "board": (
        "process.steps", "process.no_steps", "process.exit_criteria", "process.no_exit", "process.must_be_true",
        "process.questions", "process.seller_side", "process.seller_activities", "process.buyer_enablement",
        "process.no_enablement", "process.hidden", "process.empty", "notes.anonymous", "live.reconnecting",
        "live.note_here", "notes.text", "notes.post", "form.cancel", "process.page_of", "process.page_prev",
        "process.page_next", *(f"option.step_kind.{k}" for k in STEP_ICONS),
    ),
    "clock": ("rounds.no_timer", "rounds.paused", "rounds.time_up", "live.voted", "live.reconnecting"),
    "results": (
        "present.voted", "present.vote_colours", "rounds.no_votes", "rounds.no_ratings", "rounds.wait_reveal", "rounds.hidden_notes",
        "notes.anonymous", "live.reconnecting", *(f"function.{f}" for f in FUNCTIONS),
        *(f"rounds.field.{f}" for f in sorted({f for fields in rating_scales().values() for f in fields})),
    ),
    "dots": ("rounds.dots_left", "rounds.give_dot", "rounds.take_dot", "rounds.your_dots", "live.reconnecting"),
    "watch": (),
}


@dataclass(frozen=True)
class Viewer:
    """Who a live part is for: a participant (by the token of their link), or the projector
    that opened a workshop by its join code without joining (``participant_id`` ``None``)."""

    workshop_id: str
    participant_id: str | None
    lang: str
    #: the page's structure when it was drawn (:func:`workshop.services.live_state.structure`)
    structure: str
    token: str | None = None
    code: str | None = None
    #: whether a round hides contributions now (the viewer's own may change unseen by the stream)
    concealing: bool = False

    @property
    def auth(self) -> dict[str, str]:
        if self.token:
            return {"t": self.token, "w": self.workshop_id}
        return {"w": self.workshop_id, "code": self.code or ""}


@dataclass
class Rerun:
    """When the page itself must be drawn again, besides its structure: on ``any`` change, on
    a change of an element of one of ``kinds``, on the removal of one of ``ids``, or when who
    has taken part in the round changed (``voted``)."""

    any: bool = False
    kinds: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    voted: bool = False


def viewer_of(page) -> Viewer:
    """The viewer of a workshop page (:class:`ui.layout.Page`)."""
    r = page.state.current_round
    return Viewer(
        page.me.workshop_id, page.me.participant_id, page.lang,
        live_state.structure(page.state, page.snap.language), token=page.me.token,
        concealing=r is not None and r.concealed,
    )


def board(page, mode: str = "columns") -> None:
    """The process board of the page's segment (``mode``: ``columns`` or ``checklist``). A
    sticky note put on a card (the card's 📝 button) is posted here, in the run the part asks
    for: through the services, as any change."""
    who = viewer_of(page)
    options = {
        "mode": mode, "icons": STEP_ICONS, "defaults": DEFAULTS["step"], "note": not page.read_only,
        "pageAfter": PAGE_AFTER, "pageSize": PAGE_SIZE,
    }
    if _drawn_before("board", page.segment_id) and not who.concealing:
        # on the screen since the page's last run, kept up to date by the stream: its state is
        # not sent again (on a busy board, most of a run's bytes; while a round hides things,
        # the viewer's own may have changed, which no stream says)
        given = json.dumps({"structure": who.structure})
    else:  # from the map this run drew, made once per change for all who see the same
        given = live_state.board_json(page.snap, page.hidden, who.participant_id, page.segment_id, who.structure).decode("utf-8")
    result = _mount(who, "board", {"view": "board", "seg": page.segment_id}, options=options, given=given, on_note_change=_posted)
    note = result.get("note") if result is not None else None
    if isinstance(note, dict):
        _post_note(page, note)


def _post_note(page, note: dict) -> None:
    try:
        editing.add_note(page.db, page.me, str(note.get("text") or ""), str(note.get("about") or "") or None)
    except KopkartaError as exc:
        st.error(error_text(exc, page.lang))
    else:
        st.toast(t("notes.posted", page.lang), icon="📝")


def clock(who: Viewer, *, big: bool = False) -> None:
    """The current round's countdown, and how many have taken part so far."""
    _mount(who, "clock", {"view": "clock"}, options={"big": big})


def results(who: Viewer, *, big: bool = True) -> None:
    """What the current round shows everyone now (after the reveal; a brainstorm's notes, with
    the viewer's own while others' are hidden); ``big``: on the projector."""
    _mount(who, "results", {"view": "results"}, options={"big": big})


def dots(who: Viewer, round_no: int, *, budget: int, most: int, offered: list[tuple[str, str]], mine: dict[str, int], cast) -> None:
    """A dot vote's ballot: ``offered`` (element id, label), my dots on them, the budget and the
    most one element may get. A click sets the new number at once on the screen and asks for a
    run of the panel's fragment, in which ``cast(about, dots)`` stores it through the services
    (so a click costs one small run, not a page's: during a vote the whole room clicks)."""
    key = f"live:dots:{round_no}"

    def clicked() -> None:
        value = (st.session_state.get(key) or {}).get("dot")
        if isinstance(value, dict) and isinstance(value.get("about"), str):
            cast(value["about"], int(value.get("dots", 0)))

    state = {
        "v": 0, "round": round_no, "budget": budget, "max": most, "mine": mine,
        "elements": [{"id": eid, "label": label} for eid, label in offered],
    }
    given = json.dumps({"structure": who.structure, "state": state}, ensure_ascii=False, separators=(",", ":"))
    _mount(who, "dots", {"view": "dots"}, given=given, key=key, on_dot_change=clicked)


def watch(who: Viewer, rerun: Rerun) -> None:
    """The page's watcher: asks for a rerun of the page when its structure changed, or when
    ``rerun`` says so. Put it where an empty element does not show (the sidebar, or the end of
    the presenter's page, which has none)."""
    _mount(who, "watch", {"view": "watch"}, rerun=rerun)


def _mount(
    who: Viewer, view: str, query: dict[str, str], *, options: dict | None = None, rerun: Rerun | None = None,
    given: str | None = None, key: str | None = None, **callbacks,
) -> Any:
    """Draw one part; ``given``: its ``{"structure", "state"}`` as JSON text (else read now)."""
    cfg = {
        "view": view, "w": who.workshop_id, "auth": who.auth, "query": query, "structure": who.structure,
        "rerun": vars(rerun) if rerun else {}, "options": options or {},
        "texts": {text: t(text, who.lang) for text in _TEXTS[view]},
    }
    if given is None:
        given = live_state.state_json(store(), who.workshop_id, who.participant_id, view, query.get("seg")).decode("utf-8")
    # the state's JSON text is spliced in, not parsed and dumped again for every screen
    data = '{"cfg":' + json.dumps(cfg, ensure_ascii=False, separators=(",", ":")) + ',"live":' + given + "}"
    return COMPONENT(key=key or f"live:{view}", data=data, on_rerun_change=_asked, **callbacks)


#: session state: the parts a run of the page drew (this run's, the last run's), by page, view
#: and segment; a part drawn in the last run is still on the screen (see :func:`new_run`)
_DRAWN, _BEFORE = "_live_drawn", "_live_before"


def new_run(page: str) -> None:
    """Call at the start of every full run of the app, with the page it draws."""
    st.session_state[_BEFORE] = st.session_state.get(_DRAWN, set())
    st.session_state[_DRAWN] = set()
    st.session_state["_live_page"] = page


def _drawn_before(view: str, segment: str | None) -> bool:
    key = (st.session_state.get("_live_page"), view, segment)
    st.session_state.setdefault(_DRAWN, set()).add(key)
    return key in st.session_state.get(_BEFORE, set())


def _asked() -> None:
    """A live part asked for this run (the page's structure changed): counted in the test mode."""
    run_count.count(st.query_params.get("t"), "asked")


def _posted() -> None:
    """A viewer posted a note from the board: their own run (handled in :func:`board`)."""


@st.fragment(run_every=timedelta(seconds=SAFETY_SECONDS))
def safety_net(who: Viewer) -> None:
    """The slow safety net: a page whose structure changed and that was not asked to rerun
    (its stream held back on the way) is drawn again within :data:`SAFETY_SECONDS`."""
    run_count.count(who.token, "poll")
    if live_state.current_structure(store(), who.workshop_id) != who.structure:  # None: deleted
        st.rerun(scope="app")
