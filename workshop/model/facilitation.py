"""A live workshop's facilitation state: the agenda of phases, the current phase, the summon
counter, the lock, and its rounds (see :mod:`.rounds`).

Why a value of its own: every participant's screen polls this state twice a second (which
phase are we in, is there a countdown, has the facilitator asked everyone to come to a page),
so the store keeps the current state in memory as one immutable :class:`FacilitationState` and
swaps it after each commit. The transitions here are pure: each returns a new state or raises
:class:`workshop.errors.BadInput`, and the store persists whatever they return.

Two rules every screen applies to the state are here too, once, so the pages, the services and
the writer cannot disagree: "locked or ended means read-only" (:attr:`FacilitationState.read_only`,
:func:`refuse_if_read_only`) and where a summon takes a page (:func:`summon_target`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Sequence

from ..errors import BadInput, Conflict, Locked
from .rounds import Round

#: pages the agenda can hold (the map's working views), in the navigation's order
AGENDA_PAGES: tuple[str, ...] = (
    "process",
    "group",
    "motives",
    "friction",
    "consensus",
    "deals",
    "actions",
    "map",
    "insights",
)

#: stages -> buying group -> motives -> friction -> consensus -> actions
DEFAULT_AGENDA: tuple[str, ...] = ("process", "group", "motives", "friction", "consensus", "actions")

MAX_AGENDA = 20


@dataclass(frozen=True)
class FacilitationState:
    """Where the workshop is: ``phase`` indexes ``agenda`` (``None`` before the first phase).

    ``summon`` moves by one each time the facilitator brings everyone to ``summon_page``; a
    client remembers the last value it saw and, when the counter moves past it, switches to
    that page (a client that opens later starts from the current value and is not moved).
    """

    agenda: tuple[str, ...] = DEFAULT_AGENDA
    phase: int | None = None
    summon: int = 0
    summon_page: str | None = None
    locked: bool = False
    ended: bool = False
    rounds: tuple[Round, ...] = ()

    @property
    def page(self) -> str | None:
        """The current phase's page."""
        return self.agenda[self.phase] if self.phase is not None else None

    @property
    def read_only(self) -> bool:
        """Locked or ended: participants may look but not change the map (the facilitator still
        may; the lock is theirs)."""
        return self.read_only_reason is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why the map is read-only: ``"ended"`` (which wins: an ended workshop is locked too),
        ``"locked"``, or ``None``. The pages' banners are ``rounds.<reason>_banner``."""
        if self.ended:
            return "ended"
        if self.locked:
            return "locked"
        return None

    @property
    def current_round(self) -> Round | None:
        """The latest round started (still shown, with its results, after it ended)."""
        return self.rounds[-1] if self.rounds else None

    @property
    def open_round(self) -> Round | None:
        current = self.current_round
        return current if current is not None and current.is_open else None

    def round(self, no: int) -> Round:
        for r in self.rounds:
            if r.no == no:
                return r
        raise BadInput(f"no round {no} in this workshop")

    def with_round(self, new: Round) -> "FacilitationState":
        """This state with ``new`` replacing the round of its number (or appended)."""
        rounds = [r for r in self.rounds if r.no != new.no]
        rounds.append(new)
        return replace(self, rounds=tuple(sorted(rounds, key=lambda r: r.no)))

    # -- the persisted form (rounds are kept row by row, apart) --------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "agenda": list(self.agenda),
            "phase": self.phase,
            "summon": self.summon,
            "summon_page": self.summon_page,
            "locked": self.locked,
            "ended": self.ended,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], rounds: Iterable[Round] = ()) -> "FacilitationState":
        return cls(
            agenda=tuple(data.get("agenda") or DEFAULT_AGENDA),
            phase=data.get("phase"),
            summon=int(data.get("summon") or 0),
            summon_page=data.get("summon_page"),
            locked=bool(data.get("locked")),
            ended=bool(data.get("ended")),
            rounds=tuple(sorted(rounds, key=lambda r: r.no)),
        )


# -- transitions ---------------------------------------------------------------------------------
def with_agenda(state: FacilitationState, pages: Sequence[str]) -> FacilitationState:
    """A new agenda; the current phase stays on its page if the page is still on the agenda,
    and is cleared otherwise. A page may appear twice (a group may come back to the process)."""
    pages = tuple(pages)
    if not pages:
        raise BadInput("the agenda needs at least one phase")
    if len(pages) > MAX_AGENDA:
        raise BadInput(f"the agenda can have at most {MAX_AGENDA} phases")
    unknown = [p for p in pages if p not in AGENDA_PAGES]
    if unknown:
        raise BadInput(f"'{unknown[0]}' cannot be a phase; choose from {', '.join(AGENDA_PAGES)}")
    phase = None
    if state.page is not None and state.page in pages:
        phase = pages.index(state.page)
    return replace(state, agenda=pages, phase=phase)


def with_phase(state: FacilitationState, phase: int | str) -> FacilitationState:
    """Move to a phase, given by its position in the agenda or by its page (first match)."""
    if isinstance(phase, str):
        if phase not in state.agenda:
            raise BadInput(f"'{phase}' is not on the agenda")
        phase = state.agenda.index(phase)
    if not isinstance(phase, int) or isinstance(phase, bool) or not 0 <= phase < len(state.agenda):
        raise BadInput(f"the agenda has phases 1 to {len(state.agenda)}")
    return replace(state, phase=phase)


def stepped(state: FacilitationState, step: int) -> FacilitationState:
    """The next (``step`` 1) or previous (-1) phase; before the first phase, next is the first."""
    first, last = 0, len(state.agenda) - 1
    target = (first if step > 0 else last) if state.phase is None else state.phase + step
    if not 0 <= target < len(state.agenda):
        raise Conflict("there is no next phase" if step > 0 else "there is no previous phase")
    return replace(state, phase=target)


def summoned(state: FacilitationState, page: str | None = None) -> FacilitationState:
    """Bring everyone to ``page`` (default: the current phase's page)."""
    page = page or state.page
    if page is None:
        raise BadInput("choose a phase (or a page) to bring everyone to")
    if page not in AGENDA_PAGES:
        raise BadInput(f"'{page}' is not a page everyone can be brought to")
    return replace(state, summon=state.summon + 1, summon_page=page)


def with_lock(state: FacilitationState, locked: bool) -> FacilitationState:
    """Lock or unlock; unlocking an ended workshop reopens it."""
    return replace(state, locked=locked, ended=state.ended and locked)


def ended(state: FacilitationState) -> FacilitationState:
    """Ended = locked and marked ended."""
    return replace(state, locked=True, ended=True)


# -- rules every screen applies ------------------------------------------------------------------
_READ_ONLY = {
    "ended": "the workshop has ended: it is read-only now",
    "locked": "the workshop is locked: it is read-only until the facilitator unlocks it",
}


def refuse_if_read_only(state: FacilitationState) -> None:
    """Raise :class:`Locked` (saying why) when a participant's change must be refused."""
    reason = state.read_only_reason
    if reason is not None:
        raise Locked(_READ_ONLY[reason], key=f"error.{reason}")


#: the facilitator's console: a summon never moves it (the facilitator stays at the controls)
CONSOLE = "facilitate"


def summon_target(state: FacilitationState, seen: int | None, page: str | None) -> str | None:
    """Where a screen showing ``page`` goes when the summon counter it saw last is ``seen``:
    the summoned page once the counter moved past ``seen``, else ``None`` (stay). A screen that
    saw no counter yet (``None``: it just opened) starts from the current one and is not moved;
    neither is the console, nor a screen already on the summoned page."""
    if seen is None or state.summon <= seen or page == CONSOLE:
        return None
    if state.summon_page is None or state.summon_page == page:
        return None
    return state.summon_page
