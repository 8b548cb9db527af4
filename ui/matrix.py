"""Saving a matrix (many elements' one field at once) without overwriting anybody.

A matrix editor (``st.data_editor``) shows one field of many elements: the involvement of
every role, the motives of every USP. What the participant sees is *frozen* while they have
unsaved edits (:func:`frozen`), so a live rerun caused by someone else neither moves the cells
under their fingers nor silently changes what their save is based on. Saving (:func:`save`)
updates each changed element with the version the participant saw; a stale one is refused by
the store and kept as a conflict that :func:`conflicts` shows with both versions and the
choice to apply one's own on top or keep the other person's.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import streamlit as st

from workshop.errors import KopkartaError, StaleEdit
from workshop.i18n import error_text, t
from workshop.services import editing

from . import md_escape
from .layout import Page


def editor_key(key: str) -> str:
    """The data editor's widget key (a new one after each save or discard: a fresh editor)."""
    return f"{key}:editor:{st.session_state.get(f'{key}:gen', 0)}"


def pending(key: str) -> bool:
    """Whether the participant has unsaved cell edits in the matrix."""
    state = st.session_state.get(editor_key(key))
    return bool(isinstance(state, Mapping) and state.get("edited_rows"))


def frozen(key: str, rows: dict[str, tuple[int, Any]], columns: list[str]) -> tuple[dict[str, tuple[int, Any]], list[str]]:
    """The rows (element id -> (version, value)) and columns as the participant saw them when
    they began editing; the current ones whenever there is nothing unsaved."""
    base = st.session_state.get(f"{key}:base")
    if base is None or not pending(key):
        base = (dict(rows), list(columns))
        st.session_state[f"{key}:base"] = base
    return base


def outdated(base_rows: Mapping[str, tuple[int, Any]], rows: Mapping[str, tuple[int, Any]]) -> bool:
    """Whether the map moved on (a row changed, came or went) since the frozen view was taken."""
    return {k: v[0] for k, v in base_rows.items()} != {k: v[0] for k, v in rows.items()}


def discard(key: str) -> None:
    st.session_state[f"{key}:gen"] = st.session_state.get(f"{key}:gen", 0) + 1
    st.session_state.pop(f"{key}:base", None)


def save(page: Page, key: str, field: str, changes: Mapping[str, Any], base_rows: Mapping[str, tuple[int, Any]]) -> None:
    """Update ``field`` of every changed element, each based on the version it was seen at."""
    saved, problems = 0, []
    found = st.session_state.setdefault(f"{key}:conflicts", {})
    for eid, value in changes.items():
        try:
            editing.update(page.db, page.me, eid, {field: value}, based_on=base_rows[eid][0])
        except StaleEdit as exc:
            found[eid] = {"mine": value, "current": exc.current, "version": exc.version, "by": exc.by}
        except KopkartaError as exc:
            problems.append(error_text(exc, page.lang))
        else:
            saved += 1
    discard(key)
    st.session_state[f"{key}:result"] = (saved, problems)
    st.rerun()


def controls(
    page: Page,
    key: str,
    field: str,
    changes: Mapping[str, Any],
    base_rows: Mapping[str, tuple[int, Any]],
    current_rows: Mapping[str, tuple[int, Any]],
    legend: str,
    describe: Callable[[Any], str],
) -> None:
    """Everything under an edited matrix: the outdated hint, Save / Discard, the result of the
    last save, and any refused (stale) rows to resolve. ``legend`` is an i18n key."""
    lang = page.lang
    if changes and outdated(base_rows, current_rows):
        st.caption(t("matrix.outdated", lang))
    bar = st.container(horizontal=True, vertical_alignment="center")
    if bar.button(t("matrix.save", lang), key=f"{key}:save", type="primary", disabled=not changes, icon=":material/save:"):
        save(page, key, field, changes, base_rows)
    if bar.button(t("matrix.discard", lang), key=f"{key}:discard", disabled=not changes):
        discard(key)
        st.rerun()
    bar.caption(t("matrix.changed", lang, n=len(changes)) if changes else t(legend, lang))
    result(key, lang)
    conflicts(page, key, field, describe)


def result(key: str, lang: str) -> None:
    """What the last save did (shown once)."""
    done = st.session_state.pop(f"{key}:result", None)
    if done is None:
        return
    saved, problems = done
    if saved:
        st.success(t("matrix.saved", lang, n=saved))
    for problem in problems:
        st.error(t("form.refused", lang, error=md_escape(problem)))


def conflicts(page: Page, key: str, field: str, describe: Callable[[Any], str]) -> None:
    """Each refused (stale) save of the matrix: whose change, theirs and mine, and the choice."""
    lang = page.lang
    found: dict[str, dict] = st.session_state.get(f"{key}:conflicts", {})
    for eid, c in list(found.items()):
        who = page.snap.participant_name(c.get("by")) or t("form.someone", lang)
        with st.container(border=True):
            st.text(page.snap.label(eid) if page.snap.element(eid) else eid)
            if c["current"] is None:
                st.warning(t("form.deleted_meanwhile", lang, who=md_escape(who)))
                if st.button(t("form.ok", lang), key=f"{key}:conflict:{eid}:gone"):
                    found.pop(eid, None)
                    st.rerun()
                continue
            st.warning(t("form.stale", lang, who=md_escape(who)))
            c1, c2 = st.columns(2)
            c1.text(t("form.theirs", lang) + ": " + describe(c["current"].get(field)))
            c2.text(t("form.mine", lang) + ": " + describe(c["mine"]))
            b1, b2 = st.columns(2)
            if b1.button(t("form.apply_mine", lang), key=f"{key}:conflict:{eid}:mine", type="primary"):
                try:
                    editing.update(page.db, page.me, eid, {field: c["mine"]}, based_on=c["version"])
                except StaleEdit as exc:
                    c.update(current=exc.current, version=exc.version, by=exc.by)
                except KopkartaError as exc:
                    st.session_state[f"{key}:result"] = (0, [error_text(exc, page.lang)])
                    found.pop(eid, None)
                else:
                    found.pop(eid, None)
                    st.session_state[f"{key}:result"] = (1, [])
                st.rerun()
            if b2.button(t("form.keep_theirs", lang), key=f"{key}:conflict:{eid}:theirs"):
                found.pop(eid, None)
                st.rerun()
