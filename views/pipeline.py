"""The sales manager's pipeline across workshops: every live deal placed on the customer's own
buying stage (not our sales stage), and where its decision lacks energy.

Who sees what is the organisation view's rule (:func:`ui.scope.viewer_scope`): the admin key
shows every workshop, otherwise only those this browser session has joined. A board per
workshop and segment (a column per buying stage), a chart of every deal on one normalised
stage axis, and per deal the exit criteria to verify, the questions to ask, the deciding roles
not engaged and a coaching sheet to download.

Thin: the pipeline is read by :mod:`workshop.services.pipeline`; its cards, lanes and filters are
:mod:`workshop.analysis.pipeline`.
"""

import functools

import streamlit as st

from ui import md_escape, store
from ui.fields import option
from ui.follow import follow
from ui.scope import across_page, filter_select
from workshop.analysis import title as finding_title
from workshop.analysis.pipeline import Filters, sheet_file_name, tally
from workshop.i18n import t
from workshop.model.plan import progress as plan_progress
from workshop.render.pipeline_chart import pipeline_figure
from workshop.services.pipeline import coaching, pipeline

db = store()
lang, view, visible = across_page("pipeline")
involvement = option("involvement", lang)

everything = pipeline(db, visible, lang)
follow(db, visible)  # a change in any of these workshops (a customer's tick) runs the page again
if not everything.cards:
    st.info(t("pipeline.no_deals", lang), icon=":material/lightbulb:")
    st.stop()


def _filters() -> Filters:
    titles = dict(everything.workshops)
    seg_names = {
        f"{w}/{s}": t("pipeline.lane", lang, workshop=titles[w], segment=name) for w, s, name in everything.segments
    }
    c1, c2, c3 = st.columns([3, 3, 2], vertical_alignment="bottom")
    chosen = filter_select(c1, "pipeline", "workshops", titles, titles.get, lang)
    segs = filter_select(c2, "pipeline", "segments", seg_names, seg_names.get, lang)
    only = c3.toggle(t("pipeline.filter.only_findings", lang), key="pipeline_only_findings")
    return Filters(
        workshops=frozenset(chosen) or None,
        segments=frozenset(tuple(s.split("/", 1)) for s in segs) or None,
        only_findings=only,
    )


def _summary(cards) -> None:
    tl = tally(cards)
    cols = st.columns(4)
    cols[0].metric(t("pipeline.count", lang), tl["deals"])
    cols[1].metric(t("pipeline.count_lacks", lang), tl["lacks_energy"])
    cols[2].metric(t("pipeline.count_no_next", lang), tl["no_next_step"])
    cols[3].metric(t("pipeline.count_missing", lang), tl["roles_missing"])


def _chart(cards) -> None:
    st.subheader(t("pipeline.chart.title", lang))
    fig = pipeline_figure(cards, lang)
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key="pipeline_chart", theme=None)
    st.caption(t("pipeline.chart.caption", lang))
    unplaced = tally(cards)["unplaced"]
    if unplaced:
        st.caption(t("pipeline.chart.unplaced", lang, count=unplaced))


def _card(card) -> None:
    with st.container(border=True):
        st.markdown(":material/work: **" + md_escape(card.name) + "**")
        for code in card.codes:
            st.badge(finding_title(code, lang), icon=":material/bolt:", color="red", help=finding_title(code, lang))
        if not card.codes:
            st.badge(t("pipeline.badge.ok", lang), icon=":material/check_circle:", color="green")
        for m in card.missing:
            st.text("⚠ " + m.name)
        plan = card.deal.get("plan") or []
        if plan:
            done, total = plan_progress(plan)
            st.caption(":material/handshake: " + t("plan.progress", lang, done=done, total=total))


def _bullets(title_key: str, icon: str, items: list[str]) -> None:
    st.markdown(f"**{icon} {t(title_key, lang)}**")
    for item in items:
        st.text("• " + item)
    if not items:
        st.caption(t("pipeline.empty_list", lang))


def _details(card) -> None:
    where = f"{card.stage_index + 1}. {card.stage['name']}" if card.stage else t("pipeline.no_stage", lang)
    with st.expander(md_escape(card.name) + " — " + md_escape(where), icon=":material/school:"):
        left, right = st.columns(2, gap="medium")
        with left:
            _bullets("pipeline.verify", ":material/task_alt:", card.exit_criteria)
            _bullets("pipeline.ask", ":material/quiz:", card.questions)
        with right:
            _bullets(
                "pipeline.missing",
                ":material/person_off:",
                [f"{m.name} ({involvement(m.involvement)})" for m in card.missing],
            )
            _bullets("pipeline.engaged", ":material/groups:", list(card.engaged))
            st.markdown(f"**:material/arrow_forward: {t('pipeline.next_step', lang)}**")
            if card.next_internal_step:
                st.text(card.next_internal_step)
            else:
                st.warning(finding_title("deal_no_next_step", lang), icon=":material/bolt:")
        for f in card.findings:
            if f.code.startswith("plan_"):  # the plan shared with the customer
                st.warning(f.message, icon=":material/battery_alert:")
        st.download_button(
            t("pipeline.download", lang),
            data=functools.partial(coaching, db, visible, card.workshop_id, card.id),
            file_name=sheet_file_name(card),
            mime="text/markdown",
            key=f"coach:{card.workshop_id}:{card.id}",
            help=t("pipeline.download_help", lang),
            icon=":material/download:",
            on_click="ignore",
        )


def _lane(lane) -> None:
    with st.container(border=True):
        st.markdown(
            "#### "
            + t("pipeline.lane", lang, workshop=md_escape(lane.workshop_title), segment=md_escape(lane.segment_name))
        )
        if not lane.stages:
            st.caption(t("pipeline.no_stages", lang))
        cols = st.columns(len(lane.columns))
        for col, (stage, cards) in zip(cols, lane.columns):
            with col:
                if stage is None:
                    st.markdown(f"**:material/help_center: {t('pipeline.no_stage', lang)}**")
                else:
                    st.markdown(f"**{lane.stages.index(stage) + 1}\\. " + md_escape(stage["name"]) + "**")
                for card in cards:
                    _card(card)
                if not cards:
                    st.caption(t("pipeline.stage_empty", lang))
        st.markdown(f"**:material/school: {t('pipeline.details', lang)}**")
        for card in lane.cards:
            _details(card)


filters = _filters()
shown = everything.narrowed(filters)  # the maps are read and analysed once per run
if not shown.cards:
    st.info(t("pipeline.nothing_matches", lang), icon=":material/filter_alt_off:")
    st.stop()
_summary(shown.cards)
_chart(shown.cards)
for lane in shown.lanes:
    _lane(lane)
