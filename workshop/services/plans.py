"""Deal plans for the seller and for the customer (issue 20).

The seller (a participant of the workshop) drafts a deal's plan from the map, edits, reorders
and removes its lines, shares it with a link and ends the link. The customer, who has no
account, opens the link and may tick a line done, change its date, comment, and add a step of
their own; nothing else. Every change is an element change through the store: it lands in the
event log, reaches every open screen through the change feed, is refused when stale, and can be
undone by whoever made it.

Plans live after the workshop: a locked or ended workshop still takes plan changes (the lock is
the facilitator's tool for the room, not for the deals that follow).

What the customer sees is :func:`workshop.model.plan.customer_view` and nothing more; the
customer's changes are checked to touch only their own deal's plan lines and only the fields
they may change (:data:`workshop.model.plan.CUSTOMER_EDITABLE`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput, NotFound, StaleEdit
from ..model import plan as rules
from ..model.elements import Element
from ..ports import Storage
from .guard import Caller, guarded
from .live import Identity, Snapshot, snapshot

#: the most comments a line keeps from the customer's page (a page of them is plenty)
MAX_COMMENTS = 50


def _new_id() -> str:
    return f"plan-{secrets.token_hex(5)}"


def lines(snap: Snapshot, deal_id: str) -> list[Element]:
    """The deal's plan lines in the seller's order."""
    return snap.of_kind("plan_item", deal_id)


def _deal(snap: Snapshot, deal_id: str) -> dict[str, Any]:
    el = snap.element(deal_id)
    if el is None or el.kind != "deal":
        raise NotFound(f"no deal '{deal_id}' in this workshop", key="error.no_element")
    return next(d for d in snap.doc.get("deals", []) if d["id"] == deal_id)


# -- the seller ---------------------------------------------------------------------------------


def draft(store: Storage, me: Identity, deal_id: str) -> list[Element]:
    """Give a deal its plan, drafted from its segment's map (one change, one undo)."""
    snap = snapshot(store, me.workshop_id)
    deal = _deal(snap, deal_id)
    segment = snap.segment(deal["segment"])
    return store.add_plan_draft(me.workshop_id, deal_id, rules.draft(segment, deal, _new_id), actor=me.participant_id)


def add_line(store: Storage, me: Identity, deal_id: str, data: dict[str, Any], index: int | None = None) -> Element:
    fields = {k: v for k, v in data.items() if v not in (None, "", [])}
    fields.setdefault("id", _new_id())
    return store.add(me.workshop_id, "plan_item", fields, parent=deal_id, actor=me.participant_id, index=index)


def change_line(store: Storage, me: Identity, eid: str, changes: dict[str, Any], based_on: int) -> Element:
    """Change a line's fields (``None`` or an empty text removes one), refused when stale."""
    cleaned = {k: (None if v in ("", [], {}) else v) for k, v in changes.items()}
    return store.update(me.workshop_id, _line_id(store, me.workshop_id, eid), cleaned, based_on=based_on, actor=me.participant_id)


def remove_line(store: Storage, me: Identity, eid: str, based_on: int) -> int:
    return store.delete(me.workshop_id, _line_id(store, me.workshop_id, eid), based_on=based_on, actor=me.participant_id)


def move_line(store: Storage, me: Identity, eid: str, index: int) -> Element:
    return store.move(me.workshop_id, _line_id(store, me.workshop_id, eid), index, actor=me.participant_id)


def undo(store: Storage, me: Identity) -> dict[str, Any]:
    """Take back the seller's last change (a whole draft is one change)."""
    return store.undo_last(me.workshop_id, me.participant_id)


def _line_id(store: Storage, workshop_id: str, eid: str) -> str:
    el = snapshot(store, workshop_id).element(eid)
    if el is not None and el.kind != "plan_item":
        raise NotFound(f"no plan line '{eid}' in this workshop", key="error.no_element")
    return eid  # a line deleted meanwhile is the store's stale edit


def share(store: Storage, me: Identity, deal_id: str) -> str:
    """Share the deal's plan: returns the token of a new link (the deal's link before it ends)."""
    return share_deal(store, me.workshop_id, deal_id, me.participant_id)


def revoke(store: Storage, me: Identity, deal_id: str) -> None:
    revoke_deal(store, me.workshop_id, deal_id, me.participant_id)


def share_deal(store: Storage, workshop_id: str, deal_id: str, actor: str | None) -> str:
    """:func:`share` for an operator (the command line), who is no participant."""
    if not store.exists(workshop_id):
        raise NotFound(f"no workshop '{workshop_id}'")
    return store.share_plan(workshop_id, deal_id, actor=actor)


def revoke_deal(store: Storage, workshop_id: str, deal_id: str, actor: str | None) -> None:
    if not store.exists(workshop_id):
        raise NotFound(f"no workshop '{workshop_id}'")
    store.revoke_plan(workshop_id, deal_id, actor=actor)


def shared(store: Storage, workshop_id: str) -> dict[str, dt.datetime]:
    """Deal id -> when its plan was shared, for the analysis' quiet customer."""
    return store.plan_shares(workshop_id)


def link(base: str, token: str) -> str:
    """The customer's address of a plan, under the app's public base address."""
    return f"{base.rstrip('/')}/plan?s={token}"


# -- the customer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedPlan:
    """One deal's plan as its customer may see it, with the versions a change must be based on."""

    workshop_id: str
    deal_id: str
    view: dict[str, Any]
    versions: dict[str, int]
    #: the stages the customer may add a step to: (id, name), in the map's order
    stages: list[tuple[str, str]]
    version: int


def open_shared(store: Storage, token: str, *, caller: Caller | None = None) -> SharedPlan:
    """The plan behind a link; a wrong or ended link, or a deal gone, is NotFound (nothing else
    is told: a guess learns nothing). ``caller``: the browser that opens the link; wrong links
    are counted like wrong keys, and a guesser waits, then is locked out
    (:mod:`workshop.services.guard`; with 192 random bits a guess cannot succeed anyway)."""
    workshop_id, deal_id, _when = guarded("plan", caller, lambda: store.plan_for_token(token))
    snap = snapshot(store, workshop_id)
    deal_el = snap.element(deal_id)
    if deal_el is None or deal_el.kind != "deal":
        raise NotFound("this link does not open a plan: it may have been ended", key="error.plan_link")
    deal = _deal(snap, deal_id)
    segment = next((s for s in snap.doc["segments"] if s["id"] == deal["segment"]), {"stages": []})
    return SharedPlan(
        workshop_id,
        deal_id,
        rules.customer_view(snap.doc, deal_id),
        {el.eid: el.version for el in lines(snap, deal_id)},
        [(s["id"], s["name"]) for s in rules.stages_from(segment, deal.get("stage"))],
        snap.version,
    )


def _customer(deal_id: str) -> str:
    """The event log's actor for the customer of one deal (not a participant)."""
    return f"~customer:{deal_id}"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _their_line(store: Storage, token: str, eid: str) -> tuple[SharedPlan, Element]:
    plan = open_shared(store, token)
    el = snapshot(store, plan.workshop_id).element(eid)
    if el is None or el.kind != "plan_item" or el.parent != plan.deal_id:
        # another deal's line, or one deleted meanwhile: the same answer, nothing told
        raise NotFound("that line is not in this plan (it may have been removed)", key="plan.no_line")
    return plan, el


def customer_change(store: Storage, token: str, eid: str, changes: dict[str, Any], based_on: int) -> Element:
    """The customer ticks a line (status) or moves its date (due); nothing else."""
    wrong = sorted(set(changes) - set(rules.CUSTOMER_EDITABLE))
    if wrong:
        raise BadInput(f"the customer cannot change {', '.join(wrong)}", key="plan.not_yours")
    plan, el = _their_line(store, token, eid)
    cleaned = {k: (None if v in ("", None) else v) for k, v in changes.items()}
    cleaned["customer_changed"] = _now()
    return store.update(plan.workshop_id, eid, cleaned, based_on=based_on, actor=_customer(plan.deal_id))


def customer_comment(store: Storage, token: str, eid: str, text: str, name: str, based_on: int) -> Element:
    text, name = text.strip(), " ".join(name.split())
    if not text:
        raise BadInput("write a comment first", key="plan.empty_comment")
    if not name:
        raise BadInput("say who you are", key="plan.empty_name")
    plan, el = _their_line(store, token, eid)
    if el.version != based_on:
        raise StaleEdit(el.data, el.version, el.by)
    now = _now()
    comments = list(el.data.get("comments") or [])[-(MAX_COMMENTS - 1):]
    comments.append({"text": text[:4000], "by": name[:200], "at": now, "customer": True})
    changes = {"comments": comments, "customer_changed": now}
    return store.update(plan.workshop_id, eid, changes, based_on=based_on, actor=_customer(plan.deal_id))


def customer_add(store: Storage, token: str, stage_id: str, text: str, owner: str = "", due: str | None = None) -> Element:
    """A step the customer adds ("what else must happen on our side"), in one of the plan's stages."""
    plan = open_shared(store, token)
    if stage_id not in {sid for sid, _ in plan.stages}:
        raise BadInput("choose one of the plan's stages", key="plan.no_stage")
    text = text.strip()
    if not text:
        raise BadInput("write the step first", key="plan.empty_step")
    data: dict[str, Any] = {
        "id": _new_id(), "stage": stage_id, "kind": "customer", "text": text[:4000],
        "by_customer": True, "customer_changed": _now(),
    }
    if owner.strip():
        data["owner"] = " ".join(owner.split())[:200]
    if due:
        data["due"] = due
    return store.add(plan.workshop_id, "plan_item", data, parent=plan.deal_id, actor=_customer(plan.deal_id))


# -- out of the app -----------------------------------------------------------------------------


def files(store: Storage, workshop_id: str, deal_id: str, lang: str) -> "PlanFiles":
    """The plan's PDF and calendar, made when asked (each is made from what the customer may
    see, so the seller may send them on)."""
    return PlanFiles(store, workshop_id, deal_id, lang)


def customer_files(store: Storage, token: str, lang: str) -> "PlanFiles":
    plan = open_shared(store, token)
    return PlanFiles(store, plan.workshop_id, plan.deal_id, lang)


@dataclass(frozen=True)
class PlanFiles:
    store: Storage
    workshop_id: str
    deal_id: str
    lang: str

    def _doc(self) -> dict[str, Any]:
        return snapshot(self.store, self.workshop_id).doc

    def pdf(self) -> bytes:
        from ..exports.plan_files import plan_pdf

        return plan_pdf(self._doc(), self.deal_id, self.lang)

    def ics(self) -> bytes:
        from ..exports.plan_files import plan_ics

        return plan_ics(self._doc(), self.deal_id, self.lang)

    def name(self, extension: str) -> str:
        """``<deal>-<plan>.<ext>`` from the deal's name, in the viewer's language."""
        from ..exports.names import slug
        from ..i18n import t

        deal = next(d for d in self._doc().get("deals", []) if d["id"] == self.deal_id)
        return f"{slug(deal['name']) or 'deal'}-{slug(t('plan.file', self.lang))}.{extension}"
