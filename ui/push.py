"""Server push: the server reruns the pages that show a workshop when it changed.

Why not only polling: a polled fragment is a script run of its own, with its messages to the
browser, for every participant twice a second, changed or not. The load harness
(``bench/load``) showed that with 50 participants those polls alone saturate the one core a
Streamlit process can use, and every change then queues behind them for tens of seconds.

So each page run records, per browser session, which workshop it drew, at which *public*
change number (:meth:`workshop.ports.ChangeFeed.public_version`: a dot that a round still hides moves it for
nobody), and the page's live parts (:func:`watch`, :mod:`ui.live`). One notifier thread per
process compares those numbers with the store's in-memory counters every 10 ms (a dictionary
look-up each) and, for a session that is behind and idle, asks Streamlit to rerun its first
live part alone (a fragment rerun) or, for a page without parts, the whole page, exactly as
Streamlit's own "run on save" does (same page, same address, widget values untouched, no
button pressed again), asked on the session's event loop, where the participant's own clicks
are handled (:func:`_ask`). Other parts of the page that a run found out of date are queued
(:func:`queue_reruns`) and follow one at a time: those in the main area before any page's next
push, those in the sidebar (the note form) after every page's push and at most every
:data:`SIDEBAR_GAP` seconds.

A session is pushed at most once per :data:`MIN_GAP` seconds (more in a big room), so a
burst of changes costs each screen one redraw, not one per change, and only a few pushed
runs go at once (:data:`MAX_RUNNING`; a participant's own clicks are not held back by them).

Words used here:

* *watch*: what the server knows of one session's page (workshop, change number drawn, parts).
* *part*: a live part, a Streamlit fragment of the page (:func:`ui.live.part`), by its id.
* *push*: a rerun the server asks for because others changed the map (:func:`pushed_run`).
* *queued*: parts still to rerun after the one that found them out of date.
* *sidebar parts*: live parts in the sidebar; they wait for every page's main parts.

Every Streamlit internal this needs is in :mod:`ui.internals`, checked once per process; where
the check fails (another Streamlit, or AppTest, which has no runtime) :func:`watch` is false,
the notifier never starts, and the pages poll (:mod:`ui.live`). An unexpected failure in the
notifier switches the process to polling too, with one line in the log (:func:`ui.internals.turn_off`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from . import internals

from workshop.services.live import public_version

_LOG = logging.getLogger(__name__)

#: how often the notifier compares versions (seconds): a pushed run of a live part takes about
#: as long, so a slot freed is filled again at once (at 50 ms, pushes waited on the tick)
TICK = 0.01
#: the shortest time between two pushes to one session (seconds) ...
MIN_GAP = 1.0
#: ... growing with the number of pages following workshops, so that a full room asks no more
#: redraws per second than one process can make (about 60 runs of the process page's board a
#: second on the 2-core machines of bench/RESULTS.md, 35 of whole pages); a page then shows
#: several changes at once rather than falling behind
RUNS_PER_SECOND = 60.0
#: at most this many page runs at once because of pushes (a participant's own runs come on
#: top): every Streamlit element reads the configuration behind one process-wide lock, so
#: thirty runs started together queue on it and on the interpreter lock and all finish late
#: (measured: 73 % of the server's samples waiting there); a few at a time, oldest first,
#: finish sooner for everyone
MAX_RUNNING = 2
#: the sidebar's parts (the note form, which lists every step) are rerun at most this often
#: (seconds): a new step is in everyone's list of what a note can be about within
#: a few seconds, and a full room does not spend a third of its runs on lists nobody is reading
SIDEBAR_GAP = 5.0


@dataclass
class _Watch:
    workshop_id: str
    drawn: int
    pushed_at: float = 0.0
    #: the page's live parts (fragment ids): rerun those alone; none: rerun the page
    parts: tuple[str, ...] = ()
    #: parts found out of date, still to rerun (one run at a time, see :func:`_rerun`): those
    #: in the main area come before any page's next push ...
    queued: tuple[str, ...] = ()
    #: ... and these (the sidebar's note form) after every page's first part of a push
    sidebar_queued: tuple[str, ...] = ()
    #: when the page last drew (a run of the whole page or of a part)
    drawn_at: float = 0.0
    #: when a sidebar part was last rerun
    sidebar_at: float = 0.0


_lock = threading.Lock()
_watches: dict[str, _Watch] = {}
#: sessions running a pushed rerun right now (a participant's own clicks are not counted: they
#: must not hold back everyone else's redraws)
_pushed: set[str] = set()
#: sessions whose rerun the notifier has handed to their event loop, not yet asked (see :func:`_ask`)
_asking: set[str] = set()
_thread: threading.Thread | None = None


def pushed_run() -> bool:
    """Whether this run is one the server asked for (not a participant's own click)."""
    sid = internals.session_id()
    return sid is not None and sid in _pushed


def watch(workshop_id: str, drawn_version: int, store: Any, *, parts: list[str] | None = ()) -> bool:
    """Record that this session's page shows ``workshop_id`` as of ``drawn_version`` (its
    public change number) and has the live ``parts`` (``None``: keep those recorded, for a part
    that reran alone); returns whether the server will push the next change (else the page
    must poll)."""
    if not internals.usable():
        return False
    sid = internals.session_id()
    if sid is None:
        return False
    with _lock:
        old = _watches.get(sid)
        kept = old.parts if (old is not None and parts is None) else tuple(parts or ())
        _watches[sid] = _Watch(
            workshop_id, drawn_version, old.pushed_at if old is not None else 0.0, kept, drawn_at=time.monotonic(),
            sidebar_at=old.sidebar_at if old is not None else 0.0,
        )
    _ensure_notifier(store)
    return True


def overdue(workshop_id: str, drawn_version: int, store: Any, *, after: float) -> bool:
    """Whether this page is behind the workshop and has not been drawn for ``after`` seconds
    (a push that got lost): the safety net's test. In a busy room a page is nearly always a
    change behind with its redraw on the way (or waiting for its turn): not overdue."""
    if public_version(store, workshop_id) == drawn_version:
        return False
    if not internals.usable():  # the push was turned off meanwhile: nobody else redraws it
        return True
    sid = internals.session_id()
    with _lock:
        w = _watches.get(sid) if sid is not None else None
        return w is None or time.monotonic() - w.drawn_at > after


def queue_reruns(parts: list[str], *, sidebar: bool = False) -> None:
    """Rerun these parts of this session's page too, once it is idle (after the part that
    found them out of date); ``sidebar``: parts in the sidebar (the note form), rerun after
    the first part of every page's push."""
    sid = internals.session_id()
    if sid is None or not parts:
        return
    with _lock:
        w = _watches.get(sid)
        if w is None:
            return
        if sidebar:
            w.sidebar_queued = tuple(dict.fromkeys([*w.sidebar_queued, *parts]))
        else:
            w.queued = tuple(dict.fromkeys([*w.queued, *parts]))


def forget() -> None:
    """This session no longer shows a live workshop (a page without the live poller)."""
    sid = internals.session_id()
    if sid is not None:
        with _lock:
            _watches.pop(sid, None)


def _ensure_notifier(store: Any) -> None:
    global _thread
    with _lock:
        if (_thread is not None and _thread.is_alive()) or not internals.usable():
            return
        _thread = threading.Thread(target=_notify_forever, args=(store,), name="kopkarta-push", daemon=True)
        _thread.start()
    _LOG.log(logging.INFO, "push: the notifier started")


#: how often the notifier forgets the sessions of browsers that went away (seconds)
SWEEP = 30.0


def _notify_forever(store: Any) -> None:
    """The notifier's loop. It ends when the push is turned off: an unexpected exception turns
    it off for the process, logged once (see :mod:`ui.internals` for why not retry)."""
    swept = time.monotonic()
    while internals.usable():
        time.sleep(TICK)
        try:
            _notify_once(store)
            if time.monotonic() - swept > SWEEP:
                swept = time.monotonic()
                _sweep()
        except Exception:  # noqa: BLE001 - never one log line per tick
            internals.turn_off("pushing changes to the pages failed")


def _sweep() -> None:
    """Forget the sessions that are gone (a closed tab whose workshop never changed again)."""
    with _lock:
        for sid in list(_watches):
            if internals.find_session(sid) is None:
                _watches.pop(sid, None)


def _rank(w: _Watch, current: int, now: float, gap: float) -> int | None:
    """What a page is due for, first things first: 0, parts that show a change already under
    way on it; 1, a new push (its first part); 2, the sidebar's parts; ``None``: nothing."""
    if w.queued:
        return 0
    if current != w.drawn and now - w.pushed_at >= gap:
        return 1
    if w.sidebar_queued and now - w.sidebar_at >= SIDEBAR_GAP:
        return 2
    return None


def _gap() -> float:
    """The time between two pushes to one page: grows with the room (call under the lock)."""
    return max(MIN_GAP, len(_watches) / RUNS_PER_SECOND)


def _notify_once(store: Any) -> None:
    now = time.monotonic()
    with _lock:
        gap = _gap()
        due = []
        for sid, w in list(_watches.items()):
            try:
                current = public_version(store, w.workshop_id)
            except Exception:  # noqa: BLE001 - a workshop deleted meanwhile
                _watches.pop(sid, None)
                continue
            rank = _rank(w, current, now, gap)
            if rank is not None:
                due.append((rank, w.pushed_at, sid, current))
        for sid in list(_pushed - _asking):  # pushed runs that have finished
            session = internals.find_session(sid)
            if session is None or not internals.is_running(session):
                _pushed.discard(sid)
    if not due:
        return
    due.sort()  # by rank, then the longest waiting first
    for _, _, sid, current in due:
        if len(_pushed | _asking) >= MAX_RUNNING:
            return
        if sid in _asking:
            continue
        session = internals.find_session(sid)
        if session is None:  # the browser went away
            with _lock:
                _watches.pop(sid, None)
            continue
        if internals.is_running(session):
            continue  # it is running right now (its own change, or its last push): next tick
        with _lock:
            _asking.add(sid)
        try:
            internals.on_session_loop(session, _ask, sid, session, current)
        except RuntimeError:  # the loop closed: the server is stopping
            with _lock:
                _asking.discard(sid)


def _ask(sid: str, session: Any, current: int) -> None:
    """Ask for the session's next rerun, on the session's event loop: there, a participant's
    own click is handled too, so the session is either idle or has just started the click's
    run. (Asked from the notifier's thread, a click could come in between the test for idle
    and the request; the request then cut the click's run short and the dot panel drew
    nothing.) A busy session is left for the next tick, with nothing booked."""
    try:
        if internals.is_running(session):
            return
        now = time.monotonic()
        with _lock:
            w = _watches.get(sid)
            rank = None if w is None else _rank(w, current, now, _gap())  # the watch as it is now
            if rank == 0:
                parts, w.queued = w.queued[:1], w.queued[1:]
            elif rank == 1:  # the page's other plain parts after its first
                w.pushed_at, w.drawn = now, current  # the rerun draws this version (watch() confirms it)
                parts, w.queued, w.sidebar_queued = w.parts, w.parts[1:], ()
            elif rank == 2:
                parts, w.sidebar_queued, w.sidebar_at = w.sidebar_queued[:1], w.sidebar_queued[1:], now
            else:
                return
            _pushed.add(sid)  # before the request: the run it starts asks ui.live whether it was pushed
        if not _rerun(session, parts, whole_if_gone=rank == 1):
            with _lock:
                _pushed.discard(sid)
                if rank == 1:
                    w.queued = ()
    except Exception:  # noqa: BLE001 - on the event loop, asyncio would log it every time
        internals.turn_off("asking a page for its rerun failed")
    finally:
        with _lock:
            _asking.discard(sid)


def _rerun(session: Any, parts: tuple[str, ...], *, whole_if_gone: bool) -> bool:
    """Rerun the first of ``parts`` alone, or, when there are none or one is gone (a full run
    dropped it), the whole page if ``whole_if_gone``; returns whether a run was asked for.

    Only ever for an idle session, one part per run, the next once it is idle again: a rerun
    asked while the session's runner is finishing makes Streamlit start another runner and
    drop what the finishing one still had to send."""
    if parts and all(internals.has_fragment(session, fid) for fid in parts) and internals.rerun_fragment(session, parts[0]):
        return True
    if not whole_if_gone:
        return False  # a queued part that a full run has since dropped: nothing to do
    internals.rerun_page(session)
    return True
