"""The customer's buying process: a column per buying stage, with the seller's mirrored stage
beneath it (the buyer-aligned sales process); also a checklist and a flowchart of the flows.

Thin: reads the shared snapshot, renders, and calls services through :mod:`ui.forms`.
"""

import streamlit as st

from ui import lazy, live, md_escape
from ui.fields import flow_fields, segment_fields, stage_fields, step_fields
from ui.forms import add_form, edit_button, edit_form, editable_rows, is_editing
from ui.layout import workshop_page
from ui.notes import note_adder, note_lines, show_notes
from workshop.errors import KopkartaError
from workshop.i18n import error_text, t
from workshop.model.defaults import get
from workshop.render.flowchart import flowchart_dot
from workshop.services import editing

class Board:
    """The page's body. The board itself (the stage cards of the reading view, and the
    checklist) is a live part drawn in the browser (:func:`ui.live.board`): a step or a note
    anyone adds appears on every screen from the event stream, with no run of this page. The
    page is rerun only for its structure and when the stages change (the quick add and the
    note form list them). Arranging the board (buttons to move and edit each card) and the
    flowchart are drawn by Streamlit, and follow every change of the map while they are open."""

    def __init__(self, page):
        self.page, self.db, self.me, self.snap, self.lang = page, page.db, page.me, page.snap, page.lang
        self.seg = page.segment
        self.stages = self.seg.get("stages", [])
        self.roles = {r["id"]: r["name"] for r in self.seg.get("roles", [])}
        # a big segment is arranged a page of steps per stage at a time, as the board shows it
        self.paged = sum(len(s.get("steps", [])) for s in self.stages) > live.PAGE_AFTER

    def draw(self) -> None:
        st.title(t("process.title", self.lang))
        st.caption(t("process.lead", self.lang, segment=md_escape(self.seg["name"])))
        self._quick_add()
        view = st.segmented_control(
            t("process.view", self.lang), ["columns", "checklist", "flowchart"], default="columns",
            format_func=lambda v: t(f"process.view.{v}", self.lang), key="process_view",
        ) or "columns"
        arrange = view == "columns" and st.toggle(
            t("process.arrange", self.lang), key="process_arrange", help=t("process.arrange_help", self.lang)
        )
        if view == "flowchart" or arrange:  # drawn by Streamlit: follows every change while open
            self._flowchart() if view == "flowchart" else self._columns()
        else:
            self.page.drawn_live(kinds=("stage",), ids=tuple(s["id"] for s in self.stages))
            live.board(self.page, view)
            self._open_edit_forms()
        if view == "columns":
            self._add_stage()
        self._segments()

    def _quick_add(self) -> None:
        """The quick 'add a step' row (keys add_step_text / add_step_submit are relied on by tests)."""
        if self.stages and not self.page.read_only:  # locked or ended: nothing to add with (issue 17)
            _quick_add(self)

    def _quick_add_row(self) -> None:

        def submit() -> None:
            text = st.session_state.get("add_step_text", "").strip()
            if not text:
                st.session_state["add_step_error"] = t("process.step_empty", self.lang)
                return
            try:
                editing.add(self.db, self.me, "step", {"text": text}, parent=st.session_state["add_step_stage"])
            except KopkartaError as exc:
                st.session_state["add_step_error"] = error_text(exc, self.lang)
            else:
                st.session_state["add_step_text"] = ""

        ids = [s["id"] for s in self.stages]
        names = {s["id"]: s["name"] for s in self.stages}
        if st.session_state.get("add_step_stage") not in ids:
            st.session_state["add_step_stage"] = ids[0]
        # a form: typing and picking the stage send nothing; the button sends both in one run
        # (outside a form, leaving the text field was a run of its own before the click's)
        with st.form("add_step", border=False, enter_to_submit=True):
            c1, c2, c3 = st.columns([2, 5, 1], vertical_alignment="bottom")
            c1.selectbox(t("process.in_stage", self.lang), ids, format_func=names.get, key="add_step_stage")
            c2.text_input(t("process.new_step", self.lang), key="add_step_text", max_chars=4000, placeholder=t("process.new_step_hint", self.lang))
            c3.form_submit_button(t("process.add_step", self.lang), key="add_step_submit", type="primary", on_click=submit)
        error = st.session_state.pop("add_step_error", None)
        if error:
            st.error(error)

    def _move(self, eid: str, index: int) -> None:
        try:
            editing.move(self.db, self.me, eid, index)
        except KopkartaError as exc:
            st.session_state["flash"] = ("warning", error_text(exc, self.lang))

    def _step_meta(self, step: dict) -> str:
        """A step's kind, owner and whether it happens behind the scenes, as one escaped line."""
        meta = [t(f"option.step_kind.{get('step', step, 'kind')}", self.lang)]
        if step.get("owner"):
            meta.append(self.roles.get(step["owner"], step["owner"]))
        if get("step", step, "behind_the_scenes"):
            meta.append("🕶 " + t("process.hidden", self.lang))
        return md_escape(" · ".join(meta))

    def _step(self, stage: dict, i: int, step: dict) -> None:
        """A step card for editing and reordering (the reading view draws steps as Markdown)."""
        el = self.snap.element(step["id"])
        with st.container(border=True):
            top = st.columns([6, 1, 1, 1], gap="small", vertical_alignment="center")
            top[0].text(f"{live.STEP_ICONS.get(get('step', step, 'kind'), '▸')} {step['text']}")
            if top[1].button("", icon=":material/arrow_upward:", type="tertiary", key=f"up:{step['id']}", disabled=i == 0, help=t("process.move_up", self.lang)):
                self._move(step["id"], i - 1)
                st.rerun()
            if top[2].button("", icon=":material/arrow_downward:", type="tertiary", key=f"down:{step['id']}", disabled=i == len(stage.get("steps", [])) - 1, help=t("process.move_down", self.lang)):
                self._move(step["id"], i + 1)
                st.rerun()
            with top[3]:
                edit_button(el, self.lang, f"step:{step['id']}")
            st.caption(self._step_meta(step))
            show_notes(self.page, step["id"])
            if is_editing(el.eid):
                edit_form(self.me, self.snap, el, step_fields(self.seg, self.lang), key=f"step:{step['id']}", lang=self.lang)

    def _stage_controls(self, i: int, stage: dict, el) -> None:
        head = st.columns([5, 1, 1, 1], gap="small", vertical_alignment="center")
        head[0].markdown(f"**{i + 1}. {md_escape(stage['name'])}**")
        if head[1].button("", icon=":material/arrow_back:", type="tertiary", key=f"left:{stage['id']}", disabled=i == 0, help=t("process.move_left", self.lang)):
            self._move(stage["id"], i - 1)
            st.rerun()
        if head[2].button("", icon=":material/arrow_forward:", type="tertiary", key=f"right:{stage['id']}", disabled=i == len(self.stages) - 1, help=t("process.move_right", self.lang)):
            self._move(stage["id"], i + 1)
            st.rerun()
        with head[3]:
            edit_button(el, self.lang, f"stage:{stage['id']}")

    def _stage(self, i: int, stage: dict) -> None:
        el = self.snap.element(stage["id"])
        with st.container(border=True):
            self._stage_controls(i, stage, el)
            if is_editing(el.eid):
                edit_form(self.me, self.snap, el, stage_fields(self.lang), key=f"stage:{stage['id']}", lang=self.lang)
            st.markdown("\n\n".join(self._goal_blocks(stage) + [f"**{md_escape(t('process.steps', self.lang))}**"]))
            steps = stage.get("steps", [])
            if not steps:
                st.caption("⚠️ " + t("process.no_steps", self.lang))
            start, end = self._page(stage["id"], len(steps))
            for j in range(start, end):
                self._step(stage, j, steps[j])
            if self.paged and len(steps) > live.PAGE_SIZE:
                self._pager(stage["id"], start, end, len(steps))
            st.markdown("\n\n".join(self._criteria_blocks(stage)))
        self._seller_card(stage)

    def _page(self, stage_id: str, count: int) -> tuple[int, int]:
        """The steps of a stage shown now: all, or (a big segment) one page of them."""
        if not self.paged:
            return 0, count
        pages = max(1, -(-count // live.PAGE_SIZE))
        page = min(st.session_state.get(f"steps_page:{stage_id}", 0), pages - 1)
        return page * live.PAGE_SIZE, min(count, (page + 1) * live.PAGE_SIZE)

    def _pager(self, stage_id: str, start: int, end: int, count: int) -> None:
        key = f"steps_page:{stage_id}"
        page = start // live.PAGE_SIZE
        row = st.columns([1, 2, 1], vertical_alignment="center")
        if row[0].button(t("process.page_prev", self.lang), key=f"prev:{stage_id}", disabled=page == 0, type="tertiary"):
            st.session_state[key] = page - 1
            st.rerun()
        row[1].caption(t("process.page_of", self.lang, **{"from": start + 1, "to": end, "count": count}))
        if row[2].button(t("process.page_next", self.lang), key=f"next:{stage_id}", disabled=end >= count, type="tertiary"):
            st.session_state[key] = page + 1
            st.rerun()

    def _goal_blocks(self, stage: dict) -> list[str]:
        """The stage's goal for the customer and the notes about the stage."""
        blocks = ["🎯 " + md_escape(stage["customer_goal"])] if stage.get("customer_goal") else []
        notes = note_lines(self.page, stage["id"])
        if notes:
            blocks.append("  \n".join(f":gray[{n}]" for n in notes))
        return blocks

    def _list_block(self, title_key: str, items: list[str], empty_key: str | None = None) -> str | None:
        if items:
            return f"**{md_escape(t(title_key, self.lang))}**\n\n" + "\n".join("- " + md_escape(item) for item in items)
        if empty_key:
            return f"**{md_escape(t(title_key, self.lang))}**\n\n:gray[⚠️ {md_escape(t(empty_key, self.lang))}]"
        return None

    def _criteria_blocks(self, stage: dict) -> list[str]:
        """Exit criteria, what must be true and the questions that reveal the stage."""
        return [b for b in (
            self._list_block("process.exit_criteria", stage.get("exit_criteria", []), "process.no_exit"),
            self._list_block("process.must_be_true", stage.get("must_be_true", [])),
            self._list_block("process.questions", stage.get("questions", [])),
        ) if b]

    def _seller_text(self, stage: dict) -> str:
        blocks = [f"**{md_escape(t('process.seller_side', self.lang))}**", "🤝 " + md_escape(stage.get("seller_stage") or "—")]
        blocks += [b for b in (
            self._list_block("process.seller_activities", stage.get("seller_activities", [])),
            self._list_block("process.buyer_enablement", stage.get("buyer_enablement", []), "process.no_enablement"),
        ) if b]
        return "\n\n".join(blocks)

    def _seller_card(self, stage: dict) -> None:
        with st.container(border=True):
            st.markdown(self._seller_text(stage))

    def _open_edit_forms(self) -> None:
        """The edit forms a viewer opened (from arranging the board) stay open under the board."""
        for eid in list(st.session_state.get("editing") or {}):  # a form that saves closes itself
            el = self.snap.element(eid)
            if el is not None and el.kind == "stage" and el.parent == self.page.segment_id:
                edit_form(self.me, self.snap, el, stage_fields(self.lang), key=f"stage:{eid}", lang=self.lang)
            elif el is not None and el.kind == "step" and el.parent in {s["id"] for s in self.stages}:
                edit_form(self.me, self.snap, el, step_fields(self.seg, self.lang), key=f"step:{eid}", lang=self.lang)

    def _columns(self) -> None:
        """The board for arranging: a card per stage with buttons to move and edit it and its steps."""
        if not self.stages:
            st.info(t("process.empty", self.lang))
        per_row = 4 if len(self.stages) > 4 else max(len(self.stages), 1)
        for start in range(0, len(self.stages), per_row):
            cols = st.columns(per_row, gap="small")
            for offset, stage in enumerate(self.stages[start : start + per_row]):
                with cols[offset]:
                    self._stage(start + offset, stage)

    def _add_stage(self) -> None:
        if self.page.read_only:  # locked or ended: no empty "add" box (issue 17)
            return
        box = lazy.expander(t("process.add_stage", self.lang), "process_add_stage", expanded=not self.stages)
        if box is not None:
            with box:
                add_form(self.me, "stage", stage_fields(self.lang), parent=self.page.segment_id, key="add_stage", lang=self.lang, submit="process.add_stage")

    def _segments(self) -> None:
        """Edit the current customer segment, or add another (each segment has its own journey)."""
        box = lazy.expander(t("process.segments", self.lang), "process_segments")
        if box is None:
            return
        with box:
            el = self.snap.element(self.page.segment_id)
            st.markdown("**" + md_escape(self.seg["name"]) + "**")
            if self.seg.get("description"):
                st.text(self.seg["description"])
            edit_button(el, self.lang, f"segment:{el.eid}")
            if is_editing(el.eid):
                edit_form(self.me, self.snap, el, segment_fields(self.lang), key=f"segment:{el.eid}", lang=self.lang)
            st.divider()
            added = add_form(self.me, "segment", segment_fields(self.lang), parent=None, key="add_segment", lang=self.lang, submit="process.add_segment")
            if added is not None:
                st.session_state["segment_next"] = added.eid
                st.rerun()

    def _flowchart(self) -> None:
        st.graphviz_chart(flowchart_dot(self.seg, lambda key: t(key, self.lang) if key.startswith("option.") else t(f"process.{key}", self.lang)), width="stretch")
        st.caption(t("process.flow_legend", self.lang))
        flows = self.seg.get("flows", [])
        steps = {s["id"]: s["text"] for stage in self.stages for s in stage.get("steps", [])}

        def describe(el) -> str:
            f = el.data
            kind = t(f"option.flow_kind.{get('flow', f, 'kind')}", self.lang)
            label = f" — {f['label']}" if f.get("label") else ""
            return f"{steps.get(f['from'], f['from'])[:50]} → {steps.get(f['to'], f['to'])[:50]} ({kind}){label}"

        editable_rows(self.me, self.snap, self.snap.of_kind("flow", self.page.segment_id), describe, flow_fields(self.seg, self.lang), key="flow", lang=self.lang)
        if not flows:
            st.caption(t("process.no_flows", self.lang))
        if len(steps) >= 2 and not self.page.read_only:
            box = lazy.expander(t("process.add_flow", self.lang), "process_add_flow")
            if box is not None:
                with box:
                    add_form(self.me, "flow", flow_fields(self.seg, self.lang), parent=self.page.segment_id, key="add_flow", lang=self.lang, submit="process.add_flow")


@st.fragment
def _quick_add(board: Board) -> None:
    """The quick add is a fragment: adding a step reruns this row alone (the board shows the
    step from the event stream), not the whole page: in a full room, a step every second or two
    costs a few elements a time instead of the page's sixty."""
    board._quick_add_row()


def _note_choices(page) -> list[tuple[str, str]]:
    """The sidebar's note form offers the stages (a note on a step is put on the step's card:
    a list of every step would have to be drawn again on every screen for every new step)."""
    return [(s["id"], f"{t('kind.stage', page.lang)}: {s['name']}") for s in page.segment.get("stages", [])]


page = workshop_page("process")
Board(page).draw()
note_adder(page, _note_choices(page), "process", alone=True)
page.done()
