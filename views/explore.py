"""The product manager's explorer across workshops: which buying motives matter to which roles,
in which segments — and which of our USPs serve none of them; the objections and no-decision
causes that come back workshop after workshop.

Who sees what is the organisation view's rule (:func:`ui.scope.viewer_scope`): the admin key
shows every workshop, otherwise only those this browser session has joined. Filters narrow by
workshop, segment, language and date; motive texts written differently in different workshops
are grouped (a threshold to move, texts to keep apart); every table downloads as CSV.

Thin: data from :mod:`workshop.services.explore`, tables from
:mod:`workshop.analysis.explore_tables`, figures from :mod:`workshop.render.explore_charts`.
"""

import functools
from typing import Any

import streamlit as st

from ui import store
from ui.scope import across_page, filter_select
from workshop.analysis.explore_data import Filters, narrow
from workshop.analysis.explore_tables import COLUMNS, MEASURES, matrix, report
from workshop.analysis.grouping import (
    DEFAULT_THRESHOLD,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    group_texts,
)
from workshop.exports.table_csv import records_csv
from workshop.i18n import LANGUAGE_NAMES, t
from workshop.render.explore_charts import (
    cause_figure,
    function_label,
    motive_function_figure,
    objection_figure,
)
from workshop.services import explore

#: motive groups drawn in the heatmap (the table below it has them all)
TOP = 30
CHART = {"displayModeBar": False}

lang, view, visible = across_page("explore")
db = store()

data = explore.load(db, visible)
st.caption(
    t(
        "explore.scope.admin" if view.admin else "explore.scope.joined",
        lang,
        n=len(data.workshops),
    )
)


def _filters() -> Filters:
    titles = {w.id: w.title for w in data.workshops}
    with st.container(border=True):
        c1, c2 = st.columns(2)
        chosen = filter_select(c1, "explore", "workshops", titles, titles.get, lang)
        segs = {
            (s.workshop_id, s.id): t(
                "explore.segment_label",
                lang,
                workshop=titles[s.workshop_id],
                segment=s.name,
            )
            for s in data.segments
            if not chosen or s.workshop_id in chosen
        }
        picked = filter_select(c2, "explore", "segments", segs, segs.get, lang)
        c3, c4 = st.columns(2)
        langs = filter_select(c3, "explore", "languages", data.languages, LANGUAGE_NAMES.get, lang)
        since = until = None
        span = data.date_range
        if span:
            got = c4.date_input(
                t("explore.filter.dates", lang),
                value=(),
                min_value=span[0],
                max_value=span[1],
                key="explore_dates",
                help=t("explore.filter.dates_help", lang),
            )
            got = tuple(got) if isinstance(got, (tuple, list)) else (got,)
            since = got[0] if got else None
            until = got[1] if len(got) > 1 else None
    return Filters(
        workshops=set(chosen) or None,
        segments=set(picked) or None,
        languages=set(langs) or None,
        since=since,
        until=until,
    )


def _display(records: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    """Records with translated headers and lists joined, for the table on screen."""

    def label(key: str) -> str:
        return (
            function_label(key[len("weight_") :], lang) if key.startswith("weight_") else t(f"explore.col.{key}", lang)
        )

    def value(v: Any) -> Any:
        return "; ".join(str(x) for x in v) if isinstance(v, (list, tuple)) else v

    return [{label(c): value(r[c]) for c in columns} for r in records]


def _table(
    name: str,
    records: list[dict[str, Any]],
    columns: list[str],
    shown: list[dict[str, Any]] | None = None,
    **config: Any,
) -> None:
    """A table on screen (``shown``: records with translated values) and its CSV download."""
    st.dataframe(
        _display(shown or records, columns),
        hide_index=True,
        width="stretch",
        column_config=config or None,
    )
    st.download_button(
        t("explore.download", lang),
        data=functools.partial(records_csv, records),  # made when clicked, not on every run
        file_name=f"explore-{name}.csv",
        mime="text/csv",
        key=f"explore_csv_{name}",
        icon=":material/download:",
        on_click="ignore",
    )


narrowed = narrow(data, _filters())

with st.container(border=True):
    st.markdown(f"**:material/join: {t('explore.grouping.title', lang)}**")
    g1, g2 = st.columns(2)
    threshold = g1.slider(
        t("explore.threshold", lang),
        MIN_THRESHOLD,
        MAX_THRESHOLD,
        DEFAULT_THRESHOLD,
        step=1,
        key="explore_threshold",
        help=t("explore.threshold_help", lang),
    )
    measure = (
        g2.segmented_control(
            t("explore.measure", lang),
            MEASURES,
            default="both",
            format_func=lambda m: t(f"explore.measure.{m}", lang),
            key="explore_measure",
        )
        or "both"
    )
    plain = group_texts([m.text for m in narrowed.motives], threshold)  # the options do not move with the choice
    joined = {
        key: t("explore.joined_option", lang, text=spelling, group=label) for key, spelling, label in plain.joined()
    }
    apart = st.multiselect(
        t("explore.keep_apart", lang),
        list(joined),
        format_func=joined.get,
        key="explore_apart",
        placeholder=t("explore.keep_apart_none", lang),
        help=t("explore.keep_apart_help", lang),
    )

result = report(narrowed, threshold, apart, measure)
measure_text = t(f"explore.measure.{measure}", lang)

# -- motives × role functions --------------------------------------------------------------------
st.subheader(t("explore.motives.title", lang), anchor="motives")
if not result.motives:
    st.info(t("explore.motives.empty", lang), icon=":material/lightbulb:")
else:
    m = matrix(result.motives, TOP)
    st.plotly_chart(
        motive_function_figure(m, lang),
        width="stretch",
        config=CHART,
        key="explore_heatmap",
        theme=None,
    )
    st.caption(
        t(
            "explore.motives.caption",
            lang,
            measure=measure_text,
            shown=len(m.rows),
            total=len(result.motives),
        )
    )
    records = [r.record() for r in result.motives]
    weights = [f"weight_{c}" for c in COLUMNS if any(r["weight_" + c] for r in records)]
    cols = [
        "motive",
        "motives",
        "workshops",
        "segments",
        "importance_mean",
        "dots",
        "weight",
        "usps",
        *weights,
    ]
    _table("motives", records, cols)
    st.caption(t("explore.motives.table_caption", lang))

    st.markdown(f"**{t('explore.groups.title', lang)}**")
    merged = [g for g in result.grouping.groups if len(g.spellings) > 1]
    if merged:
        rows = [{"group": g.label, "spellings": list(g.spellings), "count": g.count} for g in merged]
        _table("motive-groups", rows, ["group", "spellings", "count"])
        st.caption(t("explore.groups.caption", lang, threshold=threshold, groups=len(merged)))
    else:
        st.caption(t("explore.groups.none", lang, threshold=threshold))

# -- USP coverage ------------------------------------------------------------------------------
st.subheader(t("explore.usps.title", lang), anchor="usps")
if not result.usps:
    st.info(t("explore.usps.empty", lang), icon=":material/lightbulb:")
else:
    none = sum(r.serves_none for r in result.usps)
    if none:
        st.warning(t("explore.usps.none_count", lang, n=none), icon=":material/link_off:")
    records = [r.record() for r in result.usps]
    _table(
        "usp-coverage",
        records,
        [
            "usp",
            "serves_none",
            "motive_count",
            "motives",
            "segments",
            "workshops",
            "usps",
        ],
        **{t("explore.col.serves_none", lang): st.column_config.CheckboxColumn(t("explore.col.serves_none", lang))},
    )
    st.caption(t("explore.usps.caption", lang))

# -- objections and no-decision causes ----------------------------------------------------------
st.subheader(t("explore.objections.title", lang), anchor="objections")
if not result.objections:
    st.info(t("explore.objections.empty", lang), icon=":material/lightbulb:")
else:
    st.plotly_chart(
        objection_figure(result.objections, lang),
        width="stretch",
        config=CHART,
        key="explore_objections",
        theme=None,
    )
    st.caption(t("explore.objections.caption", lang, shown=min(15, len(result.objections))))
    records = [r.record() for r in result.objections]
    shown = [{**r, "causes": [t(f"option.no_decision_cause.{c}", lang) for c in r["causes"]]} for r in records]
    cols = [
        "objection",
        "count",
        "workshops",
        "segments",
        "severity_mean",
        "severity_max",
        "dots",
        "answered_share",
        "causes",
    ]
    _table("objections", records, cols, shown)
    st.caption(t("explore.objections.table_caption", lang))

    st.markdown(f"**{t('explore.causes.title', lang)}**")
    if result.causes:
        st.plotly_chart(
            cause_figure(result.causes, lang),
            width="stretch",
            config=CHART,
            key="explore_causes",
            theme=None,
        )
        st.caption(t("explore.causes.caption", lang))
        records = [r.record() for r in result.causes]
        shown = [{**r, "cause": t(f"option.no_decision_cause.{r['cause']}", lang)} for r in records]
        _table(
            "causes",
            records,
            [
                "cause",
                "objections",
                "workshops",
                "segments",
                "severity_mean",
                "severity_max",
                "dots",
            ],
            shown,
        )
    else:
        st.caption(t("explore.causes.none", lang))
