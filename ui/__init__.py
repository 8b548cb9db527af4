"""Small helpers the Streamlit pages share (language choice, the shared store).

The Streamlit side of the app (beside ``views/``); the ``workshop`` package never imports
streamlit. It holds no domain rules and no SQL.
"""

from __future__ import annotations

import streamlit as st

from workshop.exports.text import md_escape  # noqa: F401  (the pages' escaper)
from workshop.i18n import LANGUAGE_NAMES, LANGUAGES, t
from workshop.services.app import default_url, shared_store


def current_language(default: str | None = None) -> str:
    """The viewer's language: chosen in the sidebar, else ``?lang=``, else the workshop's."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang") or default or "en"
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "en"
    return st.session_state["lang"]


def language_picker(default: str | None = None) -> str:
    """The language chooser in the sidebar; returns the viewer's language."""
    lang = current_language(default)
    if st.session_state.get("lang_choice") != lang:
        st.session_state["lang_choice"] = lang  # follow changes made elsewhere (a new workshop)
    st.sidebar.selectbox(t("ui.language", lang), LANGUAGES, format_func=LANGUAGE_NAMES.get, key="lang_choice", on_change=_chosen)
    _keep_in_address(st.session_state["lang"], default or "en")
    return st.session_state["lang"]


def _keep_in_address(lang: str, usual: str) -> None:
    """A language other than the page's usual one stays in the address (``?lang=``), so a reload
    keeps it: switching pages drops the address's other parameters, and a reload starts a new
    session that knows only the address (issue 17: a Swedish viewer of an English workshop got
    English back after a reload)."""
    if lang != usual:
        if st.query_params.get("lang") != lang:
            st.query_params["lang"] = lang
    elif "lang" in st.query_params:
        del st.query_params["lang"]


def _chosen() -> None:
    st.session_state["lang"] = st.session_state["lang_choice"]
    st.session_state["lang_explicit"] = True


def store():
    """The process's store, shared by every session (``$KOPKARTA_DB`` or ``sessions/``)."""
    return _store_for(default_url())


@st.cache_resource(show_spinner=False)
def _store_for(path: str):
    return shared_store(path)
