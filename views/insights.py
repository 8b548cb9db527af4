"""Insights: what the analysis found in the chosen segment, and how likely the purchase is to end
in "no decision". The risk (0-100) with every point explained, charts of where the map is weak,
then each gap grouped by theme with its advice and a link to the page where it is mended.

Thin: the analysis is :mod:`workshop.analysis`; grouping, per-stage counts and the risk lines are
in :mod:`workshop.analysis.insights`; the figures in :mod:`workshop.render.insight_charts`.
"""

import streamlit as st

from ui import md_escape
from ui.layout import workshop_page
from ui.notes import note_adder
from workshop.analysis import advice, analyze, title
from workshop.analysis.insights import CODE_PAGE, THEMES, by_theme, clean_themes, per_stage, risk_level, risk_parts, risk_sum
from workshop.analysis.risk import best_mends, drawing_only
from workshop.i18n import t
from workshop.render.insight_charts import breakdown_figure, risk_gauge, risk_path_figure, segment_risk_figure, stage_figure
from workshop.services import progress

page = workshop_page("insights")
snap, lang, seg, sid = page.snap, page.lang, page.segment, page.segment_id
analysis = analyze(snap.doc, lang)
result = analysis.segment(sid)
THEME_ICON = {
    "journey": ":material/route:",
    "group": ":material/groups:",
    "friction": ":material/report:",
    "consensus": ":material/handshake:",
    "deals": ":material/work:",
}
PAGE_ICON = {
    "process": ":material/route:",
    "group": ":material/groups:",
    "motives": ":material/target:",
    "friction": ":material/report:",
    "consensus": ":material/handshake:",
    "deals": ":material/work:",
}

st.title(t("nav.insights", lang))
st.caption(t("insights.lead", lang, segment=md_escape(seg["name"])))

if not seg.get("stages") and not seg.get("roles"):
    st.info(t("insights.early", lang), icon=":material/lightbulb:")
    st.page_link("views/process.py", label=t("insights.go", lang, page=t("nav.process", lang)), icon=":material/route:")


def _risk() -> None:
    st.subheader(t("insights.risk.title", lang))
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.plotly_chart(risk_gauge(result.risk, t("insights.risk.suffix", lang)), width="stretch", config={"displayModeBar": False}, key="risk_gauge")
        if drawing_only(result.findings):  # unfinished, not at risk: say so, calmly (issue 17)
            st.info(t("insights.risk.drawing_only", lang), icon=":material/draw:")
        else:
            st.caption(t(f"insights.risk.{risk_level(result.risk)}", lang))
        _path()
    with right:
        parts = risk_parts(result)
        if not parts:
            st.success(t("insights.risk.zero", lang), icon=":material/verified:")
            return
        st.markdown(t("insights.risk.explain", lang))
        for p in parts:
            line = t("insights.risk.line", lang, points=p.points, count=p.count, title=title(p.code, lang), each=p.each, cap=p.cap)
            if p.capped:
                line += " " + t("insights.risk.capped", lang)
            st.text("• " + line)
        total = risk_sum(result)
        if total > result.risk:
            st.caption(t("insights.risk.over", lang, total=total))
        _mends()


def _path() -> None:
    """How the risk moved during the session (from the change log)."""
    points = progress.path(page.db, page.me.workshop_id, sid, lang)
    if len(points) < 2:
        return
    labels = [p.at.strftime("%H:%M") if p.at else "" for p in points]
    hover = [t("insights.path.hover", lang, time=label, seq=p.seq) for label, p in zip(labels, points)]
    st.markdown("**" + t("insights.path.title", lang) + "**")
    st.plotly_chart(risk_path_figure(labels, [p.risk for p in points], t("insights.axis.risk", lang), hover),
                    width="stretch", config={"displayModeBar": False}, key="risk_path")
    first, last = points[0].risk, points[-1].risk
    st.caption(t("insights.path.moved", lang, first=first, last=last) if first != last else t("insights.path.same", lang, risk=last))


def _mends() -> None:
    """The three mends that would lower the risk most, each with its points and where to go."""
    mends = best_mends(result.findings)
    if not mends:
        return
    st.markdown("**" + t("insights.mends.title", lang) + "**")
    for f, points in mends:
        with st.container(border=True):
            st.markdown(f"**−{points}** · " + md_escape(title(f.code, lang)))
            st.text(f.message)
            target = CODE_PAGE[f.code]
            file = f"views/{target}.py"
            st.page_link(file, label=t("insights.go", lang, page=t(f"nav.{target}", lang)), icon=PAGE_ICON[target])


def _charts() -> None:
    parts = risk_parts(result)
    stage_counts = per_stage(snap.doc, sid, result.findings)
    left, right = st.columns(2, gap="large")
    with left:
        if parts:
            st.markdown("**" + t("insights.chart.breakdown", lang) + "**")
            fig = breakdown_figure(
                [title(p.code, lang) for p in parts], [p.points for p in parts], [p.cap for p in parts],
                [t("insights.chart.points_of", lang, points=p.points, count=p.count) for p in parts],
                t("insights.axis.points", lang), t("insights.chart.cap", lang),
            )
            st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key="risk_breakdown")
            st.caption(t("insights.chart.breakdown_caption", lang))
    with right:
        if stage_counts and any(c.stage for c in stage_counts):
            st.markdown("**" + t("insights.chart.stages", lang) + "**")
            labels = [f"{i + 1}. {c.name}" if c.stage else t("insights.chart.no_stage", lang) for i, c in enumerate(stage_counts)]
            series = [(theme, t(f"insights.theme.{theme}", lang), [c.counts[theme] for c in stage_counts]) for theme in THEMES]
            st.plotly_chart(stage_figure(labels, series, t("insights.axis.findings", lang)), width="stretch", config={"displayModeBar": False}, key="per_stage")
            st.caption(t("insights.chart.stages_caption", lang))
    if len(analysis.segments) > 1:
        names = [s["name"] for s in snap.doc["segments"]]
        risks = [r.risk for r in analysis.segments]
        current = [r.id for r in analysis.segments].index(sid)
        st.markdown("**" + t("insights.chart.segments", lang) + "**")
        st.plotly_chart(segment_risk_figure(names, risks, current, t("insights.axis.risk", lang)), width="stretch", config={"displayModeBar": False}, key="segments")
        st.caption(t("insights.chart.segments_caption", lang))


def _findings() -> None:
    st.subheader(t("insights.findings", lang, n=len(result.findings)))
    if not result.findings:
        st.success(t("insights.empty", lang), icon=":material/celebration:")
        return
    for theme, groups in by_theme(result.findings):
        n = sum(len(found) for _, found in groups)
        st.markdown(f"### {THEME_ICON[theme]} {t(f'insights.theme.{theme}', lang)} · {n}")
        for code, found in groups:
            with st.container(border=True):
                st.markdown(f"**{md_escape(title(code, lang))}** · {len(found)}")
                for f in found:
                    st.text("• " + f.message)
                st.caption(":material/lightbulb: " + md_escape(advice(code, lang)))
                target = CODE_PAGE[code]
                file = f"views/{target}.py"
                st.page_link(file, label=t("insights.go", lang, page=t(f"nav.{target}", lang)), icon=PAGE_ICON[target])
    clean = clean_themes(result.findings)
    if clean:
        st.success(t("insights.clean", lang, themes=", ".join(t(f"insights.theme.{c}", lang) for c in clean)), icon=":material/check_circle:")


_risk()
_charts()
_findings()

seen: dict[str, str] = {}
for f in result.findings:
    el = snap.elements.get(f.about)
    if f.about not in seen and el is not None:
        seen[f.about] = f"{t(f'kind.{el.kind}', lang)}: {snap.label(f.about, 50)}"
note_adder(page, list(seen.items()), "insights")
page.done()
