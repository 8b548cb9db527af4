"""Who is at this browser: join, create, and being recognised again after a reload.

Session state dies on a reload and a sleeping phone drops its session, so the participant's
token also lives in the address (``?t=...``); every page puts it back if navigation dropped it,
except the presenter view: the projector's address is on the wall and in its history, so it holds
the workshop and its join code instead (``views/present.py``), never anyone's token.
"""

from __future__ import annotations

import streamlit as st

from workshop.errors import NotFound
from workshop.services.live import Identity, identify, presenter_access, snapshot

from . import current_language, store


def current_identity(*, in_url: bool = True) -> Identity | None:
    """The participant at this browser, or None; ``in_url``: put their token back in the
    address if it is not there (the presenter view and the app's frame before it knows the
    page pass ``False``)."""
    me: Identity | None = st.session_state.get("me")
    if me is None:
        token = st.query_params.get("t")
        if token:
            try:
                me = identify(store(), token)
            except NotFound:
                del st.query_params["t"]
                st.session_state["identity_lost"] = True
                return None
            st.session_state["me"] = me
    if me is not None:
        _note_joined(me.workshop_id)
    if in_url and me is not None and st.query_params.get("t") != me.token:
        st.query_params["t"] = me.token
    return me


def remember(me: Identity) -> None:
    st.session_state["me"] = me
    _note_joined(me.workshop_id)
    if not st.session_state.get("lang_explicit") and "lang" not in st.query_params:
        st.session_state.pop("lang", None)  # the workshop's language becomes the default
    st.query_params["t"] = me.token
    for key in ("join", "name"):
        if key in st.query_params:
            del st.query_params[key]


def forget() -> None:
    st.session_state.pop("me", None)
    if "t" in st.query_params:
        del st.query_params["t"]


def joined_workshops() -> frozenset[str]:
    """Every workshop this browser session has joined or created (the explorer's default scope)."""
    return frozenset(st.session_state.get("joined", ()))


def _note_joined(workshop_id: str) -> None:
    joined = st.session_state.setdefault("joined", set())
    joined.add(workshop_id)


def app_language() -> str:
    """The language of the navigation: the viewer's choice, else that of the workshop they are
    in (so joining a Swedish workshop turns the whole app Swedish), else ``?lang=`` or English."""
    if "lang" in st.session_state:
        return st.session_state["lang"]
    me = current_identity(in_url=False)  # the page puts the token in the address (or, the presenter, not)
    workshop_id = me.workshop_id if me is not None else _projected()
    default = None
    if workshop_id is not None:
        try:
            default = snapshot(store(), workshop_id).language
        except NotFound:
            default = None
    return current_language(default)


def _projected() -> str | None:
    """The workshop a projector opened by its join code (``/present?w=...&code=...``), so a
    Swedish workshop's projector is Swedish, its ``<html lang>`` too (issue 17, item 7); it
    showed English before, with nobody joined to take the language from."""
    wanted, code = st.query_params.get("w"), st.query_params.get("code")
    if wanted and code and presenter_access(store(), wanted, code):
        return wanted
    return None
