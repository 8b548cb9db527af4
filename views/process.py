"""The customer's buying process: a column per buying stage, with the seller's mirrored stage
beneath it (the buyer-aligned sales process); also a checklist and a flowchart of the flows.

Thin: reads the shared snapshot, renders, and calls services through :mod:`ui.forms`.
"""

import streamlit as st

from ui import lazy, md_escape
from ui.fields import flow_fields, segment_fields, stage_fields, step_fields
from ui.forms import add_form, edit_button, edit_form, editable_rows, is_editing
from ui.layout import workshop_page
from ui.notes import note_adder, note_lines, show_notes
from workshop.errors import KopkartaError
from workshop.i18n import t
from workshop.model.defaults import get
from workshop.render.flowchart import flowchart_dot
from workshop.services import editing

page = workshop_page("process")
db, me, snap, lang = page.db, page.me, page.snap, page.lang
seg = page.segment
stages = seg.get("stages", [])
roles = {r["id"]: r["name"] for r in seg.get("roles", [])}
KIND_ICON = {"action": "▸", "meeting": "👥", "decision": "⚖️", "approval": "✅", "document": "📄", "evaluation": "🔍"}

st.title(t("process.title", lang))
st.caption(t("process.lead", lang, segment=md_escape(seg["name"])))


def _quick_add() -> None:
    """The quick 'add a step' row (keys add_step_text / add_step_submit are relied on by tests)."""
    if not stages:
        return

    def submit() -> None:
        text = st.session_state.get("add_step_text", "").strip()
        if not text:
            st.session_state["add_step_error"] = t("process.step_empty", lang)
            return
        try:
            editing.add(db, me, "step", {"text": text}, parent=st.session_state["add_step_stage"])
        except KopkartaError as exc:
            st.session_state["add_step_error"] = str(exc)
        else:
            st.session_state["add_step_text"] = ""

    ids = [s["id"] for s in stages]
    names = {s["id"]: s["name"] for s in stages}
    if st.session_state.get("add_step_stage") not in ids:
        st.session_state["add_step_stage"] = ids[0]
    c1, c2, c3 = st.columns([2, 5, 1], vertical_alignment="bottom")
    c1.selectbox(t("process.in_stage", lang), ids, format_func=names.get, key="add_step_stage")
    c2.text_input(t("process.new_step", lang), key="add_step_text", max_chars=4000, placeholder=t("process.new_step_hint", lang))
    c3.button(t("process.add_step", lang), key="add_step_submit", type="primary", on_click=submit)
    error = st.session_state.pop("add_step_error", None)
    if error:
        st.error(error)


def _move(eid: str, index: int) -> None:
    try:
        editing.move(db, me, eid, index)
    except KopkartaError as exc:
        st.session_state["flash"] = ("warning", str(exc))


def _step_meta(step: dict) -> str:
    """A step's kind, owner and whether it happens behind the scenes, as one escaped line."""
    meta = [t(f"option.step_kind.{get('step', step, 'kind')}", lang)]
    if step.get("owner"):
        meta.append(roles.get(step["owner"], step["owner"]))
    if get("step", step, "behind_the_scenes"):
        meta.append("🕶 " + t("process.hidden", lang))
    return md_escape(" · ".join(meta))


def _step(stage: dict, i: int, step: dict) -> None:
    """A step card for editing and reordering (the reading view draws steps as Markdown)."""
    el = snap.element(step["id"])
    with st.container(border=True):
        top = st.columns([6, 1, 1, 1], gap="small", vertical_alignment="center")
        top[0].text(f"{KIND_ICON.get(get('step', step, 'kind'), '▸')} {step['text']}")
        if top[1].button("", icon=":material/arrow_upward:", type="tertiary", key=f"up:{step['id']}", disabled=i == 0, help=t("process.move_up", lang)):
            _move(step["id"], i - 1)
            st.rerun()
        if top[2].button("", icon=":material/arrow_downward:", type="tertiary", key=f"down:{step['id']}", disabled=i == len(stage.get("steps", [])) - 1, help=t("process.move_down", lang)):
            _move(step["id"], i + 1)
            st.rerun()
        with top[3]:
            edit_button(el, lang, f"step:{step['id']}")
        st.caption(_step_meta(step))
        show_notes(page, step["id"])
        if is_editing(el.eid):
            edit_form(me, snap, el, step_fields(seg, lang), key=f"step:{step['id']}", lang=lang)


def _stage_controls(i: int, stage: dict, el) -> None:
    head = st.columns([5, 1, 1, 1], gap="small", vertical_alignment="center")
    head[0].markdown(f"**{i + 1}. {md_escape(stage['name'])}**")
    if head[1].button("", icon=":material/arrow_back:", type="tertiary", key=f"left:{stage['id']}", disabled=i == 0, help=t("process.move_left", lang)):
        _move(stage["id"], i - 1)
        st.rerun()
    if head[2].button("", icon=":material/arrow_forward:", type="tertiary", key=f"right:{stage['id']}", disabled=i == len(stages) - 1, help=t("process.move_right", lang)):
        _move(stage["id"], i + 1)
        st.rerun()
    with head[3]:
        edit_button(el, lang, f"stage:{stage['id']}")


def _stage(i: int, stage: dict, arrange: bool) -> None:
    if not arrange:
        _stage_card(i, stage)
        return
    el = snap.element(stage["id"])
    with st.container(border=True):
        _stage_controls(i, stage, el)
        if is_editing(el.eid):
            edit_form(me, snap, el, stage_fields(lang), key=f"stage:{stage['id']}", lang=lang)
        st.markdown("\n\n".join(_goal_blocks(stage) + [f"**{md_escape(t('process.steps', lang))}**"]))
        steps = stage.get("steps", [])
        if not steps:
            st.caption("⚠️ " + t("process.no_steps", lang))
        for j, step in enumerate(steps):
            _step(stage, j, step)
        st.markdown("\n\n".join(_criteria_blocks(stage)))
    _seller_card(stage)


# -- the reading view: one Markdown block per card --------------------------------------------------
# Every element costs the server work on every rerun of every participant's page, and a change
# reruns every page in the room; so the reading view (what most participants and the projector
# show) draws each card as one block of escaped Markdown instead of an element per line.
def _gray(text: str) -> str:
    return f":gray[{text}]"


def _list_block(title_key: str, items: list[str], empty_key: str | None = None) -> str | None:
    if items:
        return f"**{md_escape(t(title_key, lang))}**\n\n" + "\n".join("- " + md_escape(item) for item in items)
    if empty_key:
        return f"**{md_escape(t(title_key, lang))}**\n\n" + _gray("⚠️ " + md_escape(t(empty_key, lang)))
    return None


def _step_block(step: dict) -> str:
    lines = [f"- {KIND_ICON.get(get('step', step, 'kind'), '▸')} " + md_escape(step["text"]), "  " + _gray(_step_meta(step))]
    lines += ["  " + _gray(line) for line in note_lines(page, step["id"])]
    return "  \n".join(lines)


def _goal_blocks(stage: dict) -> list[str]:
    """The stage's goal for the customer and the notes about the stage."""
    blocks = ["🎯 " + md_escape(stage["customer_goal"])] if stage.get("customer_goal") else []
    notes = note_lines(page, stage["id"])
    if notes:
        blocks.append("  \n".join(_gray(n) for n in notes))
    return blocks


def _criteria_blocks(stage: dict) -> list[str]:
    """Exit criteria, what must be true and the questions that reveal the stage."""
    return [b for b in (
        _list_block("process.exit_criteria", stage.get("exit_criteria", []), "process.no_exit"),
        _list_block("process.must_be_true", stage.get("must_be_true", [])),
        _list_block("process.questions", stage.get("questions", [])),
    ) if b]


def _stage_card(i: int, stage: dict) -> None:
    el = snap.element(stage["id"])
    steps = stage.get("steps", [])
    blocks = [f"**{i + 1}\\. {md_escape(stage['name'])}**", *_goal_blocks(stage), f"**{md_escape(t('process.steps', lang))}**"]
    blocks.append("\n".join(_step_block(s) for s in steps) if steps else _gray("⚠️ " + md_escape(t("process.no_steps", lang))))
    blocks += _criteria_blocks(stage)
    with st.container(border=True):
        st.markdown("\n\n".join(blocks))
        if is_editing(el.eid):
            edit_form(me, snap, el, stage_fields(lang), key=f"stage:{stage['id']}", lang=lang)
        for step in steps:
            step_el = snap.element(step["id"])
            if is_editing(step_el.eid):
                edit_form(me, snap, step_el, step_fields(seg, lang), key=f"step:{step['id']}", lang=lang)
    _seller_card(stage)


def _seller_card(stage: dict) -> None:
    blocks = [f"**{md_escape(t('process.seller_side', lang))}**", "🤝 " + md_escape(stage.get("seller_stage") or "—")]
    blocks += [b for b in (
        _list_block("process.seller_activities", stage.get("seller_activities", [])),
        _list_block("process.buyer_enablement", stage.get("buyer_enablement", []), "process.no_enablement"),
    ) if b]
    with st.container(border=True):
        st.markdown("\n\n".join(blocks))


def _columns() -> None:
    arrange = st.toggle(t("process.arrange", lang), key="process_arrange", help=t("process.arrange_help", lang))
    if not stages:
        st.info(t("process.empty", lang))
    per_row = 4 if len(stages) > 4 else max(len(stages), 1)
    for start in range(0, len(stages), per_row):
        cols = st.columns(per_row, gap="small")
        for offset, stage in enumerate(stages[start : start + per_row]):
            with cols[offset]:
                _stage(start + offset, stage, arrange)
    box = lazy.expander(t("process.add_stage", lang), "process_add_stage", expanded=not stages)
    if box is not None:
        with box:
            add_form(me, "stage", stage_fields(lang), parent=page.segment_id, key="add_stage", lang=lang, submit="process.add_stage")


def _segments() -> None:
    """Edit the current customer segment, or add another (each segment has its own journey)."""
    box = lazy.expander(t("process.segments", lang), "process_segments")
    if box is None:
        return
    with box:
        el = snap.element(page.segment_id)
        st.markdown("**" + md_escape(seg["name"]) + "**")
        if seg.get("description"):
            st.text(seg["description"])
        edit_button(el, lang, f"segment:{el.eid}")
        if is_editing(el.eid):
            edit_form(me, snap, el, segment_fields(lang), key=f"segment:{el.eid}", lang=lang)
        st.divider()
        added = add_form(me, "segment", segment_fields(lang), parent=None, key="add_segment", lang=lang, submit="process.add_segment")
        if added is not None:
            st.session_state["segment_next"] = added.eid
            st.rerun()


def _checklist() -> None:
    if not stages:
        st.info(t("process.empty", lang))
    for i, stage in enumerate(stages):
        st.markdown(f"### {i + 1}. {md_escape(stage['name'])}")
        for step in stage.get("steps", []):
            hidden = " 🕶" if get("step", step, "behind_the_scenes") else ""
            owner = f" ({roles.get(step['owner'], step['owner'])})" if step.get("owner") else ""
            st.text(f"☐ {step['text']}{owner}{hidden}")
        st.markdown(f"**{t('process.exit_criteria', lang)}**")
        for crit in stage.get("exit_criteria", []) or []:
            st.text(f"✔ {crit}")
        if not stage.get("exit_criteria"):
            st.caption("⚠️ " + t("process.no_exit", lang))


def _flowchart() -> None:
    st.graphviz_chart(flowchart_dot(seg, lambda key: t(key, lang) if key.startswith("option.") else t(f"process.{key}", lang)), width="stretch")
    st.caption(t("process.flow_legend", lang))
    flows = seg.get("flows", [])
    steps = {s["id"]: s["text"] for stage in stages for s in stage.get("steps", [])}

    def describe(el) -> str:
        f = el.data
        kind = t(f"option.flow_kind.{get('flow', f, 'kind')}", lang)
        label = f" — {f['label']}" if f.get("label") else ""
        return f"{steps.get(f['from'], f['from'])[:50]} → {steps.get(f['to'], f['to'])[:50]} ({kind}){label}"

    editable_rows(me, snap, snap.of_kind("flow", page.segment_id), describe, flow_fields(seg, lang), key="flow", lang=lang)
    if not flows:
        st.caption(t("process.no_flows", lang))
    if len(steps) >= 2:
        box = lazy.expander(t("process.add_flow", lang), "process_add_flow")
        if box is not None:
            with box:
                add_form(me, "flow", flow_fields(seg, lang), parent=page.segment_id, key="add_flow", lang=lang, submit="process.add_flow")


_quick_add()
view = st.segmented_control(
    t("process.view", lang), ["columns", "checklist", "flowchart"], default="columns", format_func=lambda v: t(f"process.view.{v}", lang), key="process_view"
) or "columns"
{"columns": _columns, "checklist": _checklist, "flowchart": _flowchart}[view]()
_segments()

choices = [(s["id"], f"{t('kind.stage', lang)}: {s['name']}") for s in stages] + [
    (st_["id"], f"{t('kind.step', lang)}: {st_['text'][:50]}") for s in stages for st_ in s.get("steps", [])
]
note_adder(page, choices, "process")
page.done()
