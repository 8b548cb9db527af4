"""The facilitator key kept in the browser for the session: asked once, kept across reloads.

Why: Streamlit's session ends with a reload, and with it everything kept in
``st.session_state``: the facilitator had to type the key again after every reload, in front
of the room (issue 17). The key is not put in the address (it would be on the projector and in
the browser's history), nor in a cookie (sent with every request). It is kept in the tab's
``sessionStorage``: it lives as long as the tab, survives a reload, and goes when the tab is
closed. A tiny ``components.v2`` component reads and writes it; it draws nothing.

The same component keeps a participant's token for the browser (issue 18), so that following
the join link again, or scanning the QR code again, is the same participant rather than a new
one. That one is a cookie (``kopkarta_p_<workshop>``, SameSite=Strict, 30 days): the server
reads it from the request that opens the session (``st.context.cookies``), so the join link
needs no round trip to the browser before it knows who is back; the token is the one the
participant's address carries anyway.

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
  if (data.cookie) { document.cookie = data.cookie; return; }
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
PARTICIPANT_COOKIE = "kopkarta_p_"  # + workshop id: the participant's token in this browser
_KEPT_FOR = "participant_kept"  # session state: the token already written this session
_COOKIE_DAYS = 30


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


def known_participants() -> dict[str, str]:
    """The participant tokens this browser kept, by workshop id (read from the session's
    request: none in a test run without a browser)."""
    try:
        cookies = st.context.cookies
    except Exception:  # noqa: BLE001 - no request behind this run (AppTest): nothing kept
        return {}
    return {name[len(PARTICIPANT_COOKIE):]: value for name, value in cookies.items()
            if name.startswith(PARTICIPANT_COOKIE) and value}


def keep_participant(workshop_id: str, token: str) -> None:
    """Keep the participant's token in this browser (once per session and token)."""
    if st.session_state.get(_KEPT_FOR) == token:
        return
    st.session_state[_KEPT_FOR] = token
    cookie = f"{PARTICIPANT_COOKIE}{workshop_id}={token}; path=/; max-age={_COOKIE_DAYS * 86400}; SameSite=Strict"
    _KEEP(data={"w": workshop_id, "cookie": cookie}, key=f"participant_keep:{workshop_id}")
