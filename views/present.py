"""The presenter view for the projector: read-only, made to be read from the back of the room.
No sidebar and no navigation (a small way back for the facilitator in a corner); the workshop's
title and phase, and while the workshop is open its join code in large type with the QR code
in the top right corner; the phase's content made for distance (:mod:`ui.projector`); the
round's prompt, its big countdown and, once the facilitator reveals them, its results.

Reached by anyone who joined the workshop, or without joining by
``/present?w=<workshop id>&code=<join code>`` (a wrong code is refused:
:func:`workshop.services.live.presenter_access`, and counted as a wrong join code,
:mod:`workshop.services.guard`). The projector's address is on the wall and in
its browser's history, so it never holds a participant's token: a participant who opens
``/present?t=...`` gets ``?w=...&code=...`` in the address instead, and the page shows what the
room may see (no one's hidden dots or notes), as the projector that opened it by the code would.

The countdown and the results are live parts (:mod:`ui.live`): they tick and change in the
browser. The rest is drawn again when the map changes (one screen in the room: its watcher asks
for a run on any change). Thin: reads through services.
"""

from urllib.parse import urlsplit

import streamlit as st

from ui import current_language, language_picker, live, md_escape, store
from ui.projector import CSS, phase_content
from ui.client import caller
from ui.session import current_identity
from workshop.errors import NotFound
from workshop.i18n import error_text, t
from workshop.services import facilitation as fs
from workshop.services import sharing
from workshop.services.guard import TooManyAttempts
from workshop.services.live import join_code, presenter_access
from workshop.services.live_state import structure, viewer_snapshot

db = store()
me = current_identity(in_url=False)  # the projector's address never holds a token (see above)
wanted, code = st.query_params.get("w"), st.query_params.get("code")


def _stop(key: str, kind: str = "error", error: Exception | None = None) -> None:
    """Nothing to project: say why (the app's sidebar stays, to find the way to a workshop)."""
    lang = language_picker()
    st.title(t("nav.present", lang), anchor=False)
    getattr(st, kind)(error_text(error, lang) if error is not None else t(key, lang))
    st.page_link("views/home.py", label=t("session.go_home", lang), icon="🏠")
    st.stop()


if wanted and code:
    try:
        opens = presenter_access(db, wanted, code, caller=caller())
    except TooManyAttempts as exc:
        _stop("present.refused", error=exc)
    if not opens:
        _stop("present.refused")
    workshop_id = wanted
elif me is not None:
    workshop_id = me.workshop_id
else:
    _stop("present.join_first", "info")

try:
    snap, _ = viewer_snapshot(db, workshop_id, None)  # what the room may see
    code = join_code(db, workshop_id)  # as it is written (the address may have it typed loosely)
except NotFound:
    _stop("present.refused")
lang = current_language(snap.language)
state = fs.state(db, workshop_id)
st.html(CSS)  # the projector's look, fixed CSS with no user text: no sidebar, large type (ui.projector)


def _address() -> None:
    """The address shows the workshop and its join code only (``lang`` kept when given)."""
    shown = {"w": workshop_id, "code": code}
    if "lang" in st.query_params:
        shown["lang"] = st.query_params["lang"]
    if st.query_params.to_dict() != shown:
        st.query_params.from_dict(shown)


def _corner() -> None:
    """The join code in large type beside its QR code (the link phones in the room can open)."""
    shared = sharing.share(st.context.url, code)
    parts = urlsplit(shared.link)
    with st.container(key="kk_corner", horizontal=True, vertical_alignment="center", gap="medium"):
        with st.container(gap="small"):
            st.text(t("present.corner", lang))
            with st.container(key="kk_code"):
                st.text(code)
            st.text(parts.netloc + parts.path.rstrip("/"))
        st.image(sharing.qr_png(shared.link), width=190, alt=t("present.corner_qr", lang))


def _round_shows(r) -> bool:
    """Whether the round has anything to show: open, or its results (revealed, or a brainstorm's
    notes that were never hidden)."""
    if r.is_open:
        return True
    if r.kind in ("vote", "rating"):
        return r.revealed
    return r.kind == "brainstorm" and (r.revealed or not r.hidden)


def _round_first(r) -> bool:
    """An open round, and a round's results until the facilitator moves to another phase, come
    before the phase's content (this screen remembers the phase it first saw each round in);
    after that, they follow it."""
    seen = st.session_state.setdefault("present_rounds", {})
    since = seen.setdefault((workshop_id, r.no), state.phase)
    return r.is_open or since == state.phase


def _round(r, who: live.Viewer) -> None:
    target = t(f"kind.{r.target}", lang) if r.target else ""
    st.header(t(f"rounds.kind.{r.kind}", lang, target=target), anchor=False)
    if r.prompt:
        st.text(r.prompt)
    if r.is_open:
        live.clock(who, big=True)
    live.results(who)


_address()
who = live.Viewer(workshop_id, None, lang, structure(state, snap.language), code=code)
head, corner = st.columns([2.1, 1], vertical_alignment="center") if not state.ended else (st.container(), None)
with head:
    st.title(md_escape(snap.doc["workshop"]["title"]), anchor=False)
    if state.page is None:
        st.caption(t("present.no_phase", lang))
    else:
        st.header(t("rounds.phase", lang, no=state.phase + 1, total=len(state.agenda), name=t(f"nav.{state.page}", lang)), anchor=False)
if corner is not None:  # while the workshop is open; never the facilitator key
    with corner:
        _corner()
if state.read_only:
    st.warning(t(f"rounds.{state.read_only_reason}_banner", lang), icon="🔒")
current = state.current_round
shown = current is not None and _round_shows(current)
first = shown and _round_first(current)
alone = first and current.revealed and current.kind in ("vote", "rating")  # a vote's results have the wall to themselves
if first:
    _round(current, who)
if state.page is not None and not alone:
    if first:
        st.divider()
    phase_content(snap, state.page, lang)
if shown and not first:
    st.divider()
    _round(current, who)
with st.container(key="kk_back", horizontal=True, gap="small"):  # the facilitator's way back
    st.page_link("views/facilitate.py", label=t("nav.facilitate", lang), icon=":material/tune:")
    st.page_link("views/home.py", label=t("nav.home", lang), icon=":material/home:")
live.watch(who, live.Rerun(any=True))  # draws nothing (the sidebar is hidden here)
live.safety_net(who)
