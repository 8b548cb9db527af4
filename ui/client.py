"""The browser session and client address the guard counts wrong secrets by
(:mod:`workshop.services.guard`).

The session id is made once per Streamlit session (a reload makes a new one: that is what the
count per address is for). The address is Streamlit's ``st.context.ip_address``: the
websocket's peer, or the client a trusted proxy names (:mod:`web.client`); none for a local
browser.
"""

from __future__ import annotations

import hashlib
import secrets

import streamlit as st

from workshop.services.guard import Caller

_SESSION = "guard_session"


def caller() -> Caller:
    session = st.session_state.get(_SESSION)
    if session is None:
        session = st.session_state[_SESSION] = secrets.token_hex(12)
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client context (a test's bare script run): unknown
        address = None
    return Caller(session=session, address=address)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def known_wrong(kind: str, value: str) -> bool:
    """Whether ``value`` is the ``kind`` secret this session was last told is wrong: a field
    keeps what was typed, and every later run of the page (any click) must not count it again."""
    return st.session_state.get(f"guard_wrong_{kind}") == _digest(value)


def note_wrong(kind: str, value: str | None) -> None:
    """Remember (as a hash) the ``kind`` secret just refused, or forget it (``None``)."""
    if value is None:
        st.session_state.pop(f"guard_wrong_{kind}", None)
    else:
        st.session_state[f"guard_wrong_{kind}"] = _digest(value)
