"""The presenter view for the projector: read-only, in large type. It follows the current phase
(its name and key content), shows the round's prompt and the big countdown, and the results
once the facilitator reveals them (ranked dots, rating spreads, notes).

Reached by anyone who joined the workshop, or without joining by
``/present?w=<workshop id>&code=<join code>`` (a wrong code is refused:
:func:`workshop.services.live.presenter_access`). The countdown and the results are live parts
(:mod:`ui.live`): they tick and change in the browser. The rest is drawn again when the map
changes (one screen in the room: its watcher asks for a run on any change). Thin: reads through
services; shows what a participant may see (hidden rounds stay hidden).
"""

import streamlit as st

from ui import language_picker, live, md_escape, store
from ui.fields import option
from ui.session import current_identity
from workshop.analysis.friction import consensus_rows, consensus_tally
from workshop.errors import NotFound
from workshop.i18n import t
from workshop.services import facilitation as fs
from workshop.services.live import presenter_access, snapshot
from workshop.services.live_state import structure

db = store()
me = current_identity()
wanted, code = st.query_params.get("w"), st.query_params.get("code")
viewer = None
if wanted and code:
    if not presenter_access(db, wanted, code):
        lang = language_picker()
        st.title(t("nav.present", lang))
        st.error(t("present.refused", lang))
        st.stop()
    workshop_id = wanted
    viewer = me.participant_id if me is not None and me.workshop_id == wanted else None
elif me is not None:
    workshop_id, viewer = me.workshop_id, me.participant_id
else:
    lang = language_picker()
    st.title(t("nav.present", lang))
    st.info(t("present.join_first", lang))
    st.page_link("views/home.py", label=t("session.go_home", lang), icon="🏠")
    st.stop()

try:
    lang = language_picker(snapshot(db, workshop_id).language)
except NotFound:
    lang = language_picker()
    st.error(t("present.refused", lang))
    st.stop()

#: large type for the projector (fixed CSS, no user text)
LARGE_TYPE = (
    "<style>.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer pre"
    "{font-size:1.8rem !important;line-height:1.35}</style>"
)
st.markdown(LARGE_TYPE, unsafe_allow_html=True)

#: the kind of element each phase is about (the process shows its stages with their steps)
PHASE_KIND = {"group": "role", "motives": "motive", "friction": "objection", "consensus": "criterion",
              "deals": "deal", "actions": "action"}


def _phase(snap, state) -> None:
    if state.page is None:
        st.caption(t("present.no_phase", lang))
        return
    st.header(t("rounds.phase", lang, no=state.phase + 1, total=len(state.agenda), name=t(f"nav.{state.page}", lang)), anchor=False)
    for seg in snap.doc["segments"]:
        if len(snap.doc["segments"]) > 1:
            st.subheader(md_escape(seg["name"]), anchor=False)
        if state.page == "process":
            for i, stage in enumerate(seg.get("stages", []), 1):
                st.text(f"{i}. {stage['name']} — {t('present.steps', lang, n=len(stage.get('steps', [])))}")
            continue
        if state.page == "consensus":
            _consensus(seg)
            continue
        kind = PHASE_KIND.get(state.page)
        if kind is None:
            continue
        items = snap.of_kind(kind, seg["id"]) if kind not in ("deal", "action") else snap.of_kind(kind)
        for el in items[:12]:
            st.text("• " + snap.label(el.eid, 90))
        if len(items) > 12:
            st.caption(t("present.items", lang, n=len(items)))
        if kind in ("deal", "action"):
            break


STATUS_MARK = {"yes": "✅", "partly": "🟠", "no": "❌", "unknown": "❔"}


def _consensus(seg) -> None:
    """The six conditions for a decision many can stand behind, each with its status."""
    status = option("status", lang)
    rows = consensus_rows(seg)
    tally = consensus_tally(rows)
    st.text(t("consensus.page.overall", lang, yes=tally["yes"], total=len(rows)))
    for row in rows:
        st.text(f"{STATUS_MARK[row.status]} {t('consensus.' + row.name, lang)} — {status(row.status)}")


def _round(snap, state, who: live.Viewer) -> None:
    r = state.current_round
    if r is None:
        return
    st.divider()
    target = t(f"kind.{r.target}", lang) if r.target else ""
    st.header(t(f"rounds.kind.{r.kind}", lang, target=target), anchor=False)
    if r.prompt:
        st.text(r.prompt)
    if r.is_open:
        live.clock(who, big=True)
    live.results(who)


snap = snapshot(db, workshop_id)
state = fs.state(db, workshop_id)
token = me.token if me is not None and me.workshop_id == workshop_id else None
who = live.Viewer(workshop_id, viewer, lang, structure(state, snap.language), token=token, code=None if token else code)
st.title(md_escape(snap.doc["workshop"]["title"]), anchor=False)
if state.read_only:
    st.warning(t(f"rounds.{state.read_only_reason}_banner", lang), icon="🔒")
_phase(snap, state)
_round(snap, state, who)
with st.sidebar:
    live.watch(who, live.Rerun(any=True))
    live.safety_net(who)
