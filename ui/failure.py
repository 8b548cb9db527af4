"""What a visitor sees when a page fails: a short message in their language, never a traceback.

Streamlit calls :func:`on_script_error` (``st.App(on_script_error=...)`` in ``app.py``) for an
exception no page caught, after it has logged the exception with its traceback on the server.
With ``client.showErrorDetails = "none"`` Streamlit would show a generic English notice; this
shows the project's own text instead: for the project's errors (a database failure, a refused
change) what :func:`workshop.i18n.error_text` says, for anything else a plain "something went
wrong, nothing was changed". Why not in every page: a score of pages and their fragments would
each need the same ``try``; this is the one place every uncaught exception passes.
"""

from __future__ import annotations

import streamlit as st

from workshop.errors import KopkartaError
from workshop.i18n import DEFAULT_LANGUAGE, error_text, t


def on_script_error(exc: Exception) -> bool:
    """Show ``exc`` as a message in the viewer's language; ``True``: Streamlit shows nothing more."""
    lang = st.session_state.get("lang") or DEFAULT_LANGUAGE
    try:
        text = error_text(exc, lang) if isinstance(exc, KopkartaError) else t("error.unexpected", lang)
        st.error(text, icon=":material/error:")
    except Exception:  # noqa: BLE001 - cannot even show it: Streamlit's own notice, no details
        return False
    return True
