"""The admin key for the organisation view, as the server's operator configured it.

Read from the environment (``KOPKARTA_ADMIN_KEY``) or, failing that, from Streamlit's secrets
(``admin_key`` in ``.streamlit/secrets.toml``). The comparison and the scope rule live in
:mod:`workshop.services.access`; this module only knows where Streamlit keeps configuration.
"""

from __future__ import annotations

import os

import streamlit as st

from workshop.services.access import ADMIN_ENV


def configured_admin_key() -> str | None:
    key = os.environ.get(ADMIN_ENV)
    if key:
        return key
    try:
        key = st.secrets.get("admin_key")
    except Exception:  # noqa: BLE001 - no secrets file, or a broken one: no organisation view
        return None
    return str(key) if key else None
