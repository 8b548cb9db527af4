"""The facilitator console: phases and "bring everyone here", timed rounds, dot votes, silent
ratings, brainstorm triage, the lock, ending and deleting the workshop.

Reached only with the facilitator key (asked here once per browser tab: kept in the tab's
session storage once it checks out, so a reload does not ask again, :mod:`ui.keep`); without
it the page is refused and shows nothing else. The services check the key
again on every action, so hiding the controls is not what protects them. Wrong keys are counted
(:mod:`workshop.services.guard`): after a few, each next try waits, then the browser is locked
out for a while, told when to try again; a wrong key left in the field is not counted again.

Live: the countdown is a live part (:func:`ui.live.clock`); the console is drawn again on every
change of the map and whenever who has taken part in the round changed (its watcher asks for
it), so the "who has not voted yet" lists and the notes stay current. What a round hides from
everyone else (the dots of a vote before the reveal, which the facilitator sees) is told to no
stream: for it, the console looks at the change number every :data:`FOLLOW_SECONDS` seconds
(one screen in the room). The page has no participants' round panel. Thin: every rule is in
:mod:`workshop.services.facilitation` and the model; the round tabs (vote, rating, brainstorm)
are drawn by :mod:`ui.console_rounds`, with what the tabs share in :mod:`ui.console`.
"""

from datetime import timedelta
from functools import partial

import streamlit as st

from ui import console_rounds, keep
from ui.client import caller, known_wrong, note_wrong
from ui.console import FLASH, Console
from ui import live as live_ui
from ui.layout import workshop_page
from ui.session import forget
from workshop.errors import KopkartaError
from workshop.i18n import error_text, t
from workshop.model.facilitation import AGENDA_PAGES
from workshop.services import facilitation as fs
from workshop.services import live
from workshop.services.guard import TooManyAttempts

page = workshop_page("facilitate", live=False, panel=False)
db, me, snap, lang = page.db, page.me, page.snap, page.lang
wid = me.workshop_id

st.title(t("nav.facilitate", lang))

# -- the key ---------------------------------------------------------------------------------------
keys = st.session_state.setdefault("fac_keys", {})
key = keys.get(wid)
who_asks = caller()
try:
    if key is None:  # a key this tab kept (a reload), checked again before it is used
        from_tab = keep.kept(wid)
        if from_tab and fs.is_facilitator(db, wid, from_tab, caller=who_asks):
            key = keys[wid] = from_tab
        elif from_tab:
            keep.forget_key(wid)
    if key and not fs.is_facilitator(db, wid, key):
        keys.pop(wid, None)
        keep.forget_key(wid)
        key = None
    if key is None:
        typed = st.text_input(t("facilitate.key", lang), type="password", key="fac_key", help=t("facilitate.key_help", lang)).strip()
        if typed and not known_wrong("facilitator", typed) and fs.is_facilitator(db, wid, typed, caller=who_asks):
            note_wrong("facilitator", None)
            keys[wid] = typed
            st.session_state.pop("fac_key", None)
            st.session_state["fac_keep_new"] = keys[wid]
            st.rerun()
        if typed:
            note_wrong("facilitator", typed)
        st.error(t("facilitate.refused_wrong" if typed else "facilitate.refused", lang), icon="🔒")
        st.stop()
except TooManyAttempts as exc:
    st.error(error_text(exc, lang), icon=":material/timer:")
    st.stop()
if st.session_state.get("fac_keep_new") == key:
    keep.keep(wid, key)  # kept for this tab: a reload does not ask again
    st.session_state.pop("fac_keep_new", None)

fac = fs.as_facilitator(me, key, who_asks)
console = Console(page, fac, key)
_act, _kind_name, _status = console.act, console.kind_name, console.status
state = page.state
st.session_state["fac_drawn"] = snap.version  # the live fragment reruns the page when this moves
flash = st.session_state.pop(FLASH, None)
if flash:
    getattr(st, flash[0])(flash[1])


# -- following the room -------------------------------------------------------------------------
#: how often the console looks for changes no stream tells (a hidden dot): seconds
FOLLOW_SECONDS = 2.0
who = page.viewer


@st.fragment(run_every=timedelta(seconds=FOLLOW_SECONDS))
def _follow() -> None:
    if live.version(db, wid) != st.session_state.get("fac_drawn"):
        st.rerun(scope="app")


def _clock(r) -> None:
    if r.is_open:
        live_ui.clock(who)


# -- phases ----------------------------------------------------------------------------------------
def _phases() -> None:
    if state.page is None:
        st.info(t("facilitate.no_phase", lang))
    else:
        st.subheader(t("rounds.phase", lang, no=state.phase + 1, total=len(state.agenda), name=t(f"nav.{state.page}", lang)), anchor=False)
    last = len(state.agenda) - 1
    c1, c2, c3 = st.columns(3)
    if c1.button(t("facilitate.previous", lang), key="fac_prev", icon=":material/arrow_back:", width="stretch",
                 disabled=state.phase is None or state.phase <= 0):
        _act(fs.previous_phase, db, fac)
    if c2.button(t("facilitate.next", lang), key="fac_next", icon=":material/arrow_forward:", width="stretch", type="primary",
                 disabled=state.phase is not None and state.phase >= last):
        _act(fs.next_phase, db, fac)
    if c3.button(t("facilitate.summon", lang), key="fac_summon", icon=":material/campaign:", width="stretch",
                 disabled=state.page is None, help=t("facilitate.summon_help", lang)):
        try:
            new = fs.summon(db, fac)
        except KopkartaError as exc:
            st.session_state[FLASH] = ("error", t("facilitate.refused_action", lang, error=error_text(exc, lang)))
        else:
            st.session_state["summon_seen"] = new.summon  # the console itself stays here
            st.session_state[FLASH] = ("success", t("facilitate.summoned", lang, name=t(f"nav.{new.summon_page}", lang)))
        st.rerun()
    st.caption(t("facilitate.summon_count", lang, n=state.summon))

    positions = list(range(len(state.agenda)))
    g1, g2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = g1.selectbox(
        t("facilitate.go_to", lang), positions, index=state.phase or 0, key=f"fac_goto:{state.agenda}:{state.phase}",  # follows the phase
        format_func=lambda i: f"{i + 1}. {t(f'nav.{state.agenda[i]}', lang)}",
    )
    if g2.button(t("facilitate.go", lang), key="fac_go", width="stretch"):
        _act(fs.set_phase, db, fac, chosen)

    with st.expander(t("facilitate.agenda", lang)):
        st.caption(t("facilitate.agenda_help", lang))
        agenda = st.multiselect(
            t("facilitate.agenda_pages", lang), list(AGENDA_PAGES), default=list(dict.fromkeys(state.agenda)),
            key=f"fac_agenda:{state.agenda}", format_func=lambda p: t(f"nav.{p}", lang),
        )
        if st.button(t("facilitate.save_agenda", lang), key="fac_agenda_save", disabled=not agenda):
            _act(fs.set_agenda, db, fac, agenda, done="facilitate.agenda_saved")


# -- the current round: timer controls and reveal -------------------------------------------------
def _current() -> None:
    r = state.current_round
    if r is None:
        st.caption(t("facilitate.no_round", lang))
        return
    st.markdown(
        "**" + t("facilitate.round_title", lang, no=r.no, kind=t(f"rounds.kind.{r.kind}", lang, target=_kind_name(r.target))) + "**"
        + " — " + _status(r)
    )
    if r.prompt:
        st.text(r.prompt)
    _clock(r)
    if not r.is_open:
        if r.hides and not r.revealed and st.button(t("facilitate.reveal", lang), key="fac_reveal_current", icon=":material/visibility:", type="primary"):
            _act(fs.reveal, db, fac, r.no)
        return
    cols = st.columns(5)
    if r.is_paused:
        if cols[0].button(t("facilitate.resume", lang), key="fac_resume", icon=":material/play_arrow:", width="stretch"):
            _act(fs.resume, db, fac, r.no)
    elif cols[0].button(t("facilitate.pause", lang), key="fac_pause", icon=":material/pause:", width="stretch"):
        _act(fs.pause, db, fac, r.no)
    if cols[1].button(t("facilitate.extend", lang, n=1), key="fac_extend1", width="stretch"):
        _act(fs.extend, db, fac, 1, r.no)
    if cols[2].button(t("facilitate.extend", lang, n=5), key="fac_extend5", width="stretch"):
        _act(fs.extend, db, fac, 5, r.no)
    if cols[3].button(t("facilitate.end_round", lang), key="fac_end_round", icon=":material/stop:", width="stretch"):
        _act(fs.end_round, db, fac, r.no)
    if r.hides and not r.revealed and cols[4].button(
        t("facilitate.reveal", lang), key="fac_reveal_current", icon=":material/visibility:", width="stretch"
    ):
        _act(fs.reveal, db, fac, r.no)


# -- timed round ----------------------------------------------------------------------------------
def _timer() -> None:
    console.open_warning()
    with st.form("fac_timer_form", border=True):
        prompt = st.text_input(t("facilitate.prompt", lang), max_chars=200, key="fac_timer_prompt")
        minutes = console.minutes_input("fac_timer_minutes", 5.0, optional=False)
        start = st.form_submit_button(t("facilitate.start_timer", lang), type="primary")
    if start:
        _act(fs.start_timer, db, fac, prompt, minutes)


# -- the workshop as a whole ----------------------------------------------------------------------
def _workshop() -> None:
    if state.read_only:
        st.warning(t(f"rounds.{state.read_only_reason}_banner", lang), icon="🔒")
    c1, c2 = st.columns(2)
    if state.read_only:
        if c1.button(t("facilitate.unlock", lang), key="fac_unlock", icon=":material/lock_open:", width="stretch"):
            _act(fs.unlock, db, fac, done="facilitate.unlocked")
    elif c1.button(t("facilitate.lock", lang), key="fac_lock", icon=":material/lock:", width="stretch"):
        _act(fs.lock, db, fac, done="facilitate.locked")
    if not state.ended and c2.button(t("facilitate.end_workshop", lang), key="fac_end_workshop", icon=":material/flag:", width="stretch"):
        st.session_state["fac_end_asked"] = True  # ending is asked once more (issue 17): it cannot be undone
    if not state.ended and st.session_state.get("fac_end_asked"):
        st.warning(t("facilitate.end_confirm", lang), icon=":material/flag:")
        y, n = st.columns(2)
        if y.button(t("facilitate.end_yes", lang), key="fac_end_confirm", type="primary", width="stretch"):
            st.session_state.pop("fac_end_asked", None)
            _act(fs.end_workshop, db, fac, done="facilitate.ended")
        if n.button(t("facilitate.cancel", lang), key="fac_end_cancel", width="stretch"):
            st.session_state.pop("fac_end_asked", None)
            st.rerun()
    with st.expander(t("facilitate.delete", lang)):
        st.warning(t("facilitate.delete_warning", lang))
        sure = st.checkbox(t("facilitate.delete_confirm", lang), key="fac_delete_sure")
        if st.button(t("facilitate.delete_button", lang), key="fac_delete", type="primary", disabled=not sure):
            try:
                fs.delete_workshop(db, fac)
            except KopkartaError as exc:
                st.error(t("facilitate.refused_action", lang, error=error_text(exc, lang)))
            else:
                keys.pop(wid, None)
                forget()
                st.switch_page("views/home.py")


with st.container(border=True):
    _current()
# the tabs track which one is open (a keyed widget), so starting a round, which reruns the page,
# keeps the facilitator on the tab they were using; every tab is still drawn (cheap, and tests
# reach every control)
tabs = st.tabs([t(f"facilitate.tab.{name}", lang) for name in ("phases", "timer", "vote", "rating", "brainstorm", "workshop")],
               key="fac_tab", on_change="rerun")
vote, rating, brainstorm = (partial(draw, console) for draw in (console_rounds.vote, console_rounds.rating, console_rounds.brainstorm))
for tab, draw in zip(tabs, (_phases, _timer, vote, rating, brainstorm, _workshop)):
    with tab:
        draw()
with st.sidebar:
    live_ui.watch(who, live_ui.Rerun(any=True, voted=True))
    live_ui.safety_net(who)
    _follow()
