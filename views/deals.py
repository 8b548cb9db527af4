"""Live deals placed on the customer's buying process: a row per buying stage with the deals
whose customer is there, the roles we have engaged, the customer's next internal step, and where
the decision lacks energy (the analysis's deal findings); beside them, the stage's exit criteria
to verify and questions to ask.

Thin: grouping and findings per deal come from :mod:`workshop.analysis.followup`.
"""

import streamlit as st

from ui import md_escape
from ui.fields import deal_fields, option
from ui.forms import add_box, add_form, edit_button, edit_form, is_editing
from ui.layout import workshop_page
from ui.notes import note_adder, show_notes
from ui.plan_editor import plan_section
from workshop.analysis import advice, analyze, title
from workshop.analysis.followup import deal_health, deals_by_stage, deals_tally, deciding_roles, segment_deals
from workshop.i18n import t
from workshop.services import plans

page = workshop_page("deals")
db, me, snap, lang = page.db, page.me, page.snap, page.lang
seg, sid = page.segment, page.segment_id
stages = seg.get("stages", [])
roles = {r["id"]: r["name"] for r in seg.get("roles", [])}
deals = segment_deals(snap.doc, sid)
shared = plans.shared(db, me.workshop_id)  # deal id -> when its plan was shared with the customer
findings = analyze(snap.doc, lang, shared=shared).segment(sid).findings
health = {d["id"]: deal_health(seg, d, findings) for d in deals}
involvement = option("involvement", lang)

st.title(t("deals.title", lang))
st.caption(t("deals.lead", lang, segment=md_escape(seg["name"])))


def _summary() -> None:
    tally = deals_tally(health.values())
    c1, c2, c3 = st.columns(3)
    c1.metric(t("deals.count", lang), tally["deals"])
    c2.metric(t("deals.count_no_next", lang), tally["no_next_step"])
    c3.metric(t("deals.count_missing", lang), tally["roles_missing"])
    if tally["no_next_step"] or tally["roles_missing"]:
        st.caption(":material/bolt: " + t("deals.energy_help", lang))


def _bullets(title_key: str, icon: str, items: list[str], empty_key: str) -> None:
    st.markdown(f"**{icon} {t(title_key, lang)}**")
    if items:
        for item in items:
            st.text("• " + item)
    else:
        st.caption(t(empty_key, lang))


def _stage_side(i: int, stage: dict) -> None:
    st.markdown(f"#### {i + 1}. {md_escape(stage['name'])}")
    _bullets("deals.verify", ":material/task_alt:", stage.get("exit_criteria", []), "deals.no_exit")
    _bullets("deals.ask", ":material/quiz:", stage.get("questions", []), "deals.no_questions")
    deciders = deciding_roles(seg, stage["id"])
    if deciders:
        st.markdown(f"**:material/how_to_vote: {t('deals.deciders', lang)}**")
        for r in deciders:
            st.text(f"• {r['name']} ({involvement(r['involvement'][stage['id']])})")


def _plan(deal: dict) -> None:
    """The deal's plan at the card's full width, after its findings: one warning per kind of
    gap (a line past its date, milestones nobody owns, a quiet customer) with its lines listed."""
    mine = {deal["id"], *(el.eid for el in plans.lines(snap, deal["id"]))}
    by_code: dict[str, list] = {}
    for f in findings:
        if f.code.startswith("plan_") and f.about in mine:
            by_code.setdefault(f.code, []).append(f)
    for code, found in by_code.items():
        if len(found) == 1:
            st.warning(found[0].message, icon=":material/battery_alert:")
        else:
            with st.expander(f"{title(code, lang)} ({len(found)})", icon=":material/battery_alert:"):
                for f in found:
                    st.text("• " + f.message)
    plan_section(page, deal, shared.get(deal["id"]))


def _deal(deal: dict) -> None:
    el = snap.element(deal["id"])
    h = health[deal["id"]]
    with st.container(border=True):
        head = st.columns([8, 1], vertical_alignment="center")
        head[0].markdown(":material/work: **" + md_escape(deal["name"]) + "**")
        with head[1]:
            edit_button(el, lang, f"deal:{deal['id']}")
        st.markdown(f"**:material/arrow_forward: {t('field.deal.next_internal_step', lang)}**")
        if deal.get("next_internal_step"):
            st.text(deal["next_internal_step"])
        else:
            st.warning(t("deals.no_next_step", lang) + " " + advice("deal_no_next_step", lang), icon=":material/bolt:")
        engaged = [roles.get(r, r) for r in deal.get("roles_engaged", [])]
        st.text(t("deals.engaged", lang) + ": " + (", ".join(engaged) if engaged else "—"))
        if h.missing:
            st.markdown(f":red[**:material/bolt: {t('deals.missing', lang)}**]")
            for m in h.missing:
                st.markdown(":red[:material/person_off:] " + md_escape(f"{m.name} ({involvement(m.involvement)})"))
            st.caption(advice("deal_roles_missing", lang))
        elif deal.get("stage") in {s["id"] for s in stages} and not deciding_roles(seg, deal["stage"]):
            st.info(t("deals.no_deciders", lang), icon=":material/person_search:")  # nothing to check it against
        elif deal.get("stage") in {s["id"] for s in stages} and not h.no_next_step:
            st.success(t("deals.on_track", lang), icon=":material/check_circle:")
        if not deal.get("stage"):
            st.caption(t("deals.place_it", lang))
        if deal.get("notes"):
            st.caption("✎ " + md_escape(deal["notes"]))
        show_notes(page, deal["id"])
        if is_editing(el.eid):
            edit_form(me, snap, el, deal_fields(snap.doc, seg, lang), key=f"deal:{deal['id']}", lang=lang)


def _board() -> None:
    for row in deals_by_stage(seg, deals):
        if row.stage is None:
            with st.container(border=True):
                st.markdown("#### :material/help_center: " + t("deals.no_stage", lang))
                for deal in row.deals:
                    _deal(deal)
                    _plan(deal)
            continue
        i = stages.index(row.stage)
        if not row.deals:
            st.caption(f"{i + 1}\\. " + md_escape(row.stage["name"]) + " — " + t("deals.stage_empty", lang))
            continue
        with st.container(border=True):
            side, main = st.columns([2, 3], gap="medium")
            with side:
                _stage_side(i, row.stage)
            with main:
                for deal in row.deals:
                    _deal(deal)
            for deal in row.deals:
                _plan(deal)


if deals:
    _summary()
    _board()
else:
    st.info(t("deals.empty", lang), icon=":material/lightbulb:")
if not stages:
    st.caption(t("deals.no_stages", lang))
    st.page_link("views/process.py", label=t("nav.process", lang), icon=":material/route:")

with add_box(me.workshop_id, t("deals.add", lang), expanded=not deals, icon=":material/add:"):
    add_form(me, "deal", deal_fields(snap.doc, seg, lang), parent=None, key="add_deal", lang=lang, submit="deals.add", extra={"segment": sid})

note_adder(page, [(d["id"], f"{t('kind.deal', lang)}: {d['name'][:50]}") for d in deals], "deals")
page.done()
