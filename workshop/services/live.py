"""The live workshop: create, join, recognise a participant again, and read the current map.

Many browser sessions look at the same workshop; :func:`snapshot` reads the map once per change
(cached by the workshop's change counter) and every session shares that read.
"""

from __future__ import annotations

from collections.abc import Mapping

import secrets
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..errors import BadInput, NotFound
from ..i18n import LANGUAGES
from ..memo import Memo
from ..model import limits
from ..model.elements import Element, assemble
from ..model.reader import read_map
from ..ports import Storage
from ..templates import TEMPLATES, template_map
from .guard import Caller, guarded
from .maps import import_document

FUNCTIONS = ("sales", "product", "marketing", "management", "customer_success", "other")


@dataclass(frozen=True)
class Identity:
    """Who is using this browser: a participant of a workshop, and the token that proves it."""

    workshop_id: str
    participant_id: str
    name: str
    token: str


@dataclass(frozen=True)
class NewWorkshop:
    workshop_id: str
    join_code: str
    facilitator_key: str
    me: Identity


@dataclass(frozen=True)
class Snapshot:
    """The map as of one change number, with each element's version (for stale-edit checks)."""

    version: int
    doc: dict[str, Any]
    elements: dict[str, Element] = field(repr=False)
    #: the public change number (:meth:`Storage.public_version`) when the read began: the
    #: snapshot holds every change that everyone sees up to it (see :func:`public_snapshot`)
    public: int = 0
    #: which store and workshop it was read from (:func:`_origin`); with :attr:`version` it
    #: names the snapshot's content, for what is built from it (the board's cards)
    origin: tuple = ()

    @property
    def language(self) -> str:
        return self.doc["workshop"].get("language", "en")

    def element(self, eid: str) -> Element | None:
        return self.elements.get(eid)

    def of_kind(self, kind: str, parent: str | None = ...) -> list[Element]:  # type: ignore[assignment]
        """Elements of a kind (under ``parent`` when given), in map order."""
        out = [e for e in self.elements.values() if e.kind == kind and (parent is ... or e.parent == parent)]
        return sorted(out, key=lambda e: e.pos)

    def segment(self, segment_id: str) -> dict[str, Any]:
        for seg in self.doc["segments"]:
            if seg["id"] == segment_id:
                return seg
        raise NotFound(f"no segment '{segment_id}'")

    def notes_about(self, eid: str) -> list[dict[str, Any]]:
        return self._notes_by_about.get(eid, [])

    @cached_property
    def _notes_by_about(self) -> dict[str, list[dict[str, Any]]]:
        """The notes per element they are about, in map order (built once per snapshot: a page
        asks this for every stage and step it draws)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for n in self.doc.get("notes", []):
            if n.get("about"):
                out.setdefault(n["about"], []).append(n)
        return out

    def label(self, eid: str, limit: int = 60) -> str:
        """A plain-text label of any element (its name or text), shortened."""
        el = self.elements.get(eid)
        if el is None:
            return eid
        text = str(el.data.get("name") or el.data.get("text") or eid)
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def participant_name(self, pid: str | None) -> str:
        el = self.elements.get(pid or "")
        return el.data.get("name", pid) if el is not None and el.kind == "participant" else (pid or "")


#: what a one-line field is called in an error: English, and its i18n key
_LINES = {"name": ("your name", "error.field.name"), "title": ("the title", "error.field.title")}


def _clean_line(text: str, field: str, limit: int = 200) -> str:
    what, what_key = _LINES[field]
    text = " ".join((text or "").split())
    if not text:
        raise BadInput(f"{what} is empty", key="error.empty", what=what_key)
    if len(text) > limit:
        raise BadInput(f"{what} is longer than {limit} characters", key="error.too_long", what=what_key, limit=limit)
    return text


def create_workshop(
    store: Storage,
    *,
    title: str,
    language: str,
    template: str,
    name: str,
    function: str,
    question: str | None = None,
    offering: str | None = None,
    upload: bytes | None = None,
) -> NewWorkshop:
    """A new workshop from a template or an uploaded map file; its creator joins it at once."""
    if language not in LANGUAGES:
        raise BadInput(f"unknown language '{language}'")
    if function not in FUNCTIONS:
        raise BadInput(f"unknown function '{function}'")
    name = _clean_line(name, "name")
    if upload is not None:
        doc = read_map(upload)
        if len(doc.get("participants", [])) >= limits.PARTICIPANTS.limit:  # its creator joins it
            raise limits.no_room(limits.PARTICIPANTS)
    else:
        if template not in TEMPLATES:
            raise BadInput(f"unknown starting point '{template}'")
        title = _clean_line(title, "title")
        question = " ".join((question or "").split())[:4000] or None
        offering = " ".join((offering or "").split())[:200] or None
        doc = template_map(template, workshop_id="w-new", title=title, lang=language, question=question, offering=offering)
    doc = {**doc, "workshop": {**doc["workshop"], "id": _fresh_id(store)}}
    imported = import_document(store, doc, mode="new", actor=None)
    me = _join_as(store, imported.workshop_id, name, function)
    return NewWorkshop(imported.workshop_id, imported.created.join_code, imported.created.facilitator_key, me)


def join(store: Storage, code: str, name: str, function: str = "other", *,
         known: Mapping[str, str] | None = None, caller: Caller | None = None) -> Identity:
    """Join a workshop by its code; a wrong code says only that it is wrong.

    ``known``: the participant tokens this browser kept, by workshop id. Someone who already
    joined this workshop from this browser under the same name is that participant again (a
    join link opened twice, a QR code scanned again) instead of a new one (issue 18: one
    workshop had 22 rows for one person). Another name from the same browser is another person
    (a shared laptop). An ended workshop lets its participants back in to read, and no one new.

    ``caller``: the browser session and address trying the code; wrong codes are counted and
    too many refused with :class:`~workshop.services.guard.TooManyAttempts` (issue 18).
    """
    if function not in FUNCTIONS:
        function = "other"
    workshop_id = guarded("join", caller, lambda: store.find_by_join_code(code or ""))
    name = _clean_line(name, "name")
    token = (known or {}).get(workshop_id)
    if token:
        try:
            again = identify(store, token)
        except NotFound:
            again = None
        if again is not None and again.workshop_id == workshop_id and again.name.casefold() == name.casefold():
            return again
    return _join_as(store, workshop_id, name, function)


def join_code(store: Storage, workshop_id: str) -> str:
    """The code people join the workshop with (shown to those already in it)."""
    return store.workshop(workshop_id).join_code


def presenter_access(store: Storage, workshop_id: str, code: str | None, *, caller: Caller | None = None) -> bool:
    """Whether ``code`` opens the projector's view of ``workshop_id`` without joining: it must
    be that workshop's join code (a wrong code, or another workshop's, opens nothing; with a
    ``caller`` it counts as a wrong join code, :mod:`workshop.services.guard`)."""
    if not workshop_id or not code:
        return False

    def opens() -> bool:
        try:
            return store.find_by_join_code(code) == workshop_id
        except NotFound:
            return False

    return guarded("join", caller, opens)


def version(store: Storage, workshop_id: str) -> int:
    """The workshop's change counter (every change, hidden dots included): cheap, for polling."""
    return store.version(workshop_id)


def public_version(store: Storage, workshop_id: str) -> int:
    """The number of the last change everyone sees (:meth:`Storage.public_version`): cheap, what
    a participant's page polls and is pushed by."""
    return store.public_version(workshop_id)


def identify(store: Storage, token: str) -> Identity:
    """The participant a token belongs to (after a reload); NotFound when it is not valid."""
    workshop_id, participant_id = store.participant_for_token(token)
    snap = snapshot(store, workshop_id)
    return Identity(workshop_id, participant_id, snap.participant_name(participant_id), token)


def _join_as(store: Storage, workshop_id: str, name: str, function: str) -> Identity:
    participant, token = store.add_participant(workshop_id, {"name": name, "function": function})
    return Identity(workshop_id, participant.eid, name, token)


def _fresh_id(store: Storage) -> str:
    while True:
        candidate = f"w-{secrets.token_hex(4)}"
        if not store.exists(candidate):
            return candidate


# -- the shared read of the current map ------------------------------------------------------
#: the maps read, by (origin, change number). A read under way is shared: the first session to
#: miss a version reads it, the others wait for that read instead of running the same one (in a
#: vote every dot is a new version, and a full room's pages then missed it together: a third of
#: the reads were the same read again). A read that takes over five seconds is not waited for.
_snapshots: Memo[Snapshot] = Memo(64, patience=5.0)


def _origin(store: Storage, workshop_id: str) -> tuple:
    """Which store and workshop a snapshot comes from: where its data lives too, as a store
    opened later may get the id of a closed one (tests open many)."""
    return (id(store), store.where, workshop_id)


def snapshot(store: Storage, workshop_id: str) -> Snapshot:
    """The current map, read once per change and shared by every session in the process."""
    origin = _origin(store, workshop_id)
    return _snapshots.get((origin, store.version(workshop_id)), lambda: _read(store, workshop_id, origin))


def _read(store: Storage, workshop_id: str, origin: tuple) -> Snapshot:
    public = store.public_version(workshop_id)  # before the read: the read holds at least this
    version, workshop, lists, elements = store.load_versioned(workshop_id)
    snap = Snapshot(version, assemble(workshop, lists, elements), {e.eid: e for e in elements}, public, origin)
    # the map may have moved on since the version was asked: remember it under the one it holds
    _snapshots.put((origin, version), snap)
    return snap


def public_snapshot(store: Storage, workshop_id: str, public: int, *, not_before: int = 0) -> Snapshot:
    """A map that holds every change that everyone sees up to ``public`` (a public change
    number) and is not older than change ``not_before`` (what the page drew last, so that it
    never goes back): the newest snapshot already read that does, else :func:`snapshot`.

    For a page redrawn because somebody else changed the map: it needs the others' changes,
    not the newest hidden dot. During a vote every dot is a new change number, and each page
    redrawn for a new step then read the whole map anew (tens of reads a second in a full room,
    each longer as the map grows); now they share the read that has the step. A viewer's own
    hidden dots and notes may be missing from it: the page's own runs use :func:`snapshot`."""
    origin = _origin(store, workshop_id)
    fit = [s for s in _snapshots.values() if s.origin == origin and s.public >= public and s.version >= not_before]
    return max(fit, key=lambda s: s.version) if fit else snapshot(store, workshop_id)
