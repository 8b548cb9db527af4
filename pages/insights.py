"""Placeholder while the page is built (replaced in this same change)."""

import streamlit as st

from ui.layout import workshop_page
from workshop.i18n import t

page = workshop_page("insights")
st.title(t("nav.insights", page.lang))
page.done()
