"""Live updates: a tiny polled fragment that reruns the page when the workshop changed.

Each half second the fragment compares the workshop's in-memory change counter (a dictionary
look-up in the store) with the version this page was drawn from; only when it moved does it
rerun the page, which then reads the new map from the shared snapshot cache. Widgets keep
their keys across reruns, so nothing a viewer is typing is lost.

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

from . import store

POLL_SECONDS = 0.5
#: how long the beep stays on the page after time ran out (it plays once, when it appears)
CUE_SECONDS = 4.0


def follow(workshop_id: str, drawn_version: int, clock_slot=None, lang: str = "en") -> None:
    """Call once per page run, after drawing from ``drawn_version``; ``clock_slot`` (a
    container) receives the round's countdown."""
    st.session_state["drawn_version"] = drawn_version
    if clock_slot is not None:
        with clock_slot:
            _poller(workshop_id, lang, True)
    else:
        _poller(workshop_id, lang, False)


@st.fragment(run_every=timedelta(seconds=POLL_SECONDS))
def _poller(workshop_id: str, lang: str, clock: bool) -> None:
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
