"""Köpkarta's entry point: the navigation between the app's pages.

Run with ``streamlit run streamlit_app.py`` (or the README's start command). Pages live in
``pages/`` and stay thin: they read through :mod:`workshop.services` and render.
"""

import streamlit as st

from workshop.i18n import t
from ui import current_language

st.set_page_config(page_title="Köpkarta", page_icon="🧭", layout="wide")

lang = current_language()
home = st.Page("pages/home.py", title=t("nav.home", lang), icon="🏠", url_path="home", default=True)
st.navigation([home]).run()
