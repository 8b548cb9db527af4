"""Friction: the objections, risks and doubts that can stall the segment's purchase, grouped by
buying stage, with who raises them, how severe they are, which cause of "no decision" they feed
and how we answer them; on top, which no-decision cause most threatens a decision.

Thin: groups and sums in :mod:`workshop.analysis.friction`, the chart in
:mod:`workshop.render.friction_charts`, edits through :mod:`ui.forms` and the services.
"""

import streamlit as st

from ui import md_escape
from ui.fields import objection_fields, option
from ui.forms import add_box, add_form, edit_button, edit_form, is_editing
from ui.layout import workshop_page
from ui.notes import note_adder, show_notes
from workshop.analysis import analyze
from workshop.analysis.friction import by_stage, cause, cause_summary, filter_objections, quiet_stages, severity, top_cause, unanswered
from workshop.errors import KopkartaError, StaleEdit
from workshop.i18n import error_text, t
from workshop.render.friction_charts import cause_chart
from workshop.render.tables import severity_badge
from workshop.services import editing

page = workshop_page("friction")
db, me, snap, lang = page.db, page.me, page.snap, page.lang
seg = page.segment
objections = seg.get("objections", [])
roles = {r["id"]: r["name"] for r in seg.get("roles", [])}
no_answer = unanswered(analyze(snap.doc, lang).segment(page.segment_id).findings)
KIND_ICON = {"substance": ":material/fact_check:", "risk": ":material/warning:", "mandate": ":material/gavel:"}
kind_label, cause_label = option("objection_kind", lang), option("no_decision_cause", lang)

st.title(t("friction.title", lang))
st.caption(t("friction.lead", lang, segment=md_escape(seg["name"])))


def _summary() -> None:
    """What most threatens a decision: the no-decision causes, by count and total severity."""
    lines = cause_summary(objections)
    top = top_cause(lines)
    with st.container(border=True):
        st.markdown("**:material/block: " + t("friction.causes", lang) + "**")
        left, right = st.columns([3, 1], vertical_alignment="center")
        with left:
            fig = cause_chart(
                lines,
                cause_label,
                lambda line: t("friction.bar_text", lang, count=line.count) if line.count else "",
                t("friction.axis", lang),
            )
            st.plotly_chart(fig, width="stretch", config={"displayModeBar": False, "staticPlot": False}, key="friction_causes")
        with right:
            st.metric(t("friction.count", lang), len(objections))
            st.metric(t("friction.unanswered_count", lang), len(no_answer))
        if top is None:
            st.caption(t("friction.no_cause", lang))
        else:
            st.markdown(
                ":material/priority_high: "
                + t("friction.top_cause", lang, cause=cause_label(top.cause), count=top.count, severity=top.severity)
            )
            st.caption(t("friction.causes_help", lang))


def _filters() -> tuple[str | None, bool]:
    options = [None, *roles]
    if st.session_state.get("friction_role") not in options:
        st.session_state.pop("friction_role", None)
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    role = c1.selectbox(
        t("friction.raised_by", lang), options, format_func=lambda r: roles.get(r, "") if r else t("friction.all_roles", lang), key="friction_role"
    )
    only = c2.toggle(t("friction.only_unanswered", lang), key="friction_unanswered")
    return role, only


def _add_response(oid: str, version: int) -> None:
    """Append one answer to an objection (a merge: someone else's change is kept, not refused)."""
    key = f"resp:{oid}"
    text = " ".join(st.session_state.get(key, "").split())
    if not text:
        st.session_state["flash"] = ("warning", t("friction.answer_empty", lang))
        return
    current = snap.element(oid).data.get("responses", [])
    try:
        try:
            editing.update(db, me, oid, {"responses": [*current, text]}, based_on=version)
        except StaleEdit as exc:
            if exc.current is None:
                raise
            editing.update(db, me, oid, {"responses": [*(exc.current.get("responses") or []), text]}, based_on=exc.version)
    except StaleEdit:
        st.session_state["flash"] = ("warning", t("friction.gone", lang))
    except KopkartaError as exc:
        st.session_state["flash"] = ("warning", error_text(exc, lang))
    else:
        st.session_state[key] = ""


def _objection(o: dict) -> None:
    el = snap.element(o["id"])
    kind = o.get("kind")
    with st.container(border=True):
        top = st.columns([7, 3, 1], gap="small", vertical_alignment="center")
        top[0].markdown(KIND_ICON.get(kind, ":material/report:") + " **" + md_escape(o["text"]) + "**")
        rated = severity(o) if "severity" in o else None
        top[1].markdown(severity_badge(rated, t("field.objection.severity", lang), t("friction.severity_unset", lang)), unsafe_allow_html=True)
        with top[2]:
            edit_button(el, lang, f"obj:{o['id']}")
        meta = [kind_label(kind) if kind else t("friction.kind_unset", lang)]
        if cause(o) != "none":
            meta.append(t("friction.feeds", lang, cause=cause_label(cause(o))))
        st.caption(md_escape(" · ".join(meta)))
        raisers = [roles.get(r, r) for r in o.get("roles", [])]
        st.text(t("friction.raised_by", lang) + ": " + (", ".join(raisers) if raisers else "—"))
        responses = o.get("responses", [])
        if responses:
            st.markdown("**:material/forum: " + t("field.objection.responses", lang) + "**")
            for r in responses:
                st.text("↳ " + r)
        if o["id"] in no_answer:
            st.warning(t("friction.no_answer", lang), icon=":material/error:")
        with st.popover(t("friction.add_answer", lang), icon=":material/add_comment:"):
            st.text_input(t("field.objection.responses", lang), key=f"resp:{o['id']}", max_chars=4000)
            st.button(t("friction.add_answer", lang), key=f"resp:{o['id']}:add", type="primary", on_click=_add_response, args=(o["id"], el.version))
        show_notes(page, o["id"])
        if is_editing(el.eid):
            edit_form(me, snap, el, objection_fields(seg, lang), key=f"obj:{o['id']}", lang=lang)


def _groups(role: str | None, only: bool) -> None:
    shown = filter_objections(objections, role=role, unanswered=only)
    if not shown:
        st.info(t("friction.none_match", lang))
    for group in by_stage(seg, shown):
        if group.stage is None:
            st.subheader(":material/help_center: " + t("friction.no_stage", lang) + f" ({len(group.objections)})")
        else:
            st.subheader(":material/flag: " + md_escape(group.stage["name"]) + f" ({len(group.objections)})")
        for start in range(0, len(group.objections), 2):
            for col, o in zip(st.columns(2, gap="small"), group.objections[start : start + 2]):
                with col:
                    _objection(o)
    quiet = quiet_stages(seg)
    if quiet and role is None and not only:
        st.caption(":material/lightbulb: " + t("friction.quiet", lang, stages=md_escape(", ".join(s["name"] for s in quiet))))


if objections:
    _summary()
    _groups(*_filters())
else:
    st.info(t("friction.empty", lang), icon=":material/lightbulb:")
    if not seg.get("stages") or not roles:
        st.caption(t("friction.empty_links", lang))

with add_box(me.workshop_id, t("friction.add", lang), expanded=not objections, icon=":material/add:"):
    add_form(me, "objection", objection_fields(seg, lang), parent=page.segment_id, key="add_objection", lang=lang, submit="friction.add")

note_adder(page, [(o["id"], f"{t('kind.objection', lang)}: {o['text'][:50]}") for o in objections], "friction")
page.done()
