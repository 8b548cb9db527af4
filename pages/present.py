"""Placeholder while the page is built (replaced in this same change)."""

import streamlit as st

from ui import language_picker
from workshop.i18n import t

lang = language_picker()
st.title(t("nav.present", lang))
