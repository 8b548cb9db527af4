"""The facilitator key kept in the browser for the session: asked once, kept across reloads.

Why: Streamlit's session ends with a reload, and with it everything kept in
``st.session_state``: the facilitator had to type the key again after every reload, in front
of the room (issue 17). The key is not put in the address (it would be on the projector and in
the browser's history), nor in a cookie (sent with every request). It is kept in the tab's
``sessionStorage``: it lives as long as the tab, survives a reload, and goes when the tab is
closed. A tiny ``components.v2`` component reads and writes it; it draws nothing.

The page gives a key to keep only after the services accepted it (:func:`keep`), and reads a
kept key once per session (:func:`kept`), checking it again before it is used: a key that no
longer opens the workshop (a deleted workshop, a wrong one) is forgotten.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  if (!data || !data.w) return;
  const name = "kopkarta:facilitator-key:" + data.w;
  try {
    if (data.save) window.sessionStorage.setItem(name, data.save);
    if (data.forget) window.sessionStorage.removeItem(name);
    if (data.ask) setTriggerValue("kept", window.sessionStorage.getItem(name) || "");
  } catch (err) {
    if (data.ask) setTriggerValue("kept", "");  // storage refused (a private window): ask for the key
  }
}
"""

_KEEP = st.components.v2.component("kopkarta_keep", js=_JS)
ASKED = "fac_keep_asked"  # session state: workshops whose kept key was read this session


def kept(workshop_id: str) -> str | None:
    """The key this tab kept for the workshop, once it has been read (None before: a run
    follows as soon as the browser answered); "" when none is kept."""
    asked = st.session_state.setdefault(ASKED, {})
    if workshop_id in asked:
        return asked[workshop_id]
    result = _KEEP(data={"w": workshop_id, "ask": True}, key=f"fac_keep:{workshop_id}", on_kept_change=lambda: None)
    value = getattr(result, "kept", None)
    if value is None:
        return None
    asked[workshop_id] = str(value)
    return asked[workshop_id]


def keep(workshop_id: str, key: str) -> None:
    """Keep a key the services accepted, for this tab's session."""
    st.session_state.setdefault(ASKED, {})[workshop_id] = key
    _KEEP(data={"w": workshop_id, "save": key}, key=f"fac_keep_save:{workshop_id}")


def forget_key(workshop_id: str) -> None:
    """Forget the kept key (it no longer opens the workshop, or the workshop is gone)."""
    st.session_state.setdefault(ASKED, {})[workshop_id] = ""
    _KEEP(data={"w": workshop_id, "forget": True}, key=f"fac_keep_forget:{workshop_id}")
