"""Sticky notes: anyone can attach a note to any element from any page."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workshop.errors import KopkartaError
from workshop.i18n import error_text, t
from workshop.services import editing

from . import md_escape
from .layout import Page


def note_lines(page: Page, eid: str) -> list[str]:
    """The notes about one element as escaped Markdown, each with its author (``page.snap``
    holds no note that a hidden brainstorm still keeps from this viewer)."""
    out = []
    for note in page.snap.notes_about(eid):
        who = page.snap.participant_name(note.get("author")) or t("notes.anonymous", page.lang)
        out.append("📝 " + md_escape(who) + ": " + md_escape(note["text"]))
    return out


def show_notes(page: Page, eid: str) -> None:
    """The notes about one element, each a caption."""
    for line in note_lines(page, eid):
        st.caption(line)


def note_adder(page: Page, choices: Sequence[tuple[str, str]], key: str, *, alone: bool = False) -> None:
    """A sidebar form to put a note on one of ``choices`` (element id, plain label). ``alone``:
    posting reruns the form alone, not the page (a page whose live parts show the note: it comes
    to them on the event stream)."""
    with st.sidebar:
        (_note_form_alone if alone else note_form)(page, choices, key)


@st.fragment
def _note_form_alone(page: Page, choices: Sequence[tuple[str, str]], key: str) -> None:
    note_form(page, choices, key)


def note_form(page: Page, choices: Sequence[tuple[str, str]], key: str) -> None:
    """The note form, drawn where the caller is (the sidebar, or a live part placed there)."""
    if page.read_only:
        return
    labels = dict(choices)
    with st.form(f"{key}:note", clear_on_submit=True):
        st.markdown("**" + t("notes.add", page.lang) + "**")
        about = st.selectbox(
            t("notes.about", page.lang), [None, *labels], format_func=lambda e: labels.get(e, t("notes.whole", page.lang)), key=f"{key}:note_about"
        )
        text = st.text_area(t("notes.text", page.lang), max_chars=4000, key=f"{key}:note_text", height=80)
        pressed = st.form_submit_button(t("notes.post", page.lang))
    if pressed:
        if not text.strip():
            st.error(t("notes.empty", page.lang))
            return
        try:
            editing.add_note(page.db, page.me, text, about)
        except KopkartaError as exc:
            st.error(error_text(exc, page.lang))
        else:
            st.success(t("notes.posted", page.lang))
