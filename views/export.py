"""Export: take the map out of the room, in every format the exports offer (workshop.exports).

The map file (JSON) is quick and downloads at once. The other files (a deck, a playbook, an
interactive map, …) take longer to build, and a Streamlit download button needs its bytes up
front: building them all on every rerun would make every click on the page slow. So each one is
built only when asked for ("Prepare", with a spinner) and kept in the session, keyed by the
workshop, the format and the language, with the map's change number it was built from: the
download button then appears and stays. When someone changes the map meanwhile (in a live
room, all the time), the file is not taken away: it still downloads as prepared, and the page
says it was prepared before the latest changes and offers to prepare it again. The page speaks
the participant's language; the files are in the workshop's language.
"""

import streamlit as st

from ui import md_escape
from ui.layout import workshop_page
from workshop.exports import FORMATS, available, render
from workshop.exports.filename import title_stem
from workshop.i18n import t

IMMEDIATE = {"json"}  # small and fast: built on every run
FILES = "export_files"  # session_state: (workshop, format, lang) -> (version, bytes)

page = workshop_page("export")
lang = page.lang  # the page's words: the participant's language
doc = page.snap.doc
file_lang = doc["workshop"].get("language", "en")  # the files' words: the workshop's language
workshop_id = doc["workshop"]["id"]
version = page.snap.version
files: dict = st.session_state.setdefault(FILES, {})


def _key(fmt: str) -> tuple:
    return (workshop_id, fmt, file_lang)


def _prepare(fmt: str) -> None:
    """Build one file (with a spinner) and keep it, with the change number it shows."""
    with st.spinner(t("export.preparing", lang)):
        try:
            data = render(doc, fmt, file_lang)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the page goes on
            st.error(t("export.failed", lang, error=md_escape(str(exc))), icon=":material/error:")
            return
    files[_key(fmt)] = (version, data)


def file_name(fmt: str) -> str:
    """``<workshop>.<extension>``, with the format added where two formats share an extension;
    the analysts' workbook is named by the workshop's title."""
    ext = FORMATS[fmt].extension
    if fmt == "xlsx":
        return f"{title_stem(doc['workshop']['title'], workshop_id)}.{ext}"
    return f"{workshop_id}.{ext}" if fmt in ("json", "md", ext) else f"{workshop_id}-{fmt}.{ext}"


def _download(fmt: str, data: bytes) -> None:
    st.download_button(
        t("export.download", lang),
        data=data,
        file_name=file_name(fmt),
        mime=FORMATS[fmt].mime,
        key=f"export:{fmt}",
        icon=":material/download:",
    )


st.title(t("export.title", lang))
st.write(t("export.lead", lang))
for fmt in available():
    with st.container(border=True):
        st.markdown(f"**{t(f'export.format.{fmt}', lang)}**")
        st.caption(t(f"export.format.{fmt}.help", lang))
        if fmt in IMMEDIATE:
            _download(fmt, render(doc, fmt, file_lang))
            continue
        kept = files.get(_key(fmt))
        if kept is None or kept[0] != version:
            label = "export.prepare" if kept is None else "export.prepare_again"
            if st.button(t(label, lang), key=f"prepare:{fmt}", help=t("export.prepare_help", lang), icon=":material/build:"):
                _prepare(fmt)
                kept = files.get(_key(fmt))
        if kept is not None:
            if kept[0] != version:
                st.caption(":material/update: " + t("export.stale", lang))
            _download(fmt, kept[1])
st.caption(t("export.import_hint", lang, title=md_escape(doc["workshop"]["title"])))
page.done()
