"""The organisation view's gate, shared by the pages that look across workshops.

``explore`` and ``pipeline`` show every workshop only to someone holding the server's admin
key; everyone else sees the workshops this browser session has joined. The key is typed once in
the sidebar and kept in the session, so moving between the two pages keeps the view. A wrong
key is refused with a message and shows nothing beyond the joined workshops; too many wrong keys
are refused for a while without being looked at (:mod:`workshop.services.guard`), and a wrong key
left in the field is not counted again on the page's next runs.
"""

from __future__ import annotations

import streamlit as st

from workshop.errors import Forbidden
from workshop.i18n import t
from workshop.i18n import error_text
from workshop.services.access import Scope, scope
from workshop.services.guard import TooManyAttempts

from . import language_picker, store
from .admin import configured_admin_key
from .client import caller, known_wrong, note_wrong
from .session import current_identity, joined_workshops


def viewer_scope(lang: str) -> Scope:
    """The viewer's scope, after the sidebar's admin-key field (refused keys say so)."""
    current_identity()  # a participant token in the address counts as joined
    configured = configured_admin_key()
    box = st.sidebar.container(border=True)
    box.markdown(f"**:material/admin_panel_settings: {t('access.title', lang)}**")
    if not configured:
        box.caption(t("access.not_configured", lang))
        return scope(None, None, joined_workshops())
    given = box.text_input(t("access.key", lang), type="password", key="admin_key").strip()
    try:
        if given and known_wrong("admin", given):
            raise Forbidden("wrong admin key")
        view = scope(configured, given or None, joined_workshops(), caller=caller())
    except TooManyAttempts as exc:
        box.error(error_text(exc, lang), icon=":material/timer:")
        return scope(configured, None, joined_workshops())
    except Forbidden:
        note_wrong("admin", given)
        box.error(t("access.wrong_key", lang), icon=":material/block:")
        return scope(configured, None, joined_workshops())
    note_wrong("admin", None)
    box.caption(t("access.admin" if view.admin else "access.joined_only", lang))
    return view


def across_page(area: str) -> tuple[str, Scope, list[str]]:
    """The frame of a page across workshops (``area`` is its i18n prefix): the language, the
    viewer's scope, title and lead, and, when no workshop is visible, the way to join one (the
    page stops there). Returns the language, the scope and the visible workshop ids."""
    lang = language_picker()  # the joined workshop's language by default (ui.session.app_language)
    view = viewer_scope(lang)
    visible = view.workshop_ids(store())
    st.title(t(f"{area}.title", lang))
    st.caption(t(f"{area}.lead", lang))
    if not visible:
        st.info(t(f"{area}.no_workshops", lang), icon=":material/lock:")
        st.page_link("views/home.py", label=t(f"{area}.go_home", lang), icon=":material/home:")
        st.stop()
    return lang, view, visible


def filter_select(where, area: str, name: str, options, format_func, lang: str) -> list:
    """One of the filters of a page across workshops (``area``: its i18n prefix and key
    prefix): a multiselect in ``where`` where choosing nothing means all."""
    return where.multiselect(
        t(f"{area}.filter.{name}", lang),
        list(options),
        format_func=format_func,
        key=f"{area}_{name}",
        placeholder=t(f"{area}.filter.all", lang),
    )
