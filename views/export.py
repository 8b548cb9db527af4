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

The documents for people (the decision package as PDF and Word, the one-page summary, the battle
card) are made per segment: a map with several segments shows a segment choice above them
(the sidebar's segment first), and a kept file belongs to its segment. Every download is named
after the workshop's title (workshop.exports.names), not its id.
"""

import streamlit as st

from ui import md_escape
from ui.layout import workshop_page
from workshop.exports import FORMATS, available, render
from workshop.exports.names import file_name as export_name
from workshop.i18n import t

IMMEDIATE = {"json"}  # small and fast: built on every run
FILES = "export_files"  # session_state: (workshop, format, lang[, segment]) -> (version, bytes)

page = workshop_page("export")
lang = page.lang  # the page's words: the participant's language
doc = page.snap.doc
file_lang = doc["workshop"].get("language", "en")  # the files' words: the workshop's language
workshop_id = doc["workshop"]["id"]
version = page.snap.version
files: dict = st.session_state.setdefault(FILES, {})
segments = {s["id"]: s["name"] for s in doc["segments"]}
segment = page.segment_id if page.segment_id in segments else next(iter(segments), None)


def _per_segment(fmt: str) -> bool:
    return bool(FORMATS[fmt].segment)


def _key(fmt: str) -> tuple:
    return (workshop_id, fmt, file_lang, segment) if _per_segment(fmt) else (workshop_id, fmt, file_lang)


def _prepare(fmt: str) -> None:
    """Build one file (with a spinner) and keep it, with the change number it shows."""
    with st.spinner(t("export.preparing", lang)):
        try:
            data = render(doc, fmt, file_lang, segment if _per_segment(fmt) else None)
        except Exception as exc:  # noqa: BLE001 - shown to the user, the page goes on
            st.error(t("export.failed", lang, error=md_escape(str(exc))), icon=":material/error:")
            return
    files[_key(fmt)] = (version, data)


def file_name(fmt: str) -> str:
    """``<title>.<extension>`` (the format added where two formats share an extension; a
    document's word and segment added for the documents)."""
    return export_name(doc, fmt, file_lang, segment if _per_segment(fmt) else None)


def _download(fmt: str, data: bytes) -> None:
    st.download_button(
        t("export.download", lang),
        data=data,
        file_name=file_name(fmt),
        mime=FORMATS[fmt].mime,
        key=f"export:{fmt}",
        icon=":material/download:",
    )


def _offer(fmt: str) -> None:
    """One format's box: its name and what it is, then its download (or "Prepare" first)."""
    with st.container(border=True):
        st.markdown(f"**{t(f'export.format.{fmt}', lang)}**")
        st.caption(t(f"export.format.{fmt}.help", lang))
        if fmt in IMMEDIATE:
            _download(fmt, render(doc, fmt, file_lang))
            return
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


st.title(t("export.title", lang))
st.write(t("export.lead", lang))
shown = available()
for fmt in shown:
    if not _per_segment(fmt):
        _offer(fmt)
documents = [fmt for fmt in shown if _per_segment(fmt)]
if documents and len(segments) > 1:
    ids = list(segments)
    segment = st.selectbox(
        t("export.segment", lang), ids, index=ids.index(segment), format_func=segments.get,
        help=t("export.segment.help", lang), key="export_segment",
    )
for fmt in documents:
    _offer(fmt)
st.caption(t("export.import_hint", lang, title=md_escape(doc["workshop"]["title"])))
page.done()
