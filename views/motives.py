"""Buying motives of a segment against our USPs: why this customer would buy at all, which of
our selling points serve which motive (an editable matrix), the USPs that serve no motive and
the important motives that no USP serves, and how much each motive matters to which role.

Thin: reads the shared snapshot, renders, and calls services through :mod:`ui.forms` and
:mod:`ui.matrix`; the grid logic is in :mod:`workshop.analysis.matrices`, the chart in
:mod:`workshop.render.charts`.
"""

import pandas as pd
import streamlit as st

from ui import matrix, md_escape
from ui.fields import motive_fields, usp_fields
from ui.forms import add_box, add_form, card_header, edit_button, edit_form, is_editing
from ui.layout import workshop_page
from ui.notes import note_adder, show_notes
from workshop.analysis import advice, analyze, title
from workshop.analysis.matrices import served_by, usp_changes, usp_grid
from workshop.i18n import t
from workshop.model.defaults import get
from workshop.render.charts import motive_importance_figure

page = workshop_page("motives")
db, me, snap, lang = page.db, page.me, page.snap, page.lang
doc, seg = snap.doc, page.segment
motives = seg.get("motives", [])
usps = doc.get("usps", [])
role_names = {r["id"]: r["name"] for r in seg.get("roles", [])}
segment_of = {m["id"]: s for s in doc["segments"] for m in s.get("motives", [])}
all_findings = analyze(doc, lang).all_findings()
unaddressed = {f.about: f for f in all_findings if f.code == "motive_unaddressed" and f.segment == page.segment_id}
lonely = {f.about: f for f in all_findings if f.code == "usp_without_motive"}
serving = served_by(usps)
usp_text = {u["id"]: u["text"] for u in usps}
KIND_ICON = {"business": ":material/business_center:", "personal": ":material/person:", "risk": ":material/shield:"}

st.title(t("nav.motives", lang))
st.caption(t("motives.lead", lang, segment=md_escape(seg["name"])))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _motive_label(mid: str) -> str:
    """A motive's text, with its segment's name when it belongs to another segment."""
    owner = segment_of.get(mid)
    if owner is None:
        return mid
    text = _short(next(m["text"] for m in owner.get("motives", []) if m["id"] == mid))
    return text if owner["id"] == page.segment_id else f"{text} ({owner['name']})"


def _motive(m: dict) -> None:
    el = snap.element(m["id"])
    with st.container(border=True):
        head = st.container(horizontal=True, vertical_alignment="center")
        kind = m.get("kind")
        head.markdown(f"{KIND_ICON.get(kind, ':material/flag:')} **{md_escape(m['text'])}**")
        with head:
            edit_button(el, lang, f"motive:{m['id']}")
        importance = get("motive", m, "importance")
        meta = [t(f"option.motive_kind.{kind}", lang)] if kind else []
        meta.append(t("motives.importance", lang) + " " + "●" * importance + "○" * (5 - importance))
        st.caption(" · ".join(meta))
        holders = [role_names.get(r, r) for r in m.get("roles", [])]
        if holders:
            st.text("👤 " + t("field.motive.roles", lang) + ": " + ", ".join(holders))
        if serving.get(m["id"]):
            st.text("✔ " + t("motives.served_by", lang) + ": " + "; ".join(_short(usp_text[u]) for u in serving[m["id"]]))
        elif m["id"] in unaddressed:
            st.warning(md_escape(unaddressed[m["id"]].message), icon=":material/warning:")
        else:
            st.caption(t("motives.not_served", lang))
        show_notes(page, m["id"])
        if is_editing(el.eid):
            edit_form(me, snap, el, motive_fields(seg, lang), key=f"motive:{m['id']}", lang=lang)


def _usp(u: dict) -> None:
    el = snap.element(u["id"])
    with st.container(border=True):
        card_header(el, f":material/sell: **{md_escape(u['text'])}**", lang, f"usp:{u['id']}")
        served = [_motive_label(mid) for mid in u.get("motives", [])]
        if served:
            st.text("✔ " + t("motives.serves", lang) + ": " + "; ".join(served))
        if u["id"] in lonely:
            st.warning(md_escape(lonely[u["id"]].message), icon=":material/warning:")
        show_notes(page, u["id"])
        if is_editing(el.eid):
            edit_form(me, snap, el, usp_fields(doc, lang), key=f"usp:{u['id']}", lang=lang)


def _overview() -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("motives.motives", lang))
        if not motives:
            st.info(t("motives.empty_motives", lang))
        for m in motives:
            _motive(m)
        with add_box(me.workshop_id, t("motives.add_motive", lang), expanded=not motives, icon=":material/add:"):
            add_form(me, "motive", motive_fields(seg, lang), parent=page.segment_id, key="add_motive", lang=lang, submit="motives.add_motive")
    with right:
        st.subheader(t("motives.usps", lang))
        st.caption(t("motives.usps_lead", lang))
        if not usps:
            st.info(t("motives.empty_usps", lang))
        for u in usps:
            _usp(u)
        with add_box(me.workshop_id, t("motives.add_usp", lang), expanded=not usps, icon=":material/add:"):
            add_form(me, "usp", usp_fields(doc, lang), parent=None, key="add_usp", lang=lang, submit="motives.add_usp")


def _matrix() -> None:
    if not motives or not usps:
        st.info(t("motives.matrix.empty", lang))
        return
    st.caption(t("motives.matrix.lead", lang))
    key = f"usp_motives:{page.segment_id}"
    current = {u["id"]: (snap.element(u["id"]).version, list(u.get("motives", []))) for u in usps}
    base, motive_ids = matrix.frozen(key, current, [m["id"] for m in motives])
    texts = {m["id"]: m["text"] for m in motives}
    grid = usp_grid([{"id": uid, "motives": ms} for uid, (_, ms) in base.items()], motive_ids)
    frame = pd.DataFrame.from_dict(grid, orient="index", columns=motive_ids).astype(bool)
    frame.insert(0, "usp", [("⚠ " if uid in lonely else "") + _short(usp_text.get(uid, uid), 50) for uid in frame.index])
    config = {"usp": st.column_config.TextColumn(t("motives.matrix.usp", lang), disabled=True, pinned=True, width="medium")}
    for mid in motive_ids:
        mark = "⚠ " if mid in unaddressed else ""
        config[mid] = st.column_config.CheckboxColumn(mark + _short(texts.get(mid, mid), 40), help=md_escape(texts.get(mid, mid)), width="medium")
    edited = st.data_editor(frame, key=matrix.editor_key(key), hide_index=True, column_config=config, num_rows="fixed")
    rows = {uid: {mid: edited.at[uid, mid] for mid in motive_ids} for uid in edited.index}
    changes = usp_changes({uid: ms for uid, (_, ms) in base.items()}, rows)
    matrix.controls(
        page, key, "motives", changes, base, current, "motives.matrix.legend", lambda ms: "; ".join(_motive_label(mid) for mid in ms or []) or "—"
    )
    for f in [*unaddressed.values(), *lonely.values()]:
        st.warning(md_escape(f.message), icon=":material/warning:")


def _chart() -> None:
    if not motives:
        st.info(t("motives.empty_motives", lang))
        return
    st.plotly_chart(motive_importance_figure(seg, lang), config={"displayModeBar": False}, key="motives_chart")
    st.caption(t("motives.chart.caption", lang))


def _findings_summary() -> None:
    """How many gaps there are between motives and USPs, with what to do about them."""
    for code, found in (("motive_unaddressed", unaddressed), ("usp_without_motive", lonely)):
        if found:
            st.warning(f"**{title(code, lang)}** ({len(found)}) — {advice(code, lang)}", icon=":material/warning:")


_findings_summary()
VIEWS = {"overview": _overview, "matrix": _matrix, "chart": _chart}
view = st.segmented_control(t("motives.view", lang), list(VIEWS), default="overview", format_func=lambda v: t(f"motives.view.{v}", lang), key="motives_view") or "overview"
VIEWS[view]()

choices = [(m["id"], f"{t('kind.motive', lang)}: {_short(m['text'])}") for m in motives]
choices += [(u["id"], f"{t('kind.usp', lang)}: {_short(u['text'])}") for u in usps]
note_adder(page, choices, "motives")
page.done()
