"""Export: take the map out of the room. The map file (JSON) is the interchange format that
imports into any Köpkarta; more formats (deck, playbook, interactive map) build on it."""

import streamlit as st

from ui import md_escape
from ui.layout import workshop_page
from workshop.exports import FORMATS, available, render
from workshop.i18n import t

page = workshop_page("export")
lang = page.lang
doc = page.snap.doc

st.title(t("export.title", lang))
st.write(t("export.lead", lang))
for fmt in available():
    with st.container(border=True):
        st.markdown(f"**{t(f'export.format.{fmt}', lang)}**")
        st.caption(t(f"export.format.{fmt}.help", lang))
        st.download_button(
            t("export.download", lang),
            data=render(doc, fmt, lang),
            file_name=f"{doc['workshop']['id']}.{FORMATS[fmt].extension}",
            mime=FORMATS[fmt].mime,
            key=f"export:{fmt}",
            icon=":material/download:",
        )
st.caption(t("export.import_hint", lang, title=md_escape(doc["workshop"]["title"])))
page.done()
