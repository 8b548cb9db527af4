"""Home: the workshops in this database, with their gaps at a glance, and map import.

The live workshop (create, join, every part of the map) is built on top of this page.
"""

import streamlit as st

from workshop.errors import KopkartaError
from workshop.i18n import t
from workshop.services import maps
from workshop.services.overview import workshop_overview
from ui import language_picker, md_escape, store

lang = language_picker()
db = store()

st.title(t("home.title", lang))
st.write(t("home.lead", lang))

rows = workshop_overview(db, lang)
if not rows:
    st.info(t("home.empty", lang))
for row in rows:
    with st.container(border=True):
        st.subheader(md_escape(row["title"]), anchor=False)
        cols = st.columns(4)
        cols[0].metric(t("home.segments", lang), row["segments"])
        cols[1].metric(t("home.steps", lang), row["steps"])
        cols[2].metric(t("home.findings", lang), row["findings"])
        cols[3].metric(t("home.risk", lang), f"{row['risk']}/100")
        st.caption(t("home.code", lang, code=row["join_code"], id=row["id"]))

st.divider()
st.subheader(t("home.import", lang), anchor=False)
upload = st.file_uploader(t("home.import_help", lang), type=["json"], key="import_file")
if upload is not None and st.button(t("home.import_button", lang), key="import_submit"):
    try:
        result = maps.import_bytes(db, upload.getvalue(), mode="as_new", actor="app")
    except KopkartaError as exc:
        st.error(t("home.import_failed", lang, error=str(exc)))
    else:
        st.success(t("home.imported", lang, id=result.workshop_id))
        st.warning(t("home.key_once", lang, key=result.created.facilitator_key, code=result.created.join_code))
