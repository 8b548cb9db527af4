"""Forms that add and edit map elements, described declaratively by their fields.

Every page edits elements the same way: an add form that clears itself, and per element an
edit form opened explicitly. Opening an edit form remembers the version the participant saw;
saving sends that version, so a stale save is refused and both versions are shown, with the
choice to apply one's own on top or keep the other person's. Widget keys include that version,
so live reruns never overwrite what someone is typing.
"""

from __future__ import annotations

import contextlib

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import streamlit as st

from workshop.errors import KopkartaError, Locked, MapFormatError, StaleEdit
from workshop.i18n import error_text, t
from workshop.model.defaults import get as default_of
from workshop.model.elements import Element
from workshop.services import editing, facilitation
from workshop.services.live import Identity, Snapshot

from . import md_escape, store


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # i18n key
    widget: str  # line | text | texts | choice | multi | int | bool | date
    options: Sequence[Any] = ()
    fmt: Callable[[Any], str] | None = None  # option -> plain-text label
    required: bool = False
    lo: int = 1
    hi: int = 5
    help: str | None = None  # i18n key


def _value_of(kind: str, data: dict[str, Any], f: Field) -> Any:
    value = data.get(f.name, default_of(kind, data, f.name))
    if f.widget == "texts":
        return "\n".join(value or [])
    if f.widget == "multi":
        return list(value or [])
    if f.widget == "bool":
        return bool(value)
    if f.widget == "int":
        return value if value is not None else None
    return value if value is not None else ("" if f.widget in ("line", "text") else None)


def _widgets(kind: str, fields: Sequence[Field], data: dict[str, Any], key: str, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        label = t(f.label, lang) + (" *" if f.required else "")
        help_text = t(f.help, lang) if f.help else None
        wkey = f"{key}:{f.name}"
        current = _value_of(kind, data, f)
        if f.widget == "line":
            out[f.name] = st.text_input(label, value=current, max_chars=200, key=wkey, help=help_text)
        elif f.widget == "text":
            out[f.name] = st.text_area(label, value=current, max_chars=4000, key=wkey, help=help_text, height=80)
        elif f.widget == "texts":
            out[f.name] = st.text_area(label, value=current, key=wkey, help=help_text or t("form.one_per_line", lang), height=90)
        elif f.widget == "choice":
            options = list(f.options) if f.required else [None, *f.options]
            index = options.index(current) if current in options else 0
            out[f.name] = st.selectbox(label, options, index=index, key=wkey, help=help_text, format_func=_fmt(f, lang))
        elif f.widget == "multi":
            options = list(f.options)
            chosen = [v for v in current if v in options]
            out[f.name] = st.multiselect(label, options, default=chosen, key=wkey, help=help_text, format_func=_fmt(f, lang))
        elif f.widget == "int":
            options = list(range(f.lo, f.hi + 1))
            value = current if current in options else options[len(options) // 2]
            out[f.name] = st.select_slider(label, options, value=value, key=wkey, help=help_text, format_func=_fmt(f, lang))
        elif f.widget == "bool":
            out[f.name] = st.checkbox(label, value=current, key=wkey, help=help_text)
        elif f.widget == "date":
            import datetime as dt

            value = dt.date.fromisoformat(current) if current else None
            picked = st.date_input(label, value=value, key=wkey, help=help_text, format="YYYY-MM-DD")
            out[f.name] = picked.isoformat() if picked else None
    return out


def _fmt(f: Field, lang: str) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if value is None:
            return "—"
        return f.fmt(value) if f.fmt else str(value)

    return fmt


def _to_data(kind: str, fields: Sequence[Field], values: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Only what differs from the element's current (or default) value; None removes a field."""
    changes: dict[str, Any] = {}
    for f in fields:
        value = values.get(f.name)
        if f.widget == "texts":
            value = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if isinstance(value, str):
            value = value.strip()
        before = current.get(f.name, default_of(kind, current, f.name))
        normal = None if value in ("", [], None) else value
        if normal == before or (normal is None and f.name not in current):
            continue
        changes[f.name] = normal
    return changes


def new_data(kind: str, fields: Sequence[Field], values: dict[str, Any]) -> dict[str, Any]:
    """A new element's fields: what was filled in, and every required field even when its value
    is the default (a consensus condition added at "Don't know" must still carry its status,
    which the map file requires)."""
    data = {k: v for k, v in _to_data(kind, fields, values, {}).items() if v is not None}
    for f in fields:
        value = values.get(f.name)
        if f.required and f.name not in data and value not in ("", [], None):
            data[f.name] = value.strip() if isinstance(value, str) else value
    return data


def add_box(workshop_id: str, label: str, *, expanded: bool = False, icon: str | None = None):
    """The expander an add form sits in; nothing at all while the workshop is locked or ended
    (an empty "add" box was left on the page: issue 17). The form inside draws nothing then."""
    if read_only(workshop_id):
        return contextlib.nullcontext()
    return st.expander(label, expanded=expanded, icon=icon)


def read_only(workshop_id: str) -> bool:
    """Locked or ended: participants see no edit widgets (the services refuse edits anyway)."""
    return facilitation.state(store(), workshop_id).read_only


def _report(exc: KopkartaError, lang: str) -> None:
    if isinstance(exc, Locked):
        st.error(t("rounds.locked_refused", lang, error=error_text(exc, lang)), icon="🔒")
    elif isinstance(exc, MapFormatError):
        st.error(t("form.invalid", lang, problems=error_text(exc, lang)))
    else:
        st.error(t("form.refused", lang, error=error_text(exc, lang)))


def add_form(
    me: Identity,
    kind: str,
    fields: Sequence[Field],
    *,
    parent: str | None,
    key: str,
    lang: str,
    submit: str,
    extra: dict[str, Any] | None = None,
) -> Element | None:
    """A form that adds one element and clears itself; returns the new element when added
    (nothing is drawn while the workshop is read-only)."""
    if read_only(me.workshop_id):
        return None
    with st.form(key, clear_on_submit=True, border=True):
        values = _widgets(kind, fields, {}, key, lang)
        pressed = st.form_submit_button(t(submit, lang), type="primary")
    if not pressed:
        return None
    missing = [t(f.label, lang) for f in fields if f.required and not str(values.get(f.name) or "").strip()]
    if missing:
        st.error(t("form.required", lang, fields=", ".join(missing)))
        return None
    data = new_data(kind, fields, values)
    data.update(extra or {})
    try:
        return editing.add(store(), me, kind, data, parent=parent)
    except KopkartaError as exc:
        _report(exc, lang)
        return None


def is_editing(eid: str) -> bool:
    return eid in st.session_state.get("editing", {})


def edit_button(el: Element, lang: str, key: str) -> None:
    if st.session_state.get("me") is not None and read_only(st.session_state["me"].workshop_id):
        return
    if st.button("", icon=":material/edit:", type="tertiary", key=f"{key}:open", help=t("form.edit", lang)):
        st.session_state.setdefault("editing", {})[el.eid] = el.version
        st.session_state.setdefault("opened_data", {})[el.eid] = dict(el.data)
        st.rerun()


def editable_rows(me: Identity, snap: Snapshot, elements: Sequence[Element], describe: Callable[[Element], str], fields: Sequence[Field], *, key: str, lang: str) -> None:
    """One line of plain text per element, each with its edit button and (when open) form."""
    for el in elements:
        c1, c2 = st.columns([8, 1], vertical_alignment="center")
        c1.text(describe(el))
        with c2:
            edit_button(el, lang, f"{key}:{el.eid}")
        if is_editing(el.eid):
            edit_form(me, snap, el, fields, key=f"{key}:{el.eid}", lang=lang)


def card_header(el: Element, heading: str, lang: str, key: str) -> None:
    """A card's first line: ``heading`` (Markdown, user text already escaped) and its edit button."""
    head = st.container(horizontal=True, vertical_alignment="center")
    head.markdown(heading)
    with head:
        edit_button(el, lang, key)


def _close(eid: str) -> None:
    st.session_state.get("editing", {}).pop(eid, None)
    st.session_state.get("opened_data", {}).pop(eid, None)
    st.session_state.get("conflicts", {}).pop(eid, None)


def edit_form(me: Identity, snap: Snapshot, el: Element, fields: Sequence[Field], *, key: str, lang: str) -> None:
    """The edit form of an element that the participant opened (see :func:`edit_button`)."""
    base = st.session_state.get("editing", {}).get(el.eid)
    if base is None:
        return
    conflict = st.session_state.get("conflicts", {}).get(el.eid)
    if conflict is not None:
        _conflict(me, snap, el, fields, conflict, key=key, lang=lang)
        return
    fkey = f"{key}:edit:{base}"
    with st.form(fkey, border=True):
        values = _widgets(el.kind, fields, el.data, fkey, lang)
        c1, c2, c3 = st.columns(3)
        save = c1.form_submit_button(t("form.save", lang), type="primary")
        cancel = c2.form_submit_button(t("form.cancel", lang))
        remove = c3.form_submit_button(t("form.delete", lang))
    if cancel:
        _close(el.eid)
        st.rerun()
    if remove:
        _attempt(me, el.eid, None, base, lang)
    if save:
        changes = _to_data(el.kind, fields, values, snap_data_at(el, base))
        _attempt(me, el.eid, changes, base, lang)


def _attempt(me: Identity, eid: str, changes: dict[str, Any] | None, base: int, lang: str) -> None:
    """Save ``changes`` (or delete, when ``None``) based on version ``base``; a stale save
    becomes a conflict to resolve, any other refusal a message."""
    try:
        if changes is None:
            editing.delete(store(), me, eid, based_on=base)
        elif changes:
            editing.update(store(), me, eid, changes, based_on=base)
    except StaleEdit as exc:
        st.session_state.setdefault("conflicts", {})[eid] = {"changes": changes, "current": exc.current, "version": exc.version, "by": exc.by}
        st.rerun()
    except KopkartaError as exc:
        _report(exc, lang)
    else:
        _close(eid)
        st.rerun()


def snap_data_at(el: Element, base: int) -> dict[str, Any]:
    """The element's fields as the participant saw them when opening the form."""
    if el.version == base:
        return el.data
    return st.session_state.get("opened_data", {}).get(el.eid, el.data)


def _conflict(me: Identity, snap: Snapshot, el: Element, fields: Sequence[Field], conflict: dict, *, key: str, lang: str) -> None:
    who = md_escape(snap.participant_name(conflict.get("by")) or t("form.someone", lang))
    with st.container(border=True):
        if conflict["current"] is None:
            st.warning(t("form.deleted_meanwhile", lang, who=who))
            if st.button(t("form.ok", lang), key=f"{key}:gone"):
                _close(el.eid)
                st.rerun()
            return
        st.warning(t("form.stale", lang, who=who))
        for f in fields:
            theirs = conflict["current"].get(f.name)
            mine = (conflict["changes"] or {}).get(f.name, "…")
            if conflict["changes"] is not None and f.name not in conflict["changes"]:
                continue
            st.caption(t(f.label, lang))
            c1, c2 = st.columns(2)
            c1.text(t("form.theirs", lang) + ": " + _plain(theirs))
            c2.text(t("form.mine", lang) + ": " + _plain(mine))
        c1, c2 = st.columns(2)
        if c1.button(t("form.apply_mine", lang), key=f"{key}:mine", type="primary"):
            try:
                if conflict["changes"] is None:
                    editing.delete(store(), me, el.eid, based_on=conflict["version"])
                else:
                    editing.update(store(), me, el.eid, conflict["changes"], based_on=conflict["version"])
            except StaleEdit as exc:
                conflict.update(current=exc.current, version=exc.version, by=exc.by)
            except KopkartaError as exc:
                _report(exc, lang)
                return
            else:
                _close(el.eid)
            st.rerun()
        if c2.button(t("form.keep_theirs", lang), key=f"{key}:theirs"):
            _close(el.eid)
            st.rerun()


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
