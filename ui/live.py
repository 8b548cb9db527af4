"""Live updates: a tiny polled fragment that reruns the page when the workshop changed.

Each second the fragment compares the workshop's in-memory change counter (a dictionary
look-up in the store) with the version this page was drawn from; only when it moved does it
rerun the page, which then reads the new map from the shared snapshot cache. Widgets keep
their keys across reruns, so nothing a viewer is typing is lost.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from . import store

POLL_SECONDS = 0.5


def follow(workshop_id: str, drawn_version: int) -> None:
    """Call once per page run, after drawing from ``drawn_version``."""
    st.session_state["drawn_version"] = drawn_version
    _poller(workshop_id)


@st.fragment(run_every=timedelta(seconds=POLL_SECONDS))
def _poller(workshop_id: str) -> None:
    if store().version(workshop_id) != st.session_state.get("drawn_version"):
        st.rerun(scope="app")
