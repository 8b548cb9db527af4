"""Live updates: what a page shows follows the workshop as it changes.

The server pushes the redraw (:mod:`ui.push`). A page marks the parts that show the map as
*live parts* (``page.part(draw)``): when the workshop changed, the server reruns only those
parts, each with a fresh page (:meth:`ui.layout.Page.refreshed`), and leaves the navigation,
the sidebar and the round panel alone. A part that finds the page's surroundings changed too
(a new phase, a round started, a segment renamed: :func:`ui.layout.surroundings_of`, or what
the page itself draws around its parts: :meth:`ui.layout.Page.depends_on`) reruns the whole
page. A page without parts is rerun whole. Why parts: with 50 people in the room every change
redraws 50 pages, and the surroundings are most of a page's elements (bench/RESULTS.md, "load").

Pages follow the workshop's *public* change number, which a dot or a rating that a round
still hides does not move: during a vote, nobody's page is redrawn for somebody else's dot.

A small fragment stays on the page as a safety net, comparing that number (a dictionary
look-up in the store) with the one this page was drawn from every few seconds, and every
second while a round's countdown runs (or always, where the server cannot push:
:func:`ui.internals.usable`). A rerun reads the new map from the shared snapshot cache.
Widgets keep their keys across reruns, so nothing a viewer is typing is lost.

The same fragment draws the round's countdown (when the page gives it a place): the time left
comes from the server's clock on each poll, so every screen shows the same time, and the cue
at zero (a toast and a short beep) is given once per round per session.

Words used here and in :mod:`ui.push` and :mod:`ui.layout`:

* *live part*: a Streamlit fragment that draws some of the map; the server reruns it alone.
* *drawn*: the public change number a page (or its last part run) showed.
* *surroundings*: what a page shows of the workshop outside its live parts (phase, rounds,
  title, segments); *layout key*: the surroundings plus what the page itself draws around
  its parts. A part rerun alone that finds the layout key changed reruns the whole page.
* *follows*: a part that shows only a little of the map (the note form's list of steps) gives
  a function of what it shows, and is rerun only when that changed.
* *mark drawn* (:func:`_mark_drawn`): a part that reran alone records the change number it
  drew as the page's; the page's other parts that now show something older are queued for a
  rerun of their own (:func:`ui.push.queue_reruns`), those in the sidebar after every other
  page's push.
"""

from __future__ import annotations

import time
from datetime import timedelta

import streamlit as st

from workshop.i18n import t
from workshop.model.rounds import clock_text
from workshop.render.sound import beep
from workshop.services import facilitation
from workshop.services.live import public_version

from . import internals, push, store

#: polling when the server cannot push (see :mod:`ui.push`), and the countdown's tick
POLL_SECONDS = 1.0
#: the safety net while the server pushes changes (a missed push is caught within this time)
SAFETY_SECONDS = 5.0
#: a page behind the workshop that the server has pushed nothing for this long redraws itself
#: (a lost push; in a full room a push can take a few seconds to come round: redrawing every
#: page from here then only adds to the queue)
OVERDUE_SECONDS = 10.0
#: how long the beep stays on the page after time ran out (it plays once, when it appears)
CUE_SECONDS = 4.0


def new_run() -> None:
    """Call at the start of every full run of the app: the page it draws registers its live
    parts, and what it follows, anew (a page that does not follow a workshop registers none)."""
    push.forget()
    st.session_state.pop(FOLLOWED, None)


def follow(page, clock_slot=None) -> None:
    """Call once per page run, after drawing (``page.done()``); ``clock_slot`` (a container)
    receives the round's countdown."""
    workshop_id = page.me.workshop_id
    st.session_state["drawn_version"] = page.drawn
    pushed = push.watch(workshop_id, page.drawn, store(), parts=page.parts)
    poller = _poller if not pushed or (clock_slot is not None and _ticking(workshop_id)) else _safety_net
    if clock_slot is not None:
        with clock_slot:
            poller(workshop_id, page.lang, True)
    else:
        poller(workshop_id, page.lang, False)


def part(page, draw, *, sidebar: bool = False, follows=None) -> None:
    """Draw ``draw(page)`` as a live part of the page (see the module's docstring).

    ``follows``: for a part that shows only a little of the map (the note form's list of
    stages and steps), a function of the page giving what it shows; such a part is rerun only
    when that changed (a new step, not a new note). A part in the sidebar is rerun after every
    other page's part in the main area, and at most every :data:`ui.push.SIDEBAR_GAP` seconds."""
    if sidebar:
        with st.sidebar:
            _part(page, draw, follows, True)
    else:
        _part(page, draw, follows, False)


#: session state: fragment id -> (follows, what the part last showed, whether it is in the
#: sidebar) for the parts that follow only some of the map
FOLLOWED = "_live_followed"


@st.fragment
def _part(page, draw, follows, in_sidebar: bool) -> None:
    fid = internals.current_fragment()
    followed = st.session_state.setdefault(FOLLOWED, {})
    if internals.rerunning_fragments():  # this part reran alone: draw from the map as it is now
        fresh = page.refreshed(others=push.pushed_run())
        if fresh.layout_key != page.layout_key:  # something outside the live parts changed
            st.rerun(scope="app")
        # a part that shows a little of the map, rerun by the server, leaves the page's version
        # where its other parts drew it (the push brings those up to date in turn)
        if follows is None or not push.pushed_run():
            _mark_drawn(page, fresh, fid, followed)
        page = fresh
    elif fid is not None and follows is None:
        page.parts.append(fid)
    if follows is not None and fid is not None:
        followed[fid] = (follows, follows(page), in_sidebar)
    draw(page)


def _mark_drawn(page, fresh, fid: str | None, followed: dict) -> None:
    """The page now shows ``fresh``'s version, whichever part ran (a push, a queued part, a
    click): every other part that shows something else at it is queued for a rerun."""
    moved = fresh.drawn != st.session_state.get("drawn_version")
    st.session_state["drawn_version"] = fresh.drawn
    push.watch(fresh.me.workshop_id, fresh.drawn, store(), parts=None)
    main = [other for other in page.parts if other != fid] if moved else []
    sidebar = []
    for other, (fn, shown, in_sidebar) in followed.items():
        if other != fid and fn(fresh) != shown:
            (sidebar if in_sidebar else main).append(other)
    push.queue_reruns(main)
    push.queue_reruns(sidebar, sidebar=True)


def _ticking(workshop_id: str) -> bool:
    cd = facilitation.countdown(store(), workshop_id)
    return cd is not None and not cd.ended and cd.remaining is not None


@st.fragment(run_every=timedelta(seconds=POLL_SECONDS))
def _poller(workshop_id: str, lang: str, clock: bool) -> None:
    if public_version(store(), workshop_id) != st.session_state.get("drawn_version"):
        st.rerun(scope="app")
    if clock:
        draw_clock(workshop_id, lang)


@st.fragment(run_every=timedelta(seconds=SAFETY_SECONDS))
def _safety_net(workshop_id: str, lang: str, clock: bool) -> None:
    # in a busy room the page is nearly always a change behind, with its push on the way:
    # only a page the server has pushed nothing for a while is redrawn from here
    if push.overdue(workshop_id, st.session_state.get("drawn_version"), store(), after=OVERDUE_SECONDS):
        st.rerun(scope="app")
    if clock:
        draw_clock(workshop_id, lang)


def draw_clock(workshop_id: str, lang: str, *, big: bool = False) -> None:
    """The current round's countdown, "time is up" at zero (with the cue once per session)."""
    cd = facilitation.countdown(store(), workshop_id)
    if cd is None or cd.ended:
        return
    if cd.remaining is None:
        st.caption(t("rounds.no_timer", lang))
        return
    text = clock_text(cd.remaining)
    if big:
        st.markdown(f"<div style='font-size:7rem;font-weight:700;line-height:1.1'>⏱ {text}</div>", unsafe_allow_html=True)
    else:
        st.markdown(f"### ⏱ {text}")
    if cd.paused:
        st.info(t("rounds.paused", lang))
    if cd.time_up:
        st.error(t("rounds.time_up", lang), icon="⏰")
        _cue(workshop_id, cd.no, lang)


def _cue(workshop_id: str, round_no: int, lang: str) -> None:
    cues = st.session_state.setdefault("round_cues", {})
    key = f"{workshop_id}:{round_no}"
    first = cues.get(key)
    now = time.time()
    if first is None:
        cues[key] = first = now
        st.toast(t("rounds.time_up", lang), icon="⏰")
    if now - first < CUE_SECONDS:
        st.audio(beep(), format="audio/wav", autoplay=True)
