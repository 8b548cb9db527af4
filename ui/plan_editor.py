"""The seller's side of a deal's plan, on the deals page: draft it from the map, edit it as a
table, reorder and undo, share it with the customer (link and QR code) and end the link.

Thin: every change goes through :mod:`workshop.services.plans`; a line's version travels with
its row, so a change made meanwhile (by the customer, say) is refused as stale, not overwritten.
The page reruns on any change of the workshop (the deals page follows every change), so a
customer's tick shows here without a reload.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ui.session import store
from workshop.errors import KopkartaError
from workshop.i18n import error_text, t
from workshop.model import plan as plan_rules
from workshop.services import plans, sharing


def _flash(kind: str, text: str) -> None:
    st.session_state["flash"] = (kind, text)


def _refused(exc: KopkartaError, lang: str) -> None:
    st.error(t("form.refused", lang, error=error_text(exc, lang)))


def plan_section(page, deal: dict[str, Any], shared_at: dt.datetime | None) -> None:
    """The deal's plan inside its card."""
    lang, snap = page.lang, page.snap
    lines = plans.lines(snap, deal["id"])
    done, total = plan_rules.progress(el.data for el in lines)
    label = t("plan.title", lang) + (" · " + t("plan.progress", lang, done=done, total=total) if total else "")
    with st.expander(label, icon=":material/handshake:", expanded=bool(st.session_state.get(f"plan_open:{deal['id']}"))):
        if not lines:
            st.caption(t("plan.empty", lang))
            if st.button(t("plan.draft", lang), key=f"plan_draft:{deal['id']}", icon=":material/auto_awesome:"):
                try:
                    made = plans.draft(store(), page.me, deal["id"])
                except KopkartaError as exc:
                    _refused(exc, lang)
                else:
                    st.session_state[f"plan_open:{deal['id']}"] = True
                    _flash("success", t("plan.drafted", lang, n=len(made)))
                    st.rerun()
            return
        st.session_state[f"plan_open:{deal['id']}"] = True
        _activity(lines, shared_at, lang)
        _latest(lines, lang)
        _table(page, deal, lines)
        _order(page, deal, lines)
        _share(page, deal, shared_at)
        downloads(plans.files(store(), page.me.workshop_id, deal["id"], lang), lang, key=deal["id"])


def _activity(lines, shared_at: dt.datetime | None, lang: str) -> None:
    last = plan_rules.last_customer_activity(el.data for el in lines)
    bits = [t("plan.shared_since", lang, date=shared_at.date().isoformat()) if shared_at else t("plan.not_shared", lang)]
    if shared_at:
        bits.append(t("plan.last_activity", lang, date=last.date().isoformat()) if last else t("plan.no_activity", lang))
    st.caption(" ".join(bits))


#: how many of the customer's latest changes the seller sees above the table
LATEST = 5


def _latest(lines, lang: str) -> None:
    """What the customer did lately (ticked, dated, commented, added), newest first: the table
    shows the plan, this line shows the customer moving."""
    touched = sorted((el for el in lines if el.data.get("customer_changed")), key=lambda el: el.data["customer_changed"], reverse=True)
    if not touched:
        return
    st.markdown(f"**:material/person_check: {t('plan.latest', lang)}**")
    for el in touched[:LATEST]:
        d = el.data
        bits = [t(f"plan.status.{plan_rules.status_of(d)}", lang)]
        if d.get("due"):
            bits.append(d["due"])
        if d.get("by_customer"):
            bits.append(t("plan.by_customer", lang))
        if d.get("comments"):
            last = d["comments"][-1]
            bits.append(f"💬 {last['by']}: {last['text'][:120]}")
        st.text(f"• {d['text'][:120]} — {' · '.join(bits)} ({d['customer_changed'][:10]})")


def _rows(snap, deal: dict[str, Any], lines, lang: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    seg = snap.segment(deal["segment"])
    stage_names = {s["id"]: s["name"] for s in seg.get("stages", [])}
    role_names = {r["id"]: r["name"] for r in seg.get("roles", [])}
    rows = []
    for el in lines:
        d = el.data
        rows.append({
            "id": el.eid,
            "stage": stage_names.get(d["stage"], d["stage"]),
            "kind": t(f"plan.kind.{d['kind']}", lang),
            "text": d["text"],
            "role": role_names.get(d.get("role"), ""),
            "owner": d.get("owner", ""),
            "due": dt.date.fromisoformat(d["due"]) if d.get("due") else None,
            "status": t(f"plan.status.{plan_rules.status_of(d)}", lang),
            "by_customer": "✓" if d.get("by_customer") else "",
        })
    return rows, stage_names


def _table(page, deal: dict[str, Any], lines) -> None:
    lang, snap = page.lang, page.snap
    rows, stage_names = _rows(snap, deal, lines, lang)
    kinds = {t(f"plan.kind.{k}", lang): k for k in plan_rules.LINE_KINDS}
    statuses = {t(f"plan.status.{s}", lang): s for s in plan_rules.STATUSES}
    stages = {name: sid for sid, name in stage_names.items()}
    st.caption(t("plan.editor_help", lang))
    stamp = max(el.version for el in lines)
    key = f"plan_table:{deal['id']}:{stamp}:{len(lines)}"  # a new table when the plan changed
    edited = st.data_editor(
        rows,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=("stage", "kind", "text", "role", "owner", "due", "status", "by_customer"),
        column_config={
            "id": None,
            "stage": st.column_config.SelectboxColumn(t("plan.col.stage", lang), options=list(stages), required=True),
            "kind": st.column_config.SelectboxColumn(t("plan.col.kind", lang), options=list(kinds), required=True),
            "text": st.column_config.TextColumn(t("plan.col.text", lang), required=True, max_chars=4000, width="medium"),
            "role": st.column_config.TextColumn(t("plan.col.role", lang), disabled=True),
            "owner": st.column_config.TextColumn(t("plan.col.owner", lang), max_chars=200),
            "due": st.column_config.DateColumn(t("plan.col.due", lang), format="YYYY-MM-DD"),
            "status": st.column_config.SelectboxColumn(t("plan.col.status", lang), options=list(statuses), required=True),
            "by_customer": st.column_config.TextColumn(t("plan.by_customer", lang), disabled=True, width="small"),
        },
    )
    if st.button(t("plan.save", lang), key=f"plan_save:{deal['id']}", icon=":material/save:", type="primary"):
        _save(page, deal, lines, rows, edited, stages, kinds, statuses)


def _line_fields(row: dict[str, Any], stages, kinds, statuses) -> dict[str, Any]:
    due = row.get("due")
    if isinstance(due, str):
        due = dt.date.fromisoformat(due[:10]) if due else None
    return {
        "stage": stages.get(row.get("stage")),
        "kind": kinds.get(row.get("kind")),
        "text": (row.get("text") or "").strip(),
        "owner": " ".join((row.get("owner") or "").split()),
        "due": due.isoformat() if due else "",
        "status": statuses.get(row.get("status")) or plan_rules.DEFAULT_STATUS,
    }


def row_changes(lines, rows, edited, stages, kinds, statuses) -> list[tuple]:
    """What saving the table does, in order: ``("change", eid, fields, version)`` for a drawn row
    that was edited, ``("add", fields)`` for a new row with a text, a stage and a kind, and
    ``("remove", eid, version)`` for a drawn row that is gone."""
    by_id = {el.eid: el for el in lines}
    drawn = {r["id"]: _line_fields(r, stages, kinds, statuses) for r in rows}
    kept: set[str] = set()
    out: list[tuple] = []
    for row in edited:
        eid = row.get("id")
        new = _line_fields(row, stages, kinds, statuses)
        if eid in by_id:
            kept.add(eid)
            diff = {k: v for k, v in new.items() if v != drawn[eid][k]}
            if diff:
                out.append(("change", eid, diff, by_id[eid].version))
        elif new["text"] and new["stage"] and new["kind"]:
            out.append(("add", new))
    out.extend(("remove", eid, el.version) for eid, el in by_id.items() if eid not in kept)
    return out


def _save(page, deal, lines, rows, edited, stages, kinds, statuses) -> None:
    """Each change through the services with the version its row was drawn with: a line changed
    meanwhile is refused as stale, not overwritten."""
    me, lang = page.me, page.lang
    ops = row_changes(lines, rows, edited, stages, kinds, statuses)
    try:
        for op in ops:
            if op[0] == "change":
                plans.change_line(store(), me, op[1], op[2], op[3])
            elif op[0] == "add":
                plans.add_line(store(), me, deal["id"], op[1])
            else:
                plans.remove_line(store(), me, op[1], op[2])
    except KopkartaError as exc:
        _refused(exc, lang)
        return
    _flash("success", t("plan.saved", lang, n=len(ops)) if ops else t("plan.nothing_changed", lang))
    st.rerun()


def _order(page, deal: dict[str, Any], lines) -> None:
    lang = page.lang
    cols = st.columns([5, 1, 1, 3], vertical_alignment="bottom")
    labels = {el.eid: f"{i + 1}. {el.data['text'][:80]}" for i, el in enumerate(lines)}
    chosen = cols[0].selectbox(t("plan.move", lang), list(labels), format_func=labels.get, key=f"plan_pick:{deal['id']}")
    index = next(i for i, el in enumerate(lines) if el.eid == chosen)
    for col, label, step in ((cols[1], "plan.up", -1), (cols[2], "plan.down", 1)):
        target = index + step
        if col.button(t(label, lang), key=f"plan_{label}:{deal['id']}", disabled=not 0 <= target < len(lines)):
            try:
                plans.move_line(store(), page.me, chosen, target)
            except KopkartaError as exc:
                _refused(exc, lang)
            else:
                st.rerun()
    if cols[3].button(t("plan.undo", lang), key=f"plan_undo:{deal['id']}", icon=":material/undo:"):
        try:
            plans.undo(store(), page.me)
        except KopkartaError as exc:
            _refused(exc, lang)
        else:
            _flash("info", t("plan.undone", lang))
            st.rerun()


def downloads(made: plans.PlanFiles, lang: str, key: str) -> None:
    """The plan as PDF and its milestones as a calendar, made when clicked (not on every run)."""
    pdf_col, ics_col = st.columns(2)
    pdf_col.download_button(t("plan.download_pdf", lang), made.pdf, file_name=made.name("pdf"), mime="application/pdf",
                            key=f"plan_pdf:{key}", icon=":material/picture_as_pdf:", on_click="ignore")
    ics_col.download_button(t("plan.download_ics", lang), made.ics, file_name=made.name("ics"), mime="text/calendar",
                            key=f"plan_ics:{key}", icon=":material/calendar_month:", on_click="ignore")


def _share(page, deal: dict[str, Any], shared_at: dt.datetime | None) -> None:
    lang = page.lang
    shown = st.session_state.get(f"plan_link:{deal['id']}")
    cols = st.columns(2)
    label = t("plan.share_again", lang) if shared_at else t("plan.share", lang)
    if cols[0].button(label, key=f"plan_share:{deal['id']}", icon=":material/share:"):
        try:
            token = plans.share(store(), page.me, deal["id"])
        except KopkartaError as exc:
            _refused(exc, lang)
        else:
            base = sharing.app_base(st.context.url or "")
            st.session_state[f"plan_link:{deal['id']}"] = (plans.link(base.link, token), base.local_only)
            st.rerun()
    if shared_at and cols[1].button(t("plan.revoke", lang), key=f"plan_revoke:{deal['id']}", icon=":material/link_off:"):
        st.session_state[f"plan_revoking:{deal['id']}"] = True
    if st.session_state.get(f"plan_revoking:{deal['id']}"):
        st.warning(t("plan.revoke_confirm", lang))
        yes, no = st.columns(2)
        if yes.button(t("plan.yes", lang), key=f"plan_revoke_yes:{deal['id']}"):
            st.session_state.pop(f"plan_revoking:{deal['id']}", None)
            st.session_state.pop(f"plan_link:{deal['id']}", None)
            try:
                plans.revoke(store(), page.me, deal["id"])
            except KopkartaError as exc:
                _refused(exc, lang)
            else:
                _flash("info", t("plan.revoked", lang))
                st.rerun()
        if no.button(t("plan.cancel", lang), key=f"plan_revoke_no:{deal['id']}"):
            st.session_state.pop(f"plan_revoking:{deal['id']}", None)
            st.rerun()
    if shown and shared_at:
        link, local_only = shown
        st.caption(t("plan.link_once", lang))
        st.code(link, language=None)
        st.image(sharing.qr_png(link, scale=5), width=180)
        if local_only:
            st.warning(t("plan.link_local", lang))
