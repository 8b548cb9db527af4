"""The facilitator console: phases and "bring everyone here", timed rounds, dot votes, silent
ratings, brainstorm triage, the lock, ending and deleting the workshop.

Reached only with the facilitator key (asked here, remembered for this browser session once it
checks out); without it the page is refused and shows nothing else. The services check the key
again on every action, so hiding the controls is not what protects them.

Live: one polled fragment (once a second, not nested, no dialogs) draws the countdown from the
server's clock and reruns the page when the workshop changed (a vote, a note, a rating), so the
"who has not voted yet" lists and the notes stay current. The page opts out of the shared
poller and the participants' round panel. Thin: every rule is in
:mod:`workshop.services.facilitation`.
"""

from datetime import timedelta

import pandas as pd
import streamlit as st

from ui import md_escape
from ui.layout import workshop_page
from ui.live import draw_clock
from ui.session import forget
from workshop.errors import KopkartaError
from workshop.i18n import t
from workshop.model.facilitation import AGENDA_PAGES
from workshop.model.rounds import VOTE_TARGETS, rating_scales
from workshop.render.round_charts import (
    GAP_AT,
    rating_spread_figure,
    spread_label,
    vote_bar_figure,
    votes_by_function_figure,
)
from workshop.services import facilitation as fs

page = workshop_page("facilitate", live=False, panel=False)
db, me, snap, lang = page.db, page.me, page.snap, page.lang
wid = me.workshop_id

st.title(t("nav.facilitate", lang))

# -- the key ---------------------------------------------------------------------------------------
keys = st.session_state.setdefault("fac_keys", {})
key = keys.get(wid)
if key and not fs.is_facilitator(db, wid, key):
    keys.pop(wid, None)
    key = None
if key is None:
    typed = st.text_input(t("facilitate.key", lang), type="password", key="fac_key", help=t("facilitate.key_help", lang))
    if typed and fs.is_facilitator(db, wid, typed.strip()):
        keys[wid] = typed.strip()
        st.session_state.pop("fac_key", None)
        st.rerun()
    st.error(t("facilitate.refused_wrong" if typed else "facilitate.refused", lang), icon="🔒")
    st.stop()

fac = fs.as_facilitator(me, key)
state = page.state
st.session_state["fac_drawn"] = snap.version  # the live fragment reruns the page when this moves
FLASH = "fac_flash"

#: kinds a dot vote is usually about, in the workshop's order (others exist in the map format)
VOTE_KINDS = [k for k in ("objection", "motive", "step", "role", "usp", "stage", "action", "deal") if k in VOTE_TARGETS]
#: kinds a note can become, and the kind of parent each goes into
TRIAGE_PARENT = {"stage": "segment", "role": "segment", "motive": "segment", "objection": "segment", "step": "stage"}


def _act(call, *args, done: str | None = None, **kwargs):
    """Run a facilitator action; a refusal becomes a message, success reruns the page."""
    try:
        call(*args, **kwargs)
    except KopkartaError as exc:
        st.session_state[FLASH] = ("error", t("facilitate.refused_action", lang, error=str(exc)))
    else:
        if done:
            st.session_state[FLASH] = ("success", t(done, lang))
    st.rerun()


def _name(pid: str | None) -> str:
    return snap.participant_name(pid) if pid else t("notes.anonymous", lang)


def _kind_name(kind: str | None) -> str:
    return t(f"kind.{kind}", lang) if kind else ""


def _latest(kind: str):
    found = [r for r in state.rounds if r.kind == kind]
    return found[-1] if found else None


def _segment_of(el) -> str | None:
    seen = 0
    while el is not None and seen < 10:
        if el.kind == "segment":
            return el.eid
        el = snap.element(el.parent) if el.parent else None
        seen += 1
    return None


def _targets(r) -> list:
    return [el for el in snap.of_kind(r.target) if r.segment is None or _segment_of(el) in (r.segment, None)]


def _status(r) -> str:
    if r.is_open:
        what = "facilitate.status.paused" if r.is_paused else "facilitate.status.open"
    else:
        what = "facilitate.status.ended"
    text = t(what, lang)
    if r.hides:
        text += " · " + t("facilitate.status.revealed" if r.revealed else "facilitate.status.hidden", lang)
    return text


def _waiting(people, total: int) -> None:
    """Who has not voted / rated yet (names as text)."""
    done = total - len(people)
    st.markdown("**" + t("facilitate.waiting", lang, done=done, total=total) + "**")
    if people:
        st.text(", ".join(p.name for p in people))
    else:
        st.success(t("facilitate.everyone_in", lang))


flash = st.session_state.pop(FLASH, None)
if flash:
    getattr(st, flash[0])(flash[1])


# -- the live part: countdown and "something changed" ---------------------------------------------
@st.fragment(run_every=timedelta(seconds=1))
def _live() -> None:
    if db.version(wid) != st.session_state.get("fac_drawn"):
        st.rerun(scope="app")
    current = fs.state(db, wid).current_round
    if current is not None and current.is_open:
        draw_clock(wid, lang)


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
            st.session_state[FLASH] = ("error", t("facilitate.refused_action", lang, error=str(exc)))
        else:
            st.session_state["summon_seen"] = new.summon  # the console itself stays here
            st.session_state[FLASH] = ("success", t("facilitate.summoned", lang, name=t(f"nav.{new.summon_page}", lang)))
        st.rerun()
    st.caption(t("facilitate.summon_count", lang, n=state.summon))

    positions = list(range(len(state.agenda)))
    g1, g2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = g1.selectbox(
        t("facilitate.go_to", lang), positions, index=state.phase or 0, key=f"fac_goto:{state.agenda}",
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
        _live()
        st.caption(t("facilitate.no_round", lang))
        return
    st.markdown(
        "**" + t("facilitate.round_title", lang, no=r.no, kind=t(f"rounds.kind.{r.kind}", lang, target=_kind_name(r.target))) + "**"
        + " — " + _status(r)
    )
    if r.prompt:
        st.text(r.prompt)
    _live()
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


def _minutes_input(key: str, default: float, optional: bool = True) -> float | None:
    value = st.number_input(
        t("facilitate.minutes_optional" if optional else "facilitate.minutes", lang),
        min_value=0.0 if optional else 0.5, max_value=240.0, value=default, step=0.5, key=key,
    )
    return float(value) if value else None


def _open_warning() -> None:
    if state.open_round is not None:
        st.caption(t("facilitate.ends_open", lang))


# -- timed round ----------------------------------------------------------------------------------
def _timer() -> None:
    _open_warning()
    with st.form("fac_timer_form", border=True):
        prompt = st.text_input(t("facilitate.prompt", lang), max_chars=200, key="fac_timer_prompt")
        minutes = _minutes_input("fac_timer_minutes", 5.0, optional=False)
        start = st.form_submit_button(t("facilitate.start_timer", lang), type="primary")
    if start:
        _act(fs.start_timer, db, fac, prompt, minutes)


# -- dot vote -------------------------------------------------------------------------------------
def _vote() -> None:
    _open_warning()
    with st.form("fac_vote_form", border=True):
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox(t("facilitate.vote_on", lang), VOTE_KINDS, key="fac_vote_target", format_func=_kind_name)
        budget = c2.number_input(t("facilitate.budget", lang), 1, 100, 5, key="fac_vote_budget")
        most = c3.number_input(t("facilitate.max_per_element", lang), 1, 20, 3, key="fac_vote_max")
        prompt = st.text_input(t("facilitate.prompt_optional", lang), max_chars=200, key="fac_vote_prompt")
        minutes = _minutes_input("fac_vote_minutes", 0.0)
        only = len(snap.doc["segments"]) > 1 and st.checkbox(t("facilitate.this_segment", lang), key="fac_vote_segment")
        start = st.form_submit_button(t("facilitate.start_vote", lang), type="primary")
    if start:
        _act(fs.start_vote, db, fac, target, budget=int(budget), max_per_element=min(int(most), int(budget)),
             prompt=prompt, minutes=minutes, segment=page.segment_id if only else None)
    r = _latest("vote")
    if r is None:
        return
    st.subheader(t("facilitate.round_title", lang, no=r.no, kind=t("rounds.kind.vote", lang, target=_kind_name(r.target))), anchor=False)
    st.caption(_status(r) + " · " + t("facilitate.vote_rules", lang, budget=r.budget, most=r.max_per_element))
    people = snap.doc.get("participants") or []
    _waiting(fs.not_voted(db, wid, r.no), len(people))
    if r.is_open:
        _cast_for(r, people)
    if r.concealed:
        if st.button(t("facilitate.reveal", lang), key="fac_vote_reveal", icon=":material/visibility:", type="primary"):
            _act(fs.reveal, db, fac, r.no)
        return
    res = fs.vote_results(db, wid, r.no, key=key)
    st.markdown("**" + t("facilitate.vote_summary", lang, voters=res.voters, dots=res.dots) + "**")
    st.plotly_chart(vote_bar_figure(res, snap.label, lang), key=f"fac_vote_chart:{r.no}", config={"displayModeBar": False}, theme=None)
    st.markdown("**" + t("facilitate.by_function", lang) + "**")
    st.plotly_chart(votes_by_function_figure(res, snap.label, lang), key=f"fac_vote_functions:{r.no}", config={"displayModeBar": False}, theme=None)


def _cast_for(r, people) -> None:
    elements = _targets(r)
    with st.expander(t("facilitate.cast_for", lang)):
        if not elements:
            st.caption(t("facilitate.nothing_to_vote", lang, kind=_kind_name(r.target)))
            return
        ids = [p["id"] for p in people]
        names = {p["id"]: p["name"] for p in people}
        c1, c2, c3 = st.columns([2, 3, 1])
        who = c1.selectbox(t("facilitate.participant", lang), ids, format_func=names.get, key="fac_cast_who")
        about = c2.selectbox(t("facilitate.element", lang), [el.eid for el in elements], format_func=lambda e: snap.label(e, 80), key="fac_cast_about")
        dots = c3.number_input(t("rounds.dots", lang), 0, int(r.max_per_element or 1), 1, key="fac_cast_dots")
        if st.button(t("facilitate.cast", lang), key="fac_cast_submit"):
            _act(fs.cast_for, db, fac, who, r.no, about, int(dots), done="facilitate.cast_done")


# -- silent rating --------------------------------------------------------------------------------
def _rating() -> None:
    _open_warning()
    scales = rating_scales()
    targets = list(scales)
    target = st.selectbox(t("facilitate.rate_what", lang), targets, key="fac_rate_target", format_func=_kind_name)
    with st.form("fac_rate_form", border=True):
        fields = st.multiselect(
            t("facilitate.rate_fields", lang), list(scales[target]), default=list(scales[target]),
            key=f"fac_rate_fields:{target}", format_func=lambda f: t(f"rounds.field.{f}", lang),
        )
        prompt = st.text_input(t("facilitate.prompt_optional", lang), max_chars=200, key="fac_rate_prompt")
        minutes = _minutes_input("fac_rate_minutes", 0.0)
        only = len(snap.doc["segments"]) > 1 and st.checkbox(t("facilitate.this_segment", lang), key="fac_rate_segment")
        start = st.form_submit_button(t("facilitate.start_rating", lang), type="primary")
    if start:
        _act(fs.start_rating, db, fac, target, fields=fields, prompt=prompt, minutes=minutes,
             segment=page.segment_id if only else None)
    r = _latest("rating")
    if r is None:
        return
    st.subheader(t("facilitate.round_title", lang, no=r.no, kind=t("rounds.kind.rating", lang, target=_kind_name(r.target))), anchor=False)
    st.caption(_status(r))
    people = snap.doc.get("participants") or []
    _waiting(fs.not_rated(db, wid, r.no), len(people))
    if r.concealed:
        if st.button(t("facilitate.reveal", lang), key="fac_rate_reveal", icon=":material/visibility:", type="primary"):
            _act(fs.reveal, db, fac, r.no)
        return
    spreads = fs.rating_results(db, wid, r.no, key=key)
    if not spreads:
        st.caption(t("rounds.no_ratings", lang))
        return
    _spread_table(spreads)
    st.plotly_chart(rating_spread_figure(spreads, snap.label, lang), key=f"fac_rate_chart:{r.no}", config={"displayModeBar": False}, theme=None)
    _agreed(r, spreads)


def _spread_table(spreads) -> None:
    functions = list(dict.fromkeys(fn for s in spreads for fn in s.by_function))
    rows = []
    for s in spreads:
        row = {
            t("facilitate.col_element", lang): spread_label(s, snap.label, lang),
            t("facilitate.col_all", lang): round(s.overall.mean, 1),
            t("facilitate.col_range", lang): f"{s.overall.low}–{s.overall.high}",
            t("facilitate.col_n", lang): s.overall.n,
        }
        for fn in functions:
            row[t(f"function.{fn}", lang)] = round(s.by_function[fn].mean, 1) if fn in s.by_function else None
        row[t("facilitate.col_gap", lang)] = round(s.gap, 1)
        rows.append(row)
    frame = pd.DataFrame(rows)
    gap_col = t("facilitate.col_gap", lang)
    styled = frame.style.format(precision=1, na_rep="—").apply(
        lambda col: ["background-color:#fecaca;font-weight:700" if v >= GAP_AT else "" for v in col], subset=[gap_col]
    )
    st.caption(t("facilitate.gap_help", lang, gap=GAP_AT))
    st.dataframe(styled, hide_index=True, width="stretch")


def _agreed(r, spreads) -> None:
    st.markdown("**" + t("facilitate.set_agreed", lang) + "**")
    scales = rating_scales()[r.target]
    for s in spreads:
        el = snap.element(s.about)
        if el is None:
            continue
        low, high = scales[s.field]
        current = el.data.get(s.field)
        suggested = min(high, max(low, round(s.overall.mean)))
        c1, c2, c3 = st.columns([5, 2, 2], vertical_alignment="bottom")
        gap = " ⚠" if s.gap >= GAP_AT else ""
        c1.text(spread_label(s, snap.label, lang) + gap)
        c1.caption(t("facilitate.in_map", lang, value="—" if current is None else current))
        value = c2.selectbox(t("facilitate.value", lang), list(range(low, high + 1)), index=suggested - low,
                             key=f"fac_agree_value:{r.no}:{s.about}:{s.field}")
        if c3.button(t("facilitate.agree", lang), key=f"fac_agree:{r.no}:{s.about}:{s.field}", width="stretch"):
            _act(fs.set_agreed, db, fac, s.about, s.field, int(value), done="facilitate.agreed")


# -- brainstorm -----------------------------------------------------------------------------------
def _brainstorm() -> None:
    _open_warning()
    with st.form("fac_brainstorm_form", border=True):
        prompt = st.text_input(t("facilitate.prompt", lang), max_chars=200, key="fac_bs_prompt")
        minutes = _minutes_input("fac_bs_minutes", 0.0)
        c1, c2 = st.columns(2)
        anonymous = c1.checkbox(t("facilitate.anonymous", lang), key="fac_bs_anonymous")
        hidden = c2.checkbox(t("facilitate.hidden", lang), key="fac_bs_hidden")
        start = st.form_submit_button(t("facilitate.start_brainstorm", lang), type="primary")
    if start:
        _act(fs.start_brainstorm, db, fac, prompt=prompt, minutes=minutes, anonymous=anonymous, hidden=hidden)
    r = _latest("brainstorm")
    if r is None:
        return
    st.subheader(t("facilitate.round_title", lang, no=r.no, kind=t("rounds.kind.brainstorm", lang, target="")), anchor=False)
    st.caption(_status(r))
    if r.concealed and st.button(t("facilitate.reveal", lang), key="fac_bs_reveal", icon=":material/visibility:"):
        _act(fs.reveal, db, fac, r.no)
    notes = fs.round_notes(db, wid, r.no, me.participant_id, key=key)
    if not notes:
        st.caption(t("facilitate.no_notes", lang))
    for note in notes:
        _note(note)


def _parents(kind: str) -> list[tuple[str, str]]:
    parent_kind = TRIAGE_PARENT.get(kind)
    if parent_kind is None:
        return []
    return [(el.eid, snap.label(el.eid, 60)) for el in snap.of_kind(parent_kind)]


def _note(note) -> None:
    with st.container(border=True):
        st.markdown("📝 **" + md_escape(_name(note.author)) + "**: " + md_escape(note.text))
        if note.about:
            st.caption("→ " + md_escape(snap.label(note.about, 80)))
        c1, c2, c3 = st.columns([2, 3, 2], vertical_alignment="bottom")
        kind = c1.selectbox(t("facilitate.becomes", lang), list(fs.TRIAGE_TEXT), key=f"fac_tri_kind:{note.id}", format_func=_kind_name)
        parents = _parents(kind)
        parent = None
        if parents:
            names = dict(parents)
            default = page.segment_id if page.segment_id in names else parents[0][0]
            parent = c2.selectbox(
                t("facilitate.into", lang), list(names), index=list(names).index(default),
                key=f"fac_tri_parent:{note.id}:{kind}", format_func=names.get,
            )
        if c3.button(t("facilitate.triage", lang), key=f"fac_tri:{note.id}", width="stretch", icon=":material/move_down:"):
            _act(fs.triage, db, fac, note.id, kind, parent, done="facilitate.triaged")


# -- the workshop as a whole ----------------------------------------------------------------------
def _workshop() -> None:
    if state.ended:
        st.warning(t("rounds.ended_banner", lang), icon="🔒")
    elif state.locked:
        st.warning(t("rounds.locked_banner", lang), icon="🔒")
    c1, c2 = st.columns(2)
    if state.locked or state.ended:
        if c1.button(t("facilitate.unlock", lang), key="fac_unlock", icon=":material/lock_open:", width="stretch"):
            _act(fs.unlock, db, fac, done="facilitate.unlocked")
    elif c1.button(t("facilitate.lock", lang), key="fac_lock", icon=":material/lock:", width="stretch"):
        _act(fs.lock, db, fac, done="facilitate.locked")
    if not state.ended and c2.button(t("facilitate.end_workshop", lang), key="fac_end_workshop", icon=":material/flag:", width="stretch"):
        _act(fs.end_workshop, db, fac, done="facilitate.ended")
    with st.expander(t("facilitate.delete", lang)):
        st.warning(t("facilitate.delete_warning", lang))
        sure = st.checkbox(t("facilitate.delete_confirm", lang), key="fac_delete_sure")
        if st.button(t("facilitate.delete_button", lang), key="fac_delete", type="primary", disabled=not sure):
            try:
                fs.delete_workshop(db, fac)
            except KopkartaError as exc:
                st.error(t("facilitate.refused_action", lang, error=str(exc)))
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
for tab, draw in zip(tabs, (_phases, _timer, _vote, _rating, _brainstorm, _workshop)):
    with tab:
        draw()
