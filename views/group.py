"""The buying group of a segment: its roles (cards), who takes part in which buying stage (the
involvement matrix), how the roles act on each other (relations), and where they stand
(an influence × stance grid). Findings about roles are shown beside them.

Thin: reads the shared snapshot, renders, and calls services through :mod:`ui.forms` and
:mod:`ui.matrix`; the grid logic is in :mod:`workshop.analysis.matrices`, the chart in
:mod:`workshop.render.charts`.
"""

import html

import pandas as pd
import streamlit as st

from ui import matrix, md_escape
from ui.fields import INVOLVEMENT, relation_fields, role_fields
from ui.forms import add_box, add_form, card_header, edit_form, editable_rows, is_editing
from ui.layout import workshop_page
from ui.notes import note_adder, show_notes
from workshop.analysis import advice, analyze, title
from workshop.analysis.matrices import NONE, involvement_changes, involvement_grid
from workshop.analysis.messages import detail_label
from workshop.i18n import t
from workshop.model.defaults import get
from workshop.render.charts import STANCE_COLOURS, category, influence_stance_figure

page = workshop_page("group")
db, me, snap, lang = page.db, page.me, page.snap, page.lang
seg = page.segment
roles = seg.get("roles", [])
stages = seg.get("stages", [])
role_names = {r["id"]: r["name"] for r in roles}
ROLE_CODES = ("blocker_risk", "role_no_contact", "role_not_involved", "hidden_influencer")
SEGMENT_CODES = ("single_threaded", "decision_role_missing")
findings = analyze(snap.doc, lang).segment(page.segment_id).findings
STANCE_TEXT = {-2: "#ffffff", -1: "#0f172a", 0: "#0f172a", 1: "#0f172a", 2: "#ffffff"}
CATEGORY_ICON = {"blocker": ":material/block:", "champion": ":material/star:", "other": ":material/person:"}

st.title(t("nav.group", lang))
st.caption(t("group.lead", lang, segment=md_escape(seg["name"])))


def _segment_findings() -> None:
    """The segment's gaps in its buying group, one warning per kind (missing decision roles listed)."""
    for code in SEGMENT_CODES:
        found = [f for f in findings if f.code == code]
        if not found:
            continue
        if code == "decision_role_missing":
            text = ", ".join(detail_label(code, f.detail, lang) for f in found)
        else:
            text = found[0].message
        st.warning(f"**{title(code, lang)}** — {md_escape(text)}", icon=":material/warning:")
        st.caption(advice(code, lang))


def _stance_pill(role: dict) -> None:
    """Stance and influence as a coloured pill (only translated text in the HTML)."""
    stance, influence = get("role", role, "stance"), get("role", role, "influence")
    label = html.escape(t(f"option.stance.{stance}", lang))
    dots = "●" * influence + "○" * (5 - influence)
    st.markdown(
        f'<span style="background:{STANCE_COLOURS[stance]};color:{STANCE_TEXT[stance]};padding:2px 10px;'
        f'border-radius:999px;font-weight:600">{label}</span>&nbsp; '
        f'<span title="{html.escape(t("field.role.influence", lang))}">{html.escape(t("group.influence", lang))} {dots}</span>',
        unsafe_allow_html=True,
    )


def _role_card(role: dict) -> None:
    el = snap.element(role["id"])
    with st.container(border=True):
        card_header(el, f"{CATEGORY_ICON[category(role)]} **{md_escape(role['name'])}**", lang, f"role:{role['id']}")
        meta = [t(f"option.role_function.{role['function']}", lang)] if role.get("function") else []
        meta += [t(f"option.decision_role.{d}", lang) for d in role.get("decision_roles", [])]
        meta = list(dict.fromkeys(meta))  # "Legal · Legal" says it once
        if meta:
            st.caption(" · ".join(meta))
        _stance_pill(role)
        if role.get("personal_risk"):
            st.text("⚠ " + t("field.role.personal_risk", lang) + ": " + role["personal_risk"])
        if role.get("success_measure"):
            st.text("🎯 " + t("field.role.success_measure", lang) + ": " + role["success_measure"])
        if role.get("our_contact"):
            st.text("🤝 " + t("field.role.our_contact", lang) + ": " + role["our_contact"])
        involved = [s for s in stages if s["id"] in (role.get("involvement") or {})]
        if stages:
            st.caption(t("group.involved_in", lang, n=len(involved), total=len(stages)))
        for f in findings:
            if f.about == role["id"] and f.code in ROLE_CODES:
                st.warning(md_escape(f.message), icon=":material/warning:")
        show_notes(page, role["id"])
        if is_editing(el.eid):
            edit_form(me, snap, el, role_fields(lang), key=f"role:{role['id']}", lang=lang)


def _add_role() -> None:
    with add_box(me.workshop_id, t("group.add_role", lang), expanded=not roles, icon=":material/person_add:"):
        add_form(me, "role", role_fields(lang), parent=page.segment_id, key="add_role", lang=lang, submit="group.add_role")


def _roles() -> None:
    if not roles:  # the gaps of an empty group all say the same: add roles
        st.info(t("group.empty", lang))
    else:
        _segment_findings()
    per_row = 3
    for start in range(0, len(roles), per_row):
        cols = st.columns(per_row)
        for offset, role in enumerate(roles[start : start + per_row]):
            with cols[offset]:
                _role_card(role)
    _add_role()


def _involvement() -> None:
    if not stages:
        st.info(t("group.matrix.no_stages", lang))
        st.page_link("views/process.py", label=t("nav.process", lang), icon=":material/route:")
        return
    if not roles:
        st.info(t("group.matrix.no_roles", lang))
        return
    st.caption(t("group.matrix.lead", lang))
    key = f"involvement:{page.segment_id}"
    current = {r["id"]: (snap.element(r["id"]).version, r.get("involvement") or {}) for r in roles}
    base, stage_ids = matrix.frozen(key, current, [s["id"] for s in stages])
    stage_names = {s["id"]: s["name"] for s in stages}
    grid = involvement_grid([{"id": rid, "involvement": inv} for rid, (_, inv) in base.items()], stage_ids)
    frame = pd.DataFrame.from_dict(grid, orient="index", columns=stage_ids)
    frame.insert(0, "role", [role_names.get(rid, rid) for rid in frame.index])
    labels = {NONE: "—", **{code: t(f"option.involvement.{code}", lang) for code in INVOLVEMENT}}
    config = {"role": st.column_config.TextColumn(t("group.matrix.role", lang), disabled=True, pinned=True, width="medium")}
    for i, sid in enumerate(stage_ids):
        name = stage_names.get(sid, sid)
        config[sid] = st.column_config.SelectboxColumn(
            f"{i + 1}. {name if len(name) <= 24 else name[:23] + '…'}", help=md_escape(name), options=list(labels), format_func=labels.get, required=True
        )
    edited = st.data_editor(frame, key=matrix.editor_key(key), hide_index=True, column_config=config, num_rows="fixed")
    rows = {rid: {sid: edited.at[rid, sid] for sid in stage_ids} for rid in edited.index}
    changes = involvement_changes({rid: inv for rid, (_, inv) in base.items()}, rows)
    def describe(inv) -> str:
        inv = inv or {}
        parts = [f"{stage_names.get(sid, sid)}: {t(f'option.involvement.{code}', lang)}" for sid, code in inv.items()]
        return "; ".join(parts) or "—"

    matrix.controls(page, key, "involvement", changes, base, current, "group.matrix.legend", describe)


def _relations() -> None:
    rels = snap.of_kind("relation", page.segment_id)
    if not rels:
        st.info(t("group.relations.empty", lang))

    def describe(el) -> str:
        r = el.data
        kind = t(f"option.relation_kind.{r['kind']}", lang)
        label = f" — {r['label']}" if r.get("label") else ""
        return f"{role_names.get(r['from'], r['from'])} — {kind} → {role_names.get(r['to'], r['to'])}{label}"

    editable_rows(me, snap, rels, describe, relation_fields(seg, lang), key="relation", lang=lang)
    if len(roles) >= 2:
        with add_box(me.workshop_id, t("group.add_relation", lang), expanded=not rels, icon=":material/share:"):
            add_form(me, "relation", relation_fields(seg, lang), parent=page.segment_id, key="add_relation", lang=lang, submit="group.add_relation")
    else:
        st.caption(t("group.relations.need_two", lang))


def _grid() -> None:
    if not roles:
        st.info(t("group.empty", lang))
        return
    st.plotly_chart(influence_stance_figure(seg, lang), config={"displayModeBar": False}, key="group_grid")
    st.caption(t("group.grid.caption", lang))
    for cat in ("blocker", "champion"):
        names = [r["name"] for r in roles if category(r) == cat]
        if names:
            st.text(t(f"group.grid.{cat}s", lang) + ": " + ", ".join(names))


VIEWS = {"roles": _roles, "involvement": _involvement, "relations": _relations, "grid": _grid}
view = st.segmented_control(t("group.view", lang), list(VIEWS), default="roles", format_func=lambda v: t(f"group.view.{v}", lang), key="group_view") or "roles"
VIEWS[view]()

note_adder(page, [(r["id"], f"{t('kind.role', lang)}: {r['name']}") for r in roles], "group")
page.done()
