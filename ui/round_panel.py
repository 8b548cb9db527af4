"""The open round, at the top of every workshop page: its prompt, the countdown (a live part,
:func:`ui.live.clock`, in the place this panel leaves for it, with who has taken part so far),
and what a participant does in it — put dots, rate, post notes — with the results once the
facilitator reveals them.

Thin: every rule (budgets, what is hidden, the lock) is in :mod:`workshop.services.facilitation`;
the elements offered are :func:`workshop.model.rounds.offered`, by the rule the writer checks.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workshop.errors import KopkartaError
from workshop.i18n import error_text, t
from workshop.model.rounds import Round, offered, rating_scales
from workshop.render.present_charts import vote_figure
from workshop.services import facilitation as fac

from . import current_language, live

ERROR_KEY = "round_error"


def round_panel(page) -> Any:
    """Draw the current round (if any); returns the container for the countdown."""
    r = page.state.current_round
    if r is None or not _worth_showing(r):
        return None
    box = st.container(border=True)
    with box:
        title = t(f"rounds.kind.{r.kind}", page.lang, target=_kind_plural(r.target, page.lang))
        st.markdown("**" + title + "**" + ("" if r.is_open else " — " + t("rounds.ended", page.lang)))
        if r.prompt:
            st.text(r.prompt)
        slot = st.container()
        if r.kind == "vote":
            _vote(page, r)
        else:
            _error()
            if r.kind == "rating":
                _rating(page, r)
            elif r.kind == "brainstorm":
                _brainstorm(page, r)
    return slot


def _error() -> None:
    error = st.session_state.pop(ERROR_KEY, None)
    if error:
        st.error(error)


def _worth_showing(r: Round) -> bool:
    return r.is_open or (r.hides and r.revealed) or r.kind == "vote" or r.kind == "rating"


def _kind_plural(kind: str | None, lang: str) -> str:
    return t(f"kind.{kind}", lang) if kind else ""


def _elements(page, r: Round):
    """What I can put dots on or rate in this round (what the writer accepts)."""
    return offered(r, page.snap)


def _try(call, *args) -> None:
    try:
        call(*args)
    except KopkartaError as exc:
        st.session_state[ERROR_KEY] = error_text(exc, current_language())


# -- dot vote ------------------------------------------------------------------------------------
@st.fragment
def _vote(page, r: Round) -> None:
    """The ballot: a live part in a fragment, so a click reruns only this panel with one
    element in it, not the participant's whole page (during a vote everyone clicks every
    second or two). What it offers (the round, its elements) is the page's structure or in its
    rerun rule: when that changes, the whole page is drawn again anyway (:meth:`ui.layout.Page.done`)."""
    _error()
    lang = page.lang
    if r.revealed:
        _vote_results(page, r)
        return
    mine = _my_dots(page, r.no)
    if not r.is_open or page.read_only:
        left = max(0, (r.budget or 0) - sum(mine.values()))
        st.markdown("**" + t("rounds.dots_left", lang, left=left, budget=r.budget or 0) + "**")
        if not r.is_open:
            st.caption(t("rounds.wait_reveal", lang))
        return
    live.dots(
        page.viewer, r.no, budget=r.budget or 0, most=r.max_per_element or 0, mine=mine,
        offered=[(el.eid, page.snap.label(el.eid, 120)) for el in _elements(page, r)],
        cast=lambda about, dots: _try(_set, page, r.no, about, dots),
    )


def _set(page, round_no: int, about: str, dots: int) -> None:
    st.session_state[MINE_KEY] = (round_no, fac.set_dots(page.db, page.me, round_no, about, dots))


#: my dots as my last click left them, for the rerun that click causes
MINE_KEY = "round_my_dots"


def _my_dots(page, round_no: int) -> dict[str, int]:
    """My dots: as my click just stored them (the store answers each click with them), else
    from the map. During a vote every participant clicks every second or two and each dot is
    a new version of the map: reading them from the map would build it anew for every click."""
    kept = st.session_state.pop(MINE_KEY, None)
    if kept is not None and kept[0] == round_no:
        return kept[1]
    return fac.my_dots(page.db, page.me, round_no)


def _vote_results(page, r: Round) -> None:
    res = fac.vote_results(page.db, page.me.workshop_id, r.no)
    if not res.lines:
        st.caption(t("rounds.no_votes", page.lang))
        return
    st.plotly_chart(vote_figure(res.lines, page.snap.label, page.lang), key=f"vote_results:{r.no}", config={"displayModeBar": False})


# -- silent rating -------------------------------------------------------------------------------
def _rating(page, r: Round) -> None:
    lang = page.lang
    if r.revealed:
        spread_lines(page.db, page.me.workshop_id, r, page.snap.label, lang)
        return
    if not r.is_open:
        st.caption(t("rounds.wait_reveal", lang))
        return
    if page.read_only:
        return
    mine = fac.my_ratings(page.db, page.me, r.no)
    scales = rating_scales()[r.target]
    with st.expander(t("rounds.your_ratings", lang), expanded=True):
        for el in _elements(page, r):
            st.text(page.snap.label(el.eid, 120))
            cols = st.columns(max(1, len(r.fields)))
            for col, name in zip(cols, r.fields):
                low, high = scales[name]
                key = f"rate:{r.no}:{el.eid}:{name}"
                if key not in st.session_state:
                    st.session_state[key] = mine.get((el.eid, name))
                col.select_slider(
                    t(f"rounds.field.{name}", lang), [None, *range(low, high + 1)], key=key,
                    format_func=lambda v: "—" if v is None else str(v),
                    on_change=_rated, args=(page, r.no, el.eid, name, key),
                )


def _rated(page, round_no: int, about: str, name: str, key: str) -> None:
    _try(fac.rate, page.db, page.me, round_no, about, name, st.session_state.get(key))


def spread_lines(db, workshop_id: str, r: Round, label, lang: str) -> None:
    """The revealed ratings: per element and field, the mean and range overall and by function."""
    spreads = fac.rating_results(db, workshop_id, r.no)
    if not spreads:
        st.caption(t("rounds.no_ratings", lang))
        return
    for s in spreads:
        by = "; ".join(
            f"{t(f'function.{fn}', lang)} {st_.mean:.1f}" for fn, st_ in s.by_function.items()
        )
        st.text(
            f"{label(s.about, 80)} · {t(f'rounds.field.{s.field}', lang)}: "
            f"{s.overall.mean:.1f} ({s.overall.low}–{s.overall.high}, n={s.overall.n})" + (f" — {by}" if by else "")
        )


# -- brainstorm ----------------------------------------------------------------------------------
def _brainstorm(page, r: Round) -> None:
    lang = page.lang
    if r.is_open and not page.read_only:
        with st.form(f"brainstorm:{r.no}", clear_on_submit=True):
            text = st.text_area(t("rounds.note", lang), max_chars=fac.NOTE_LIMIT, key=f"brainstorm:{r.no}:text", height=80)
            pressed = st.form_submit_button(t("rounds.post", lang), type="primary")
        if r.anonymous:
            st.caption(t("rounds.anonymous", lang))
        if pressed:
            try:
                fac.post_note(page.db, page.me, r.no, text)
            except KopkartaError as exc:
                st.error(error_text(exc, lang))
            else:
                st.success(t("rounds.posted", lang))
    live.results(page.viewer, big=False)  # the round's notes: on the stream as they come
