"""What the rest of the program needs of storage: the ports, as small typed Protocols.

Why: the same rules (references, undo, stale edits, rounds and their dot budgets) must hold on
every storage engine, the embedded DuckDB file and, for the server setup, PostgreSQL. So the
rules are written once against :class:`Transaction` (:mod:`workshop.rules`), and an engine is an
*adapter* that implements these ports and turns their calls into its SQL
(:mod:`workshop.store.duckdb`; a test fake keeps everything in dictionaries). Services and pages
are typed against :class:`Storage`, never against an adapter's class.

The four ports:

* :class:`ReadSide`: snapshots of a workshop, lists and queries (a page's reads).
* :class:`Writer`: hand a *job* (a function of a :class:`Transaction`) to the engine, which runs
  it in one transaction and returns its result once committed; :class:`Commands` are the
  write use cases, each one job of :mod:`workshop.rules`.
* :class:`Transaction`: what a job may do inside that transaction: get, insert, update, delete,
  the elements that may refer to others, and record an event. Nothing engine-specific leaks
  out: rows come back as :class:`~workshop.model.elements.Element` and domain values.
* :class:`ChangeFeed`: each workshop's change number and public change number, the
  facilitation state, and a way to be told of a change (the live push follows it).

To add an engine: implement :class:`ReadSide`, :class:`ChangeFeed` and ``submit`` of
:class:`Writer` (with a :class:`Transaction` for the jobs), inherit the write use cases from
:class:`workshop.rules.commands.Commands`, and register its URL scheme in
:func:`workshop.store.open_store`. ``tests/fake_store.py`` is the smallest complete example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .model.elements import Element, Flattened
from .model.facilitation import FacilitationState
from .model.rounds import Round

if TYPE_CHECKING:  # the index is a rules value; only its type is named here
    from .rules.index import MapIndex

T = TypeVar("T")


# -- values that cross the ports -------------------------------------------------------------
@dataclass(frozen=True)
class WorkshopInfo:
    id: str
    join_code: str
    data: dict[str, Any]
    lists: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class WorkshopSummary:
    id: str
    title: str
    language: str
    join_code: str
    counts: dict[str, int]
    last_change: datetime | None
    version: int


@dataclass(frozen=True)
class Created:
    id: str
    join_code: str
    facilitator_key: str  # shown once; only its hash is stored


@dataclass(frozen=True)
class LoggedChange:
    """One event of the change log, as undo needs it (``before``/``after``: element snapshots)."""

    seq: int
    op: str
    kind: str | None
    eid: str | None
    before: Any
    after: Any


#: told after each commit that changed a workshop: (workshop id, change number, public change
#: number, the changes everyone may see, in order; none for a commit of hidden dots only)
Listener = Callable[[str, int, int, "tuple[LoggedChange, ...]"], None]


# -- the transaction a job works in ----------------------------------------------------------
class Transaction(Protocol):
    """Inside one write transaction. Every read sees every earlier write of the transaction
    (earlier jobs of the same group included); nothing is visible to others before the commit,
    and a job that raises leaves nothing behind."""

    #: state the jobs of one transaction share (e.g. a facilitation state not committed yet)
    scratch: dict[Any, Any]

    # the map's elements
    def workshop_exists(self, workshop_id: str) -> bool: ...
    def index(self, workshop_id: str) -> "MapIndex":
        """Every element's id, kind, parent, position and version (NotFound: no workshop); it
        follows every insert, update and delete of the transaction."""
        ...
    def get(self, workshop_id: str, eid: str) -> Element | None: ...
    def get_many(self, workshop_id: str, eids: Iterable[str]) -> dict[str, Element]: ...
    def of_kinds(self, workshop_id: str, kinds: Sequence[str]) -> list[Element]:
        """Every element of these kinds (what may refer to an element about to go)."""
        ...
    def votes_of(self, workshop_id: str, participant: str) -> list[Element]:
        """The vote elements a participant cast, every round."""
        ...
    def top_vote_round(self, workshop_id: str) -> int:
        """The highest round number any vote of the map names (0 when none)."""
        ...
    def insert(self, workshop_id: str, el: Element, version: int, author: str | None) -> None: ...
    def update(self, workshop_id: str, el: Element, version: int, author: str | None) -> None:
        """Write ``el``'s fields and position over the stored element of its id."""
        ...
    def reposition(self, workshop_id: str, eid: str, pos: float) -> None:
        """Move an element in its list without a new version (a list renumbered)."""
        ...
    def delete(self, workshop_id: str, eids: Sequence[str]) -> None: ...

    # the change log
    def version(self, workshop_id: str) -> int:
        """The workshop's change number as this transaction sees it."""
        ...
    def record(
        self,
        workshop_id: str,
        actor: str | None,
        op: str,
        kind: str | None,
        eid: str | None,
        before: Any,
        after: Any,
        undoes: int | None = None,
    ) -> int:
        """Append one event; returns its number (the workshop's next change number)."""
        ...
    def privately(self, private: bool = True) -> AbstractContextManager[None]:
        """Events recorded inside move the change number but not the public one (a dot or a
        rating that a round still hides)."""
        ...
    def last_undoable(self, workshop_id: str, actor: str, ops: Sequence[str]) -> LoggedChange | None:
        """The actor's newest event of one of ``ops`` that no later event undoes."""
        ...
    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the transaction has committed (never after a rollback)."""
        ...

    # workshops as wholes
    def join_code_of(self, workshop_id: str) -> str | None: ...
    def join_codes(self) -> set[str]: ...
    def workshop_doc(self, workshop_id: str) -> tuple[dict[str, Any], tuple[str, ...], int]:
        """The workshop object, its present top-level lists and how many elements it has."""
        ...
    def insert_workshop(
        self, workshop_id: str, join_code: str, key_hash: str, data: dict[str, Any], lists: Sequence[str]
    ) -> None: ...
    def replace_workshop(self, workshop_id: str, data: dict[str, Any], lists: Sequence[str]) -> None:
        """New workshop object and lists; every element removed (an import over it)."""
        ...
    def delete_workshop(self, workshop_id: str) -> None:
        """The workshop and everything of it: elements, tokens, facilitation, ratings, notes."""
        ...
    def add_token(self, token_hash: str, workshop_id: str, participant_id: str) -> None: ...
    def share_plan(self, token_hash: str, workshop_id: str, deal_id: str) -> None:
        """Store the hash of the deal plan's link (ending the deal's link before it)."""
        ...
    def revoke_plan(self, workshop_id: str, deal_id: str) -> None:
        """End the deal plan's link."""
        ...

    # facilitation
    def facilitation(self, workshop_id: str) -> FacilitationState:
        """The state as this transaction sees it (earlier jobs of the group included)."""
        ...
    def save_facilitation(self, workshop_id: str, seq: int, state: FacilitationState) -> None:
        """Store the workshop's new state, written by event ``seq``."""
        ...
    def save_round(self, workshop_id: str, seq: int, rnd: Round, state: FacilitationState) -> None:
        """Store one round's new state (and ``state``, the workshop's state holding it)."""
        ...
    def add_rating(
        self, workshop_id: str, round_no: int, participant: str, about: str, field: str, value: int | None, seq: int
    ) -> None: ...
    def add_round_note(self, workshop_id: str, round_no: int, note_id: str, poster: str, seq: int) -> None: ...


# -- the four ports the services see ---------------------------------------------------------
class Writer(Protocol):
    def submit(self, job: Callable[[Transaction], T]) -> T:
        """Run ``job`` in a write transaction; returns its result once committed (an
        acknowledged write is durable), or raises what the job raised (nothing written)."""
        ...


class ChangeFeed(Protocol):
    def version(self, workshop_id: str) -> int:
        """The workshop's change number: moves by one on every committed change. Cheap."""
        ...
    def public_version(self, workshop_id: str) -> int:
        """The number of the last change everyone sees (a hidden dot does not move it). Cheap."""
        ...
    def facilitation(self, workshop_id: str) -> FacilitationState:
        """Agenda, phase, summon, lock and rounds as committed. Cheap."""
        ...
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(workshop_id, version, public_version, public_changes)`` after each
        commit that changed a workshop, once per commit and in commit order (on the committing
        thread, or on the engine's own feed thread when other processes commit too: it must not
        block); returns the function that unsubscribes. What a round hides is never in
        ``public_changes``."""
        ...
    def clock(self) -> float:
        """Now, in seconds since the epoch, on the clock every process of this database agrees
        on (rounds' deadlines and countdowns)."""
        ...


class ReadSide(Protocol):
    path: Path | None  # the database file, if it is one
    where: str  # where the data lives, for messages and cache keys (a path, or a URL without its password)

    def workshop(self, workshop_id: str) -> WorkshopInfo: ...
    def exists(self, workshop_id: str) -> bool: ...
    def elements(self, workshop_id: str, kind: str | None = None) -> list[Element]: ...
    def element(self, workshop_id: str, eid: str) -> Element: ...
    def list_workshops(self) -> list[WorkshopSummary]: ...
    def find_by_join_code(self, code: str) -> str: ...
    def check_facilitator_key(self, workshop_id: str, key: str) -> bool: ...
    def events(self, workshop_id: str, limit: int | None = None) -> list[dict[str, Any]]: ...
    def load(self, workshop_id: str) -> tuple[dict[str, Any], tuple[str, ...], list[Element]]: ...
    def load_versioned(self, workshop_id: str) -> tuple[int, dict[str, Any], tuple[str, ...], list[Element]]:
        """Like :meth:`load`, with the change number the read reflects (one transaction)."""
        ...
    def participant_for_token(self, token: str) -> tuple[str, str]: ...
    def plan_for_token(self, token: str) -> tuple[str, str, Any]:
        """(workshop id, deal id, when shared) of a deal plan's link."""
        ...
    def plan_shares(self, workshop_id: str) -> dict[str, Any]:
        """Deal id -> when its plan was shared."""
        ...
    def round_votes(self, workshop_id: str, round_no: int) -> list[Element]: ...
    def ratings(self, workshop_id: str, round_no: int) -> list[tuple[str, str, str, int | None]]: ...
    def round_notes(self, workshop_id: str, round_no: int | None = None) -> list[tuple[int, Element, str]]: ...
    # across workshops (the motive explorer): plain rows, see workshop.store.explore
    def explore_workshops(self, workshop_ids: Sequence[str]) -> list[tuple]: ...
    def explore_segments(self, workshop_ids: Sequence[str]) -> list[tuple]: ...
    def explore_roles(self, workshop_ids: Sequence[str]) -> list[tuple]: ...
    def explore_items(self, workshop_ids: Sequence[str], concealed_rounds: Sequence[str] = ()) -> list[tuple]: ...
    def explore_usps(self, workshop_ids: Sequence[str]) -> list[tuple]: ...


class Commands(Protocol):
    """The write use cases (implemented once, engine-neutral: :mod:`workshop.rules.commands`)."""

    def add(self, workshop_id: str, kind: str, data: dict[str, Any], *, parent: str | None = None,
            actor: str | None = None, index: int | None = None, respect_lock: bool = False) -> Element: ...
    def update(self, workshop_id: str, eid: str, changes: dict[str, Any], *, based_on: int,
               actor: str | None = None, respect_lock: bool = False) -> Element: ...
    def delete(self, workshop_id: str, eid: str, *, based_on: int | None = None, actor: str | None = None,
               respect_lock: bool = False) -> int: ...
    def move(self, workshop_id: str, eid: str, index: int, *, actor: str | None = None,
             respect_lock: bool = False) -> Element: ...
    def undo_last(self, workshop_id: str, actor: str, *, respect_lock: bool = False) -> dict[str, Any]: ...
    def add_plan_draft(self, workshop_id: str, deal_id: str, lines: list[dict[str, Any]], *,
                       actor: str | None = None) -> list[Element]: ...
    def share_plan(self, workshop_id: str, deal_id: str, *, actor: str | None = None) -> str: ...
    def revoke_plan(self, workshop_id: str, deal_id: str, *, actor: str | None = None) -> None: ...
    def import_map(self, flat: Flattened, *, replace: bool = False, actor: str | None = None) -> Created | None: ...
    def delete_workshop(self, workshop_id: str, actor: str | None = None) -> None: ...
    def add_participant(self, workshop_id: str, data: dict, *, actor: str | None = None) -> tuple[Element, str]: ...
    def change_facilitation(self, workshop_id: str, change: Callable[[FacilitationState], FacilitationState], *,
                            op: str, actor: str | None = None) -> FacilitationState: ...
    def start_round(self, workshop_id: str, make: Callable[[int], Round], *, now: float,
                    actor: str | None = None) -> Round: ...
    def change_round(self, workshop_id: str, round_no: int, change: Callable[[Round], Round], *, op: str,
                     actor: str | None = None) -> Round: ...
    def set_dots(self, workshop_id: str, round_no: int, participant: str, about: str, dots: int, *,
                 actor: str | None = None, respect_lock: bool = False) -> dict[str, int]: ...
    def rate(self, workshop_id: str, round_no: int, participant: str, about: str, field: str, value: int | None, *,
             actor: str | None = None, respect_lock: bool = False) -> None: ...
    def post_note(self, workshop_id: str, round_no: int, text: str, *, poster: str, about: str | None = None,
                  respect_lock: bool = False) -> Element: ...
    def triage_note(self, workshop_id: str, note_id: str, kind: str, data: dict[str, Any], parent: str | None, *,
                    actor: str | None = None) -> tuple[Element, Element]: ...
    def set_field(self, workshop_id: str, eid: str, field: str, value: Any, *, actor: str | None = None) -> Element: ...


class Storage(ReadSide, ChangeFeed, Writer, Commands, Protocol):
    """Everything a service may ask of storage: what :func:`workshop.store.open_store` returns."""

    def backup(self, target: Path | str) -> Path:
        """A consistent copy of the whole database."""
        ...
    def ping(self) -> None:
        """Raise :class:`workshop.errors.StoreError` when the database does not answer."""
        ...
    def close(self) -> None: ...
    def __enter__(self) -> "Storage": ...
    def __exit__(self, *exc: object) -> None: ...
