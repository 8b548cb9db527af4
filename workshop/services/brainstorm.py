"""Brainstorm rounds: participants post sticky notes; the facilitator triages each into the map.

A note posted in an anonymous round has no author in the map; in a hidden round the others'
notes are served only after the reveal, or to the facilitator's key (:func:`round_notes`).
Triage turns a note into a stage, step, role, motive, objection, USP or action in one change,
and keeps the note pointing at what it became.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import BadInput, NotFound
from ..model.elements import Element
from ..model.kinds import TRIAGE_PARENT, TRIAGE_TEXT
from ..ports import Storage
from .editing import ensure_writable
from .facilitator import Facilitator, authorise, is_facilitator
from .live import Identity, snapshot


NOTE_LIMIT = 4000


def post_note(store: Storage, me: Identity, round_no: int, text: str, about: str | None = None) -> Element:
    """Post a sticky note in a brainstorm round (without author when the round is anonymous)."""
    ensure_writable(store, me.workshop_id)
    text = (text or "").strip()
    if not text:
        raise BadInput("the note is empty")
    if len(text) > NOTE_LIMIT:
        raise BadInput(f"a note is at most {NOTE_LIMIT} characters")
    return store.post_note(me.workshop_id, round_no, text, poster=me.participant_id, about=about or None, respect_lock=True)


@dataclass(frozen=True)
class RoundNote:
    """A brainstorm note as a viewer may see it: ``author`` is ``None`` for an anonymous note,
    ``mine`` tells the viewer their own notes (the poster of others' notes is never shown)."""

    id: str
    text: str
    author: str | None
    about: str | None
    mine: bool
    version: int


def round_notes(
    store: Storage, workshop_id: str, round_no: int, viewer: str | None = None, *, key: str | None = None
) -> list[RoundNote]:
    """The round's notes the viewer may see: all of them once revealed, in an open brainstorm
    or for the facilitator's key; otherwise only the viewer's own."""
    r = store.facilitation(workshop_id).round(round_no)
    if r.kind != "brainstorm":
        raise BadInput(f"round {round_no} is not a brainstorm")
    everything = not r.concealed or is_facilitator(store, workshop_id, key)
    out = []
    for _, note, poster in store.round_notes(workshop_id, round_no):
        mine = viewer is not None and poster == viewer
        if everything or mine:
            data = note.data
            out.append(RoundNote(note.eid, data["text"], data.get("author"), data.get("about"), mine, note.version))
    return out


_LINE = 200


def made_from(snap, note) -> Any:
    """The element this note was turned into (its ``about``, of a kind a note becomes, holding
    the note's text), or None: the console offers to triage a note once (issue 17)."""
    about = snap.element(note.about) if getattr(note, "about", None) else None
    if about is None or about.kind not in TRIAGE_TEXT:
        return None
    text = " ".join(str(note.text).split())
    mine = " ".join(str(about.data.get(TRIAGE_TEXT[about.kind]) or "").split())
    return about if mine == text or (mine.endswith("…") and text.startswith(mine[:-1])) else None


def triage(
    store: Storage,
    fac: Facilitator,
    note_id: str,
    kind: str,
    parent: str | None = None,
    fields: dict[str, Any] | None = None,
) -> tuple[Element, Element]:
    """Turn a note into an element of the map in one change: the note's text becomes the
    element's text (or name, cut to a line), the element is credited to the note's author (the
    facilitator for an anonymous note), and the note is kept, with ``about`` pointing at the new
    element, so the map shows where each sticky note went. A stage, role, motive or objection
    goes into ``parent`` (a segment; default: the only segment), a step into ``parent`` (a
    stage). Returns (the new element, the note)."""
    authorise(store, fac)
    if kind not in TRIAGE_TEXT:
        raise BadInput(f"a note can become a {', '.join(TRIAGE_TEXT)}")
    snap = snapshot(store, fac.workshop_id)
    note = snap.element(note_id)
    if note is None or note.kind != "note":
        raise NotFound(f"no note '{note_id}'")
    text_field = TRIAGE_TEXT[kind]
    text = note.data["text"]
    if text_field == "name":
        text = " ".join(text.split())
        if len(text) > _LINE:
            text = text[: _LINE - 1] + "…"
    data = {text_field: text, **(fields or {})}
    if parent is None and TRIAGE_PARENT[kind] == "segment":
        segments = snap.doc["segments"]
        if len(segments) != 1:
            raise BadInput("choose the segment the new element belongs to")
        parent = segments[0]["id"]
    return store.triage_note(fac.workshop_id, note_id, kind, data, parent, actor=fac.participant_id)
