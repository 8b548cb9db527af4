"""Expanders whose content is built only while they are open.

A collapsed expander's content is still built on every rerun, and a change in the workshop
reruns every participant's page: the add and edit forms tucked away in expanders (each a
handful of widgets) were a tenth of the process page's cost under load (``bench/load``). A
keyed expander that reruns when opened or closed knows whether it is open, so its content can
wait until someone opens it; it stays open across reruns.
"""

from __future__ import annotations

import streamlit as st


def expander(label: str, key: str, *, expanded: bool = False, icon: str | None = None):
    """The expander, or ``None`` while it is closed (then draw nothing inside)."""
    box = st.expander(label, expanded=expanded, key=key, icon=icon, on_change="rerun")
    return box if box.open is not False else None
