"""Server push: the server reruns the pages that show a workshop when it changed.

Why not only polling: a polled fragment is a script run of its own, with its messages to the
browser, for every participant twice a second, changed or not. The load harness
(``bench/load``) showed that with 50 participants those polls alone saturate the one core a
Streamlit process can use, and every change then queues behind them for tens of seconds.

So each page run records, per browser session, which workshop it drew, at which *public*
change number (:meth:`Store.public_version`: a dot that a round still hides moves it for
nobody), and the page's live parts (:func:`watch`, :mod:`ui.live`). One notifier thread per
process compares those numbers with the store's in-memory counters every 10 ms (a dictionary
look-up each) and, for a session that is behind and idle, asks Streamlit to rerun its first
live part alone (a fragment rerun) or, for a page without parts, the whole page, exactly as
Streamlit's own "run on save" does (``AppSession.request_rerun`` with the session's last
client state: same page, same address, widget values untouched, no button pressed again),
asked on the session's event loop, where the participant's own clicks are handled (:func:`_ask`).
Parts found out of date by that run (:func:`owe`) follow one at a time: those in the main area
before any page's next push, those beside the map (the sidebar's note form) after every page's
push and at most every :data:`LATER_GAP` seconds.

A session is pushed at most once per :data:`MIN_GAP` seconds (more in a big room), so a
burst of changes costs each screen one redraw, not one per change, and only a few pushed
runs go at once (:data:`MAX_RUNNING`; a participant's own clicks are not held back by them).

This uses Streamlit internals (the runtime's session manager), pinned to the version in
``requirements.txt``; if they are missing (a different version, or AppTest, which has no
runtime), :func:`available` is false and the pages fall back to polling (:mod:`ui.live`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from streamlit.proto.ClientState_pb2 import ClientState

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
#: the parts beside the map (the sidebar's note form, which lists every step) are rerun at most
#: this often (seconds): a new step is in everyone's list of what a note can be about within
#: a few seconds, and a full room does not spend a third of its runs on lists nobody is reading
LATER_GAP = 5.0


@dataclass
class _Watch:
    workshop_id: str
    drawn: int
    pushed_at: float = 0.0
    #: the page's live parts (fragment ids): rerun those alone; none: rerun the page
    parts: tuple[str, ...] = ()
    #: parts found out of date, still to rerun (one run at a time, see :func:`_rerun`): those
    #: in the main area come before any page's next push ...
    owed: tuple[str, ...] = ()
    #: ... and these (the sidebar's note form) after every page's first part of a push
    later: tuple[str, ...] = ()
    #: when the page last drew (a run of the whole page or of a part)
    drawn_at: float = 0.0
    #: when a part beside the map was last rerun
    later_at: float = 0.0


_lock = threading.Lock()
_watches: dict[str, _Watch] = {}
#: sessions running a pushed rerun right now (a participant's own clicks are not counted: they
#: must not hold back everyone else's redraws)
_pushed: set[str] = set()
#: sessions whose rerun the notifier has handed to their event loop, not yet asked (see :func:`_ask`)
_asking: set[str] = set()
_thread: threading.Thread | None = None


def _runtime_sessions() -> Any | None:
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return None
        return Runtime.instance()._session_mgr
    except Exception:  # noqa: BLE001 - any other Streamlit: fall back to polling
        return None


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        get_script_run_ctx,
    )

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def available() -> bool:
    """Whether this process can push (a real Streamlit server, of the pinned version)."""
    mgr = _runtime_sessions()
    return mgr is not None and hasattr(mgr, "get_active_session_info")


def current_part() -> str | None:
    """The id of the fragment that is running now (a live part), if any."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    try:
        return ThreadState.get().fragment_id
    except Exception:  # noqa: BLE001 - another Streamlit: no part ids, the page reruns whole
        return None


def rerunning_parts() -> bool:
    """Whether this run reruns fragments alone (not the whole page)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        get_script_run_ctx,
    )

    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "fragment_ids_this_run", None))


def pushed_run() -> bool:
    """Whether this run is one the server asked for (not a participant's own click)."""
    sid = _session_id()
    return sid is not None and sid in _pushed


def watch(workshop_id: str, drawn_version: int, store: Any, *, parts: list[str] | None = ()) -> bool:
    """Record that this session's page shows ``workshop_id`` as of ``drawn_version`` (its
    public change number) and has the live ``parts`` (``None``: keep those recorded, for a part
    that reran alone); returns whether the server will push the next change (else the page
    must poll)."""
    sid = _session_id()
    if sid is None or not available():
        return False
    with _lock:
        old = _watches.get(sid)
        kept = old.parts if (old is not None and parts is None) else tuple(parts or ())
        _watches[sid] = _Watch(
            workshop_id, drawn_version, old.pushed_at if old is not None else 0.0, kept, drawn_at=time.monotonic(),
            later_at=old.later_at if old is not None else 0.0,
        )
    _ensure_notifier(store)
    return True


def overdue(workshop_id: str, drawn_version: int, store: Any, *, after: float) -> bool:
    """Whether this page is behind the workshop and has not been drawn for ``after`` seconds
    (a push that got lost): the safety net's test. In a busy room a page is nearly always a
    change behind with its redraw on the way (or waiting for its turn): not overdue."""
    if public_version(store, workshop_id) == drawn_version:
        return False
    sid = _session_id()
    with _lock:
        w = _watches.get(sid) if sid is not None else None
        return w is None or time.monotonic() - w.drawn_at > after


def owe(parts: list[str], *, later: bool = False) -> None:
    """Rerun these parts of this session's page too, once it is idle (after the part that
    found them out of date); ``later``: after the first part of every page's push (a part
    beside the map, such as the sidebar's note form)."""
    sid = _session_id()
    if sid is None or not parts:
        return
    with _lock:
        w = _watches.get(sid)
        if w is None:
            return
        if later:
            w.later = tuple(dict.fromkeys([*w.later, *parts]))
        else:
            w.owed = tuple(dict.fromkeys([*w.owed, *parts]))


def forget() -> None:
    """This session no longer shows a live workshop (a page without the live poller)."""
    sid = _session_id()
    if sid is not None:
        with _lock:
            _watches.pop(sid, None)


def _ensure_notifier(store: Any) -> None:
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_notify_forever, args=(store,), name="kopkarta-push", daemon=True)
        _thread.start()


#: how often the notifier forgets the sessions of browsers that went away (seconds)
SWEEP = 30.0


def _notify_forever(store: Any) -> None:
    swept = time.monotonic()
    while True:
        time.sleep(TICK)
        try:
            _notify_once(store)
            if time.monotonic() - swept > SWEEP:
                swept = time.monotonic()
                _sweep()
        except Exception:  # noqa: BLE001 - the notifier must outlive any one failure
            _LOG.exception("pushing changes to the pages failed")


def _sweep() -> None:
    """Forget the sessions that are gone (a closed tab whose workshop never changed again)."""
    mgr = _runtime_sessions()
    if mgr is None:
        return
    with _lock:
        for sid in list(_watches):
            if mgr.get_active_session_info(sid) is None:
                _watches.pop(sid, None)


def _rank(w: _Watch, current: int, now: float, gap: float) -> int | None:
    """What a page is due for, first things first: 0, parts that show a change already under
    way on it; 1, a new push (its first part); 2, the parts beside the map; ``None``: nothing."""
    if w.owed:
        return 0
    if current != w.drawn and now - w.pushed_at >= gap:
        return 1
    if w.later and now - w.later_at >= LATER_GAP:
        return 2
    return None


def _gap() -> float:
    """The time between two pushes to one page: grows with the room (call under the lock)."""
    return max(MIN_GAP, len(_watches) / RUNS_PER_SECOND)


def _notify_once(store: Any) -> None:
    mgr = _runtime_sessions()
    if mgr is None:
        return
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
            info = mgr.get_active_session_info(sid)
            if info is None or info.session._scriptrunner is None:
                _pushed.discard(sid)
    if not due:
        return
    due.sort()  # by rank, then the longest waiting first
    for _, _, sid, current in due:
        if len(_pushed | _asking) >= MAX_RUNNING:
            return
        if sid in _asking:
            continue
        info = mgr.get_active_session_info(sid)
        if info is None:  # the browser went away
            with _lock:
                _watches.pop(sid, None)
            continue
        session = info.session
        if session._scriptrunner is not None:
            continue  # it is running right now (its own change, or its last push): next tick
        with _lock:
            _asking.add(sid)
        loop = getattr(session, "_event_loop", None)
        try:
            if loop is None:  # no event loop of its own (a stand-in in the tests)
                _ask(sid, session, current)
            else:
                loop.call_soon_threadsafe(_ask, sid, session, current)
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
        if session._scriptrunner is not None:
            return
        now = time.monotonic()
        with _lock:
            w = _watches.get(sid)
            rank = None if w is None else _rank(w, current, now, _gap())  # the watch as it is now
            if rank == 0:
                parts, w.owed = w.owed[:1], w.owed[1:]
            elif rank == 1:  # the page's other plain parts after its first
                w.pushed_at, w.drawn = now, current  # the rerun draws this version (watch() confirms it)
                parts, w.owed, w.later = w.parts, w.parts[1:], ()
            elif rank == 2:
                parts, w.later, w.later_at = w.later[:1], w.later[1:], now
            else:
                return
            _pushed.add(sid)  # before the request: the run it starts asks ui.live whether it was pushed
        if not _rerun(session, parts, whole_if_gone=rank == 1):
            with _lock:
                _pushed.discard(sid)
                if rank == 1:
                    w.owed = ()
    finally:
        with _lock:
            _asking.discard(sid)


def _rerun(session: Any, parts: tuple[str, ...], *, whole_if_gone: bool) -> bool:
    """Rerun the first of ``parts`` alone, or, when there are none or one is gone (a full run
    dropped it), the whole page if ``whole_if_gone``; returns whether a run was asked for.

    Only ever for an idle session, one part per run, the next once it is idle again: a rerun
    asked while the session's runner is finishing makes Streamlit start another runner and
    drop what the finishing one still had to send."""
    state = session._client_state
    if parts and state is not None and all(session.has_fragment(fid) for fid in parts):
        part = ClientState()
        part.CopyFrom(state)
        part.fragment_id = parts[0]
        part.is_auto_rerun = True
        session.request_rerun(part)
        return True
    if not whole_if_gone:
        return False  # an owed part that a full run has since dropped: nothing to do
    session.request_rerun(state)
    return True
