"""The facilitator console's round tabs: a dot vote (with "cast for" someone without a device),
a silent rating (with the spread and "set the agreed value"), and a brainstorm with its triage.

Split out of ``views/facilitate.py`` (a page of the navigation) to keep each file readable;
each tab takes a :class:`ui.console.Console`. What is offered comes from the model's rules:
the elements a vote can be cast on are :func:`workshop.model.rounds.offered` (what the writer
accepts), and what a note can become, into which kind of parent, is
:data:`workshop.model.kinds.TRIAGE_PARENT`. Thin: every rule is in
:mod:`workshop.services.facilitation`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop.i18n import t
from workshop.model.kinds import TRIAGE_PARENT
from workshop.model.rounds import VOTE_TARGETS, offered, rating_scales
from workshop.render.round_charts import (
    GAP_AT,
    rating_spread_figure,
    spread_label,
    vote_bar_figure,
    votes_by_function_figure,
)
from workshop.services import facilitation as fs
from workshop.services.brainstorm import made_from

from . import md_escape
from .console import Console

#: kinds a dot vote is usually about, in the workshop's order (others exist in the map format)
VOTE_KINDS = [k for k in ("objection", "motive", "step", "role", "usp", "stage", "action", "deal") if k in VOTE_TARGETS]


# -- dot vote -------------------------------------------------------------------------------------
def vote(c: Console) -> None:
    lang, snap = c.lang, c.snap
    c.open_warning()
    with st.form("fac_vote_form", border=True):
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox(t("facilitate.vote_on", lang), VOTE_KINDS, key="fac_vote_target", format_func=c.kind_name)
        budget = c2.number_input(t("facilitate.budget", lang), 1, 100, 5, key="fac_vote_budget")
        most = c3.number_input(t("facilitate.max_per_element", lang), 1, 20, 3, key="fac_vote_max")
        prompt = st.text_input(t("facilitate.prompt_optional", lang), max_chars=200, key="fac_vote_prompt")
        minutes = c.minutes_input("fac_vote_minutes", 0.0)
        only = len(snap.doc["segments"]) > 1 and st.checkbox(t("facilitate.this_segment", lang), key="fac_vote_segment")
        start = st.form_submit_button(t("facilitate.start_vote", lang), type="primary")
    if start:
        c.act(fs.start_vote, c.db, c.fac, target, budget=int(budget), max_per_element=min(int(most), int(budget)),
              prompt=prompt, minutes=minutes, segment=c.page.segment_id if only else None)
    r = c.latest("vote")
    if r is None:
        return
    st.subheader(t("facilitate.round_title", lang, no=r.no, kind=t("rounds.kind.vote", lang, target=c.kind_name(r.target))), anchor=False)
    st.caption(c.status(r) + " · " + t("facilitate.vote_rules", lang, budget=r.budget, most=r.max_per_element))
    people = snap.doc.get("participants") or []
    c.waiting(fs.not_voted(c.db, c.wid, r.no, exclude=c.not_counted), c.counted(people))
    if r.is_open:
        _cast_for(c, r, people)
    if r.concealed:
        if st.button(t("facilitate.reveal", lang), key="fac_vote_reveal", icon=":material/visibility:", type="primary"):
            c.act(fs.reveal, c.db, c.fac, r.no)
        return
    res = fs.vote_results(c.db, c.wid, r.no, key=c.key)
    st.markdown("**" + t("facilitate.vote_summary", lang, voters=res.voters, dots=res.dots) + "**")
    st.plotly_chart(vote_bar_figure(res, snap.label, lang), key=f"fac_vote_chart:{r.no}", config={"displayModeBar": False}, theme=None)
    st.markdown("**" + t("facilitate.by_function", lang) + "**")
    st.plotly_chart(votes_by_function_figure(res, snap.label, lang), key=f"fac_vote_functions:{r.no}", config={"displayModeBar": False}, theme=None)


def _cast_for(c: Console, r, people) -> None:
    lang, snap = c.lang, c.snap
    elements = offered(r, snap)
    with st.expander(t("facilitate.cast_for", lang)):
        if not elements:
            st.caption(t("facilitate.nothing_to_vote", lang, kind=c.kind_name(r.target)))
            return
        ids = [p["id"] for p in people]
        names = {p["id"]: p["name"] for p in people}
        c1, c2, c3 = st.columns([2, 3, 1])
        who = c1.selectbox(t("facilitate.participant", lang), ids, format_func=names.get, key="fac_cast_who")
        about = c2.selectbox(t("facilitate.element", lang), [el.eid for el in elements], format_func=lambda e: snap.label(e, 80), key="fac_cast_about")
        dots = c3.number_input(t("rounds.dots", lang), 0, int(r.max_per_element or 1), 1, key="fac_cast_dots")
        if st.button(t("facilitate.cast", lang), key="fac_cast_submit"):
            c.act(fs.cast_for, c.db, c.fac, who, r.no, about, int(dots), done="facilitate.cast_done")


# -- silent rating --------------------------------------------------------------------------------
def rating(c: Console) -> None:
    lang, snap = c.lang, c.snap
    c.open_warning()
    scales = rating_scales()
    target = st.selectbox(t("facilitate.rate_what", lang), list(scales), key="fac_rate_target", format_func=c.kind_name)
    with st.form("fac_rate_form", border=True):
        fields = st.multiselect(
            t("facilitate.rate_fields", lang), list(scales[target]), default=list(scales[target]),
            key=f"fac_rate_fields:{target}", format_func=lambda f: t(f"rounds.field.{f}", lang),
        )
        prompt = st.text_input(t("facilitate.prompt_optional", lang), max_chars=200, key="fac_rate_prompt")
        minutes = c.minutes_input("fac_rate_minutes", 0.0)
        only = len(snap.doc["segments"]) > 1 and st.checkbox(t("facilitate.this_segment", lang), key="fac_rate_segment")
        start = st.form_submit_button(t("facilitate.start_rating", lang), type="primary")
    if start:
        c.act(fs.start_rating, c.db, c.fac, target, fields=fields, prompt=prompt, minutes=minutes,
              segment=c.page.segment_id if only else None)
    r = c.latest("rating")
    if r is None:
        return
    st.subheader(t("facilitate.round_title", lang, no=r.no, kind=t("rounds.kind.rating", lang, target=c.kind_name(r.target))), anchor=False)
    st.caption(c.status(r))
    people = snap.doc.get("participants") or []
    c.waiting(fs.not_rated(c.db, c.wid, r.no, exclude=c.not_counted), c.counted(people))
    if r.concealed:
        if st.button(t("facilitate.reveal", lang), key="fac_rate_reveal", icon=":material/visibility:", type="primary"):
            c.act(fs.reveal, c.db, c.fac, r.no)
        return
    spreads = fs.rating_results(c.db, c.wid, r.no, key=c.key)
    if not spreads:
        st.caption(t("rounds.no_ratings", lang))
        return
    _spread_table(c, spreads)
    st.plotly_chart(rating_spread_figure(spreads, snap.label, lang), key=f"fac_rate_chart:{r.no}", config={"displayModeBar": False}, theme=None)
    _agreed(c, r, spreads)


def _spread_table(c: Console, spreads) -> None:
    lang, snap = c.lang, c.snap
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
    table = pd.DataFrame(rows)
    gap_col = t("facilitate.col_gap", lang)
    styled = table.style.format(precision=1, na_rep="—").apply(
        lambda col: ["background-color:#fecaca;font-weight:700" if v >= GAP_AT else "" for v in col], subset=[gap_col]
    )
    st.caption(t("facilitate.gap_help", lang, gap=GAP_AT))
    st.dataframe(styled, hide_index=True, width="stretch")


def _agreed(c: Console, r, spreads) -> None:
    lang, snap = c.lang, c.snap
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
            c.act(fs.set_agreed, c.db, c.fac, s.about, s.field, int(value), done="facilitate.agreed")


# -- brainstorm -----------------------------------------------------------------------------------
def brainstorm(c: Console) -> None:
    lang = c.lang
    c.open_warning()
    with st.form("fac_brainstorm_form", border=True):
        prompt = st.text_input(t("facilitate.prompt", lang), max_chars=200, key="fac_bs_prompt")
        minutes = c.minutes_input("fac_bs_minutes", 0.0)
        c1, c2 = st.columns(2)
        anonymous = c1.checkbox(t("facilitate.anonymous", lang), key="fac_bs_anonymous")
        hidden = c2.checkbox(t("facilitate.hidden", lang), key="fac_bs_hidden")
        start = st.form_submit_button(t("facilitate.start_brainstorm", lang), type="primary")
    if start:
        c.act(fs.start_brainstorm, c.db, c.fac, prompt=prompt, minutes=minutes, anonymous=anonymous, hidden=hidden)
    r = c.latest("brainstorm")
    if r is None:
        return
    st.subheader(t("facilitate.round_title", lang, no=r.no, kind=t("rounds.kind.brainstorm", lang, target="")), anchor=False)
    st.caption(c.status(r))
    if r.concealed and st.button(t("facilitate.reveal", lang), key="fac_bs_reveal", icon=":material/visibility:"):
        c.act(fs.reveal, c.db, c.fac, r.no)
    notes = fs.round_notes(c.db, c.wid, r.no, c.page.me.participant_id, key=c.key)
    if not notes:
        st.caption(t("facilitate.no_notes", lang))
    for note in notes:
        _note(c, note)


def _parents(c: Console, kind: str) -> list[tuple[str, str]]:
    """The elements a note turned into ``kind`` can go into (none for a top-level kind)."""
    parent_kind = TRIAGE_PARENT.get(kind)
    if parent_kind is None:
        return []
    return [(el.eid, c.snap.label(el.eid, 60)) for el in c.snap.of_kind(parent_kind)]


def _note(c: Console, note) -> None:
    lang, snap = c.lang, c.snap
    with st.container(border=True):
        st.markdown("📝 **" + md_escape(c.name(note.author)) + "**: " + md_escape(note.text))
        made = made_from(snap, note)
        if made is not None:  # already on the map: nothing to add twice
            st.caption(":material/check_circle: " + t("facilitate.on_map", lang, kind=c.kind_name(made.kind), name=md_escape(snap.label(made.eid, 80))))
            return
        if note.about:
            st.caption("→ " + md_escape(snap.label(note.about, 80)))
        c1, c2, c3 = st.columns([2, 3, 2], vertical_alignment="bottom")
        kind = c1.selectbox(t("facilitate.becomes", lang), list(TRIAGE_PARENT), key=f"fac_tri_kind:{note.id}", format_func=c.kind_name)
        parents = _parents(c, kind)
        parent = None
        if parents:
            names = dict(parents)
            default = c.page.segment_id if c.page.segment_id in names else parents[0][0]
            parent = c2.selectbox(
                t("facilitate.into", lang), list(names), index=list(names).index(default),
                key=f"fac_tri_parent:{note.id}:{kind}", format_func=names.get,
            )
        if c3.button(t("facilitate.triage", lang), key=f"fac_tri:{note.id}", width="stretch", icon=":material/move_down:"):
            c.act(fs.triage, c.db, c.fac, note.id, kind, parent, done="facilitate.triaged")
