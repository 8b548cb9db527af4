"""Live updates: the page reruns when the workshop changed.

The server pushes the rerun (:mod:`ui.push`); a small fragment stays on the page as a safety
net, comparing the workshop's in-memory change counter (a dictionary look-up in the store) with
the version this page was drawn from every few seconds, and every second while a round's
countdown runs (or always, where the server cannot push). A rerun reads the new map from the
shared snapshot cache. Widgets keep their keys across reruns, so nothing a viewer is typing is
lost.

The same fragment draws the round's countdown (when the page gives it a place): the time left
comes from the server's clock on each poll, so every screen shows the same time, and the cue
at zero (a toast and a short beep) is given once per round per session.
"""

from __future__ import annotations

import time
from datetime import timedelta

import streamlit as st

from workshop.i18n import t
from workshop.model.rounds import clock_text
from workshop.render.sound import beep
from workshop.services import facilitation

from . import push, store

#: polling when the server cannot push (see :mod:`ui.push`), and the countdown's tick
POLL_SECONDS = 1.0
#: the safety net while the server pushes changes (a missed push is caught within this time)
SAFETY_SECONDS = 5.0
#: how long the beep stays on the page after time ran out (it plays once, when it appears)
CUE_SECONDS = 4.0


def follow(workshop_id: str, drawn_version: int, clock_slot=None, lang: str = "en") -> None:
    """Call once per page run, after drawing from ``drawn_version``; ``clock_slot`` (a
    container) receives the round's countdown."""
    st.session_state["drawn_version"] = drawn_version
    pushed = push.watch(workshop_id, drawn_version, store())
    poller = _poller if not pushed or (clock_slot is not None and _ticking(workshop_id)) else _safety_net
    if clock_slot is not None:
        with clock_slot:
            poller(workshop_id, lang, True)
    else:
        poller(workshop_id, lang, False)


def _ticking(workshop_id: str) -> bool:
    cd = facilitation.countdown(store(), workshop_id)
    return cd is not None and not cd.ended and cd.remaining is not None


@st.fragment(run_every=timedelta(seconds=POLL_SECONDS))
def _poller(workshop_id: str, lang: str, clock: bool) -> None:
    _check(workshop_id, lang, clock)


@st.fragment(run_every=timedelta(seconds=SAFETY_SECONDS))
def _safety_net(workshop_id: str, lang: str, clock: bool) -> None:
    _check(workshop_id, lang, clock)


def _check(workshop_id: str, lang: str, clock: bool) -> None:
    if store().version(workshop_id) != st.session_state.get("drawn_version"):
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
