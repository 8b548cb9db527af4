"""What the live parts of a screen draw, as plain data for the browser.

Why: the live parts (the process board with its notes, the round's countdown with who has
voted, the presenter's results) are drawn in the browser (:mod:`ui.live`), which applies each
change the event stream sends (:mod:`workshop.services.stream`) instead of rerunning the page.
They start from a *state*: what one viewer may see of one part, built here, given to the part
when the page is drawn and read again from ``/_kopkarta/live`` (:mod:`web.live`) after a
reconnect or a change the stream cannot describe element by element ("read again").

Every state is built from the map *as this viewer may see it* (:func:`viewer_snapshot`): a
round's hidden dots and others' notes of a hidden brainstorm are never in it. A state is plain
JSON: elements in the stream's own shape (``{"id", "kind", "parent", "pos", "data"}``), so the
browser keeps one table of elements, whatever brought them.

The *structure* (:func:`structure`) names what only a run of the page draws: the phase, a
summon, the current round and whether it is open or revealed, the lock, the workshop's
language. A part that finds it changed asks for a rerun of the page; everything else it draws
itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

from ..errors import Forbidden, NotFound
from ..memo import Memo
from ..model import rounds as R
from ..model.elements import Element
from ..model.facilitation import FacilitationState
from ..model.tallies import redact, round_of
from ..ports import Storage
from . import visibility
from .brainstorm import round_notes
from .facilitator import server_time
from .guard import GUARD, Caller, Guard
from .live import Snapshot, identify, presenter_access, snapshot
from .votes import rating_results, vote_results

#: the views a live part can be (see :mod:`ui.live`)
VIEWS: tuple[str, ...] = ("watch", "board", "clock", "results")


def element_json(el: Element) -> dict[str, Any]:
    """An element as the stream sends it (:mod:`workshop.model.change_messages`)."""
    return {"id": el.eid, "kind": el.kind, "parent": el.parent, "pos": el.pos, "data": el.data}


# -- who is asking ---------------------------------------------------------------------------
def viewer(store: Storage, token: str | None, workshop_id: str | None, code: str | None, *,
           caller: Caller | None = None, guard: Guard | None = None) -> tuple[str, str | None]:
    """(workshop, participant) of whoever asks for a live state or stream: a participant's token
    (of ``workshop_id`` when given), or the workshop's join code for the projector's view
    without joining (:func:`workshop.services.live.presenter_access`: it sees what someone who
    has not joined sees). Anything else raises :class:`Forbidden`.

    With a ``caller`` (the live routes: an address, no session) a wrong token or code is
    counted at the caller's address, and once the address is over its limit a wrong one raises
    :class:`TooManyAttempts` (429) instead. A right one is always answered: these secrets
    cannot be guessed (a token is 144 random bits; a code opens the stream only with the
    workshop's id), and a room's streams must not stop for a guesser at the room's address."""
    try:
        return _viewer(store, token, workshop_id, code)
    except Forbidden:
        if caller is not None:
            kind = "token" if token else "join"
            g = guard or GUARD
            g.check(kind, caller)  # past the limit: 429 (and not counted again)
            g.failed(kind, caller)
        raise


def _viewer(store: Storage, token: str | None, workshop_id: str | None, code: str | None) -> tuple[str, str | None]:
    if token:
        try:
            me = identify(store, token)
        except NotFound:
            raise Forbidden("this link is not valid for the live stream") from None
        if workshop_id and workshop_id != me.workshop_id:
            raise Forbidden("this link is not valid for the live stream")
        return me.workshop_id, me.participant_id
    if workshop_id and code and presenter_access(store, workshop_id, code):
        return workshop_id, None
    raise Forbidden("this link is not valid for the live stream")


def viewer_snapshot(store: Storage, workshop_id: str, participant_id: str | None) -> tuple[Snapshot, visibility.Hidden]:
    """The current map without what rounds still hide from this viewer, and what they hide."""
    snap = snapshot(store, workshop_id)
    hidden = visibility.hidden(store, workshop_id, participant_id)
    if not hidden:
        return snap, hidden
    return _redacted(snap, hidden, participant_id), hidden


_redactions: Memo[Snapshot] = Memo(64)


def _redacted(snap: Snapshot, hidden: visibility.Hidden, viewer_id: str | None) -> Snapshot:
    def build() -> Snapshot:
        doc = redact(snap.doc, hidden.rounds, hidden.notes, viewer_id)
        elements = {eid: el for eid, el in snap.elements.items() if eid not in hidden.notes}
        if hidden.rounds:  # others' dots of a hidden vote: not in the elements either
            elements = {
                eid: el for eid, el in elements.items()
                if not (el.kind == "vote" and round_of(el.data) in hidden.rounds and el.data.get("participant") != viewer_id)
            }
        return replace(snap, doc=doc, elements=elements)

    # one per viewer and change: what is hidden differs by viewer (everyone keeps their own)
    return _redactions.get((snap.origin, snap.version, hidden, viewer_id), build)


# -- what a page's structure is --------------------------------------------------------------
def structure(state: FacilitationState, language: str) -> str:
    """A short name of what only a run of the page draws (see the module's docstring); equal
    on every screen of a workshop at the same moment."""
    r = state.current_round
    parts = (
        state.agenda, state.phase, state.summon, state.summon_page, state.read_only_reason,
        (r.no, r.kind, r.is_open, r.revealed) if r is not None else None, language,
    )
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:16]


def current_structure(store: Storage, workshop_id: str) -> str | None:
    """The workshop's :func:`structure` now (``None``: the workshop is gone). Cheap: the safety
    net of every screen asks it (one row, not the map)."""
    try:
        language = store.workshop(workshop_id).data.get("language", "en")
    except NotFound:
        return None
    return structure(store.facilitation(workshop_id), language)


#: how far back in the change log :func:`moved` looks for the viewer's own changes
MOVED_LOOKBACK = 20


def moved(store: Storage, workshop_id: str, drawn: Snapshot, kinds: tuple[str, ...] | None, actor: str | None) -> bool:
    """Whether a page must be drawn again at once, at the end of its run: ``kinds`` ``None``
    (a page drawn by Streamlit alone): the map moved on since ``drawn`` in anything everyone
    sees; else: ``actor`` (the viewer) changed an element of one of ``kinds`` since (a form of
    the page added a stage). Others' changes reach a page with live parts by the stream."""
    if store.version(workshop_id) == drawn.version:
        return False
    if kinds is None:
        return store.public_version(workshop_id) != drawn.public
    recent = store.events(workshop_id, limit=MOVED_LOOKBACK)
    newer = [e for e in recent if e["seq"] > drawn.version]
    if len(newer) == len(recent):  # more happened than it looked at: draw again to be sure
        return True
    return any(e["actor"] == actor and e["kind"] in kinds for e in newer)


# -- the parts' states -----------------------------------------------------------------------
def board_state(snap: Snapshot, segment_id: str) -> dict[str, Any]:
    """What the process board of one segment draws: the segment's stages, their steps, the
    segment's roles (a step's owner), the notes about any of these, and the participants (a
    note's author)."""
    stages = snap.of_kind("stage", segment_id)
    stage_ids = {s.eid for s in stages}
    steps = [el for el in snap.elements.values() if el.kind == "step" and el.parent in stage_ids]
    about = {segment_id} | stage_ids | {s.eid for s in steps}
    notes = [el for el in snap.elements.values() if el.kind == "note" and el.data.get("about") in about]
    people = [el for el in snap.elements.values() if el.kind == "participant"]
    roles = snap.of_kind("role", segment_id)
    elements = [element_json(el) for group in (stages, steps, roles, notes, people) for el in group]
    return {"v": snap.version, "segment": segment_id, "elements": elements}


def round_state(
    store: Storage, workshop_id: str, snap: Snapshot, viewer_id: str | None = None, *, results: bool = False
) -> dict[str, Any]:
    """The current round as a screen draws it live: its countdown as of the server's clock
    (the browser ticks on from there), who has taken part so far (never what they chose), who
    is in the workshop, and with ``results`` what the round shows everyone now (after the
    reveal; a brainstorm's notes while they are not hidden)."""
    now = server_time(None, store)
    r = store.facilitation(workshop_id).current_round
    people = sorted(el.eid for el in snap.elements.values() if el.kind == "participant")
    out: dict[str, Any] = {"v": snap.version, "people": people, "round": None}
    if r is None:
        return out
    cd = R.countdown(r, now)  # fresh on every read: a state read later must not run late
    out["round"] = {
        "no": r.no, "kind": r.kind, "target": r.target, "open": r.is_open, "revealed": r.revealed,
        "hides": r.hides, "duration": r.duration, "remaining": cd.remaining, "running": cd.running,
        "paused": cd.paused, "time_up": cd.time_up,
    }
    # who has taken part, and the results: read from the database once per change
    key = (snap.origin, snap.version, r, viewer_id if results and r.kind == "brainstorm" else None, results)
    out.update(_round_reads.get(key, lambda: _reads(store, workshop_id, r, snap, viewer_id, results)))
    return out


_round_reads: Memo[dict[str, Any]] = Memo(64)


def _reads(store: Storage, workshop_id: str, r: R.Round, snap: Snapshot, viewer_id: str | None, results: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"voted": sorted(participation(store, workshop_id, r))}
    if results:
        out["results"] = _results(store, workshop_id, r, snap, viewer_id)
    return out


def participation(store: Storage, workshop_id: str, r: R.Round) -> frozenset[str]:
    """Who has taken part in a round so far: put a dot, rated, or posted a note (who, never
    what); empty for a plain timed round."""
    if r.kind == "vote":
        return frozenset(v.data["participant"] for v in store.round_votes(workshop_id, r.no) if int(v.data.get("dots", 0)) > 0)
    if r.kind == "rating":
        return frozenset(row[0] for row in store.ratings(workshop_id, r.no) if row[3] is not None)
    if r.kind == "brainstorm":
        return frozenset(poster for no, _note, poster in store.round_notes(workshop_id, r.no) if no == r.no)
    return frozenset()


def _results(store: Storage, workshop_id: str, r: R.Round, snap: Snapshot, viewer_id: str | None) -> dict[str, Any] | None:
    """What the round shows everyone now: nothing while it hides its contributions."""
    if r.kind == "brainstorm":  # the stream brings the round's new notes (tagged with it) and new people
        notes = round_notes(store, workshop_id, r.no, viewer_id)
        names = {el.eid: el.data.get("name", el.eid) for el in snap.elements.values() if el.kind == "participant"}
        return {"kind": "notes", "hidden": r.concealed, "names": names, "notes": [
            {"id": n.id, "author": n.author, "text": n.text} for n in notes
        ]}
    if r.concealed or r.kind not in ("vote", "rating"):
        return None
    if r.kind == "vote":
        res = vote_results(store, workshop_id, r.no)
        return {"kind": "vote", "voters": res.voters, "dots": res.dots, "lines": [
            {"about": line.about, "label": snap.label(line.about, 90), "dots": line.total, "voters": line.voters,
             "by_function": line.by_function}
            for line in res.lines
        ]}
    spreads = rating_results(store, workshop_id, r.no)
    return {"kind": "rating", "lines": [
        {"about": s.about, "label": snap.label(s.about, 80), "field": s.field, "mean": s.overall.mean,
         "low": s.overall.low, "high": s.overall.high, "n": s.overall.n,
         "by_function": {fn: v.mean for fn, v in s.by_function.items()}}
        for s in spreads
    ]}


# -- the state the browser reads again -------------------------------------------------------
_states: Memo[bytes] = Memo(256)


def state_json(store: Storage, workshop_id: str, participant_id: str | None, view: str, segment: str | None) -> bytes:
    """``/_kopkarta/live``'s answer: the part's state and the page's :func:`structure`, as
    JSON bytes. Only the board draws map elements, so only it needs the map as this viewer may
    see it (the round's parts ask the round's own reads, which keep what is hidden hidden)."""
    if view not in VIEWS:
        raise NotFound(f"no live view '{view}'")
    if view == "board":
        snap, hidden = viewer_snapshot(store, workshop_id, participant_id)
        return board_json(snap, hidden, participant_id, segment, structure(store.facilitation(workshop_id), snap.language))
    snap = snapshot(store, workshop_id)
    head = {"structure": structure(store.facilitation(workshop_id), snap.language)}
    if view in ("clock", "results"):
        return _dump({**head, "state": round_state(store, workshop_id, snap, participant_id, results=view == "results")})
    return _dump({**head, "state": {"v": snap.version}})


def board_json(snap: Snapshot, hidden: visibility.Hidden, viewer_id: str | None, segment: str | None, structure_: str) -> bytes:
    """The board's answer from a viewer's map (:func:`viewer_snapshot`; a page passes the one it
    drew): built once per change for all who see the same map."""
    seg = segment if segment and any(s["id"] == segment for s in snap.doc["segments"]) else snap.doc["segments"][0]["id"]
    key = ("board", snap.origin, snap.version, hidden, viewer_id if hidden else None, seg, structure_)
    return _states.get(key, lambda: _dump({"structure": structure_, "state": board_state(snap, seg)}))


def _dump(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
