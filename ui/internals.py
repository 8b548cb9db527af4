"""Every Streamlit internal that the server push touches, checked once per process.

The push (:mod:`ui.push`) reruns other people's pages from a thread of its own, the way
Streamlit's own "run on save" does. No public API does that, so it reaches into Streamlit's
runtime. This module is the only place that does: :mod:`ui.push` and :mod:`ui.live` call its
small functions, and nothing else in the app names a Streamlit internal. Streamlit has moved
and renamed such things between versions before. The pin in ``requirements.txt`` keeps them
where they are, and this module checks that they really are there.

The internals (:data:`INTERNALS` spells the same names, in the same order):

=========================================  ===========================================================
``streamlit.runtime.Runtime.instance()``   the process's runtime, which holds the browser sessions
``Runtime._session_mgr``                   its session manager
``SessionManager.get_active_session_info`` finds a browser session by id (``None``: the browser left)
``ActiveSessionInfo.session``              that session's ``AppSession``
``get_script_run_ctx()``                   this script run's context (``scriptrunner_utils``)
``ScriptRunContext.session_id``            which browser session this run draws for
``ScriptRunContext.fragment_ids_this_run`` whether this run reruns fragments alone (not the page)
``ThreadState.get()``                      the running fragment's state (``scriptrunner_utils``)
``FragmentThreadState.fragment_id``        the id of the fragment that runs now (a live part)
``AppSession._scriptrunner``               ``None`` while the session is idle (push only then)
``AppSession._event_loop``                 where the rerun is asked, beside the session's own clicks
``AppSession._client_state``               the session's last client state: same page, same widgets
``AppSession.has_fragment``                whether a live part still exists (a full run drops some)
``AppSession.request_rerun``               asks the session for a rerun of a part or the page
``ClientState``                            the rerun request (``streamlit.proto.ClientState_pb2``)
``ClientState.fragment_id``                ... naming the one live part to rerun
``ClientState.is_auto_rerun``              ... marked as the server's own rerun, not a click
=========================================  ===========================================================

**When they are checked.** Once per process, at the first page run in a Streamlit server
(:func:`usable`; ``streamlit_app.py`` asks at every run, and the answer is kept). The session
attributes are set in ``AppSession.__init__``, so they can only be seen on a real session:
the check looks at the session whose run asked. The check logs one line. It is INFO
"push: all N Streamlit internals present" when all is well (the browser tests read it from
the server's output). It is one WARNING when something is missing or the version is not the
pinned one. AppTest puts a mock in the runtime's place, and ``python streamlit_app.py`` has
no runtime at all: both quietly mean "no push".

**When one is missing.** :func:`usable` is false for the rest of the process. The notifier
thread never starts, and :func:`ui.live.follow` polls each page every second instead: every
page still works, only a full room waits longer for its redraws. The three read-only helpers
that every live part uses (:func:`session_id`, :func:`current_fragment`,
:func:`rerunning_fragments`) give ``None`` or ``False`` then, never an error: a part
is then drawn as part of a whole page.

**Another Streamlit version** with every internal present is reported with a WARNING, and the
push stays on. A missing attribute fails loudly, and the check catches that. A changed
behaviour with the same names is what the browser test ``tests/e2e/test_live_browser.py``
is for. Polling a full room is itself a known failure (bench/RESULTS.md), so refusing a
version that still has every internal would trade a possible problem for a certain one.

**When the notifier fails anyway** (an unexpected exception in it, or in a rerun it asked
for): :func:`turn_off` logs the traceback once and switches the whole process to polling
for good, as if an internal were missing. A rate-limited retry would keep flooding the log
for a lasting fault, and a renamed internal is a lasting fault. It could also go on half
working: requests with a wrong client state cut participants' own runs short. Polling is
slower but known to be correct, and one ERROR line in the log says why the room got slower.

``KOPKARTA_TEST_MISSING_INTERNAL`` (comma-separated names from :data:`INTERNALS`) makes the
check treat those internals as missing. It is a hook for the tests, which start a real
server with one internal taken away. It has no other use.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_LOG = logging.getLogger(__name__)

#: the Streamlit these internals were read from: ``requirements.txt`` pins the same (a test checks)
PINNED_STREAMLIT = "1.67.0"

INTERNALS = (
    "streamlit.runtime.Runtime.instance",
    "Runtime._session_mgr",
    "SessionManager.get_active_session_info",
    "ActiveSessionInfo.session",
    "get_script_run_ctx",
    "ScriptRunContext.session_id",
    "ScriptRunContext.fragment_ids_this_run",
    "ThreadState.get",
    "FragmentThreadState.fragment_id",
    "AppSession._scriptrunner",
    "AppSession._event_loop",
    "AppSession._client_state",
    "AppSession.has_fragment",
    "AppSession.request_rerun",
    "ClientState",
    "ClientState.fragment_id",
    "ClientState.is_auto_rerun",
)

#: the environment variable the tests use to take internals away (see the module's docstring)
TEST_MISSING = "KOPKARTA_TEST_MISSING_INTERNAL"

_lock = threading.Lock()
#: the process's verdict: ``None`` until the first page run in a server has checked
_verdict: bool | None = None


@dataclass(frozen=True)
class Roots:
    """Where the internals are reached from: Streamlit's own objects in a server, stand-ins in
    the tests. ``None`` for one whose import failed."""

    runtime: Any  # the Runtime class
    get_ctx: Callable[[], Any] | None
    thread_state: Any  # the ThreadState class
    client_state: Any  # the ClientState message class
    version: str


def missing(roots: Roots, *, hidden: frozenset[str] = frozenset()) -> list[str]:
    """The names in :data:`INTERNALS` that ``roots`` lack, in that order (``hidden``: taken as
    missing). Call from a script run: the session and fragment internals are looked up on
    the run's own session. One that cannot be reached because an earlier one is missing is
    missing too."""
    found: dict[str, Any] = {}

    def get(name: str, reach: Callable[[], Any]) -> None:
        if name in hidden:
            return
        try:
            found[name] = reach()
        except Exception:  # noqa: BLE001 - any failure to reach it means it is not there
            return

    def attr(name: str, owner: str, attribute: str) -> None:
        if owner in found and hasattr(found[owner], attribute):
            get(name, lambda: getattr(found[owner], attribute))

    get("streamlit.runtime.Runtime.instance", lambda: roots.runtime.instance())
    attr("Runtime._session_mgr", "streamlit.runtime.Runtime.instance", "_session_mgr")
    attr("SessionManager.get_active_session_info", "Runtime._session_mgr", "get_active_session_info")
    if roots.get_ctx is not None:
        get("get_script_run_ctx", lambda: _not_none(roots.get_ctx()))
    attr("ScriptRunContext.session_id", "get_script_run_ctx", "session_id")
    attr("ScriptRunContext.fragment_ids_this_run", "get_script_run_ctx", "fragment_ids_this_run")
    if "SessionManager.get_active_session_info" in found and "ScriptRunContext.session_id" in found:
        info = found["SessionManager.get_active_session_info"]
        get("ActiveSessionInfo.session", lambda: info(found["ScriptRunContext.session_id"]).session)
    for name in ("_scriptrunner", "_event_loop", "_client_state", "has_fragment", "request_rerun"):
        attr(f"AppSession.{name}", "ActiveSessionInfo.session", name)
    for name in ("AppSession.has_fragment", "AppSession.request_rerun"):
        if not callable(found.get(name)):
            found.pop(name, None)
    if roots.thread_state is not None:
        get("ThreadState.get", lambda: roots.thread_state.get())
    attr("FragmentThreadState.fragment_id", "ThreadState.get", "fragment_id")
    if roots.client_state is not None:
        get("ClientState", lambda: roots.client_state)
        fields = getattr(getattr(roots.client_state, "DESCRIPTOR", None), "fields_by_name", {})
        for field in ("fragment_id", "is_auto_rerun"):
            if field in fields:
                get(f"ClientState.{field}", lambda: fields[field])
    return [name for name in INTERNALS if name not in found]


def _not_none(value: Any) -> Any:
    if value is None:
        raise LookupError("not in a script run")
    return value


def report(absent: list[str], version: str) -> tuple[int, str]:
    """The one log line of the check: (level, text)."""
    if absent:
        return logging.WARNING, (
            f"push: Streamlit internals missing: {', '.join(absent)} (Streamlit {version}, pinned "
            f"{PINNED_STREAMLIT}): pages poll every second instead of being pushed"
        )
    if version != PINNED_STREAMLIT:
        return logging.WARNING, (
            f"push: all {len(INTERNALS)} Streamlit internals present, but Streamlit is {version}, "
            f"not the pinned {PINNED_STREAMLIT}: pushing anyway (tests/e2e/test_live_browser.py checks it)"
        )
    return logging.INFO, f"push: all {len(INTERNALS)} Streamlit internals present (Streamlit {version}, as pinned)"


def usable() -> bool:
    """Whether this process pushes redraws: the start-up check, made at the first page run in a
    Streamlit server and kept for the process (false in AppTest and after :func:`turn_off`)."""
    global _verdict
    if _verdict is not None:
        return _verdict
    with _lock:
        if _verdict is None:
            try:
                _verdict = _check()
            except Exception:  # noqa: BLE001 - the check itself must never break a page
                _LOG.log(logging.WARNING, "push: checking Streamlit's internals failed: pages poll", exc_info=True)
                _verdict = False
        return bool(_verdict)


def _check() -> bool | None:
    """The start-up check (under the lock): the verdict, ``None`` when it must wait."""
    where = _server_roots()
    if where is None:  # AppTest, or no Streamlit server: no push, and nothing to say
        return False
    if where.get_ctx is not None and where.get_ctx() is None:
        return None  # not a script run: the session's internals cannot be seen; ask later
    hidden = frozenset(n.strip() for n in os.environ.get(TEST_MISSING, "").split(",") if n.strip())
    absent = missing(where, hidden=hidden)
    _LOG.log(*report(absent, where.version))
    return not absent


def turn_off(why: str) -> None:
    """Switch this process to polling for good after an unexpected failure of the push: one
    ERROR line, with the traceback when called from an ``except`` block (see the module's
    docstring). Only the first call logs."""
    global _verdict
    with _lock:
        was, _verdict = _verdict, False
    if was:
        _LOG.log(logging.ERROR, "push: %s; pages poll from now on", why, exc_info=sys.exc_info()[0] is not None)


def in_server() -> bool:
    """Whether this is a run in a real Streamlit server process, whatever its internals (AppTest
    puts a mock in the runtime's place)."""
    return _server_roots() is not None


def _server_roots() -> Roots | None:
    """Streamlit's own roots of the internals, or ``None`` outside a Streamlit server."""
    import streamlit
    from unittest.mock import NonCallableMock

    try:
        running = streamlit.runtime.exists()  # public: ``python streamlit_app.py`` has no runtime
    except Exception:  # noqa: BLE001 - cannot tell: let the check say what is missing
        running = True
    if not running:
        return None
    try:
        from streamlit.runtime import Runtime
    except ImportError:
        Runtime = None  # noqa: N806 - named as Streamlit names it
    try:
        stand_in = isinstance(Runtime.instance(), NonCallableMock)
    except Exception:  # noqa: BLE001 - no Runtime.instance(): the check reports it
        stand_in = False
    if stand_in:
        return None  # AppTest's stand-in runtime
    _log_to_server_output()
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState, get_script_run_ctx
    except ImportError:
        ThreadState = get_script_run_ctx = None  # noqa: N806
    try:
        from streamlit.proto.ClientState_pb2 import ClientState
    except ImportError:
        ClientState = None  # noqa: N806
    return Roots(Runtime, get_script_run_ctx, ThreadState, ClientState, streamlit.__version__)


def _log_to_server_output() -> None:
    """The check's line and the notifier's failure go to the server's output (stderr), where
    the operator and the browser tests read them; nothing else of the app configures logging.
    They are in English for the operator, not user text: no :mod:`workshop.i18n` (written as
    ``_LOG.log(level, ...)``, which the i18n test does not take for a page's text)."""
    parent = logging.getLogger("ui")
    if not parent.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        parent.addHandler(handler)
        parent.setLevel(logging.INFO)


# --- what a page run asks about itself (safe in any Streamlit: None or False when missing) ---


def _ctx() -> Any | None:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:
        return None
    return get_script_run_ctx()


def session_id() -> str | None:
    """The browser session this run draws for (``None`` outside a script run)."""
    return getattr(_ctx(), "session_id", None)


def current_fragment() -> str | None:
    """The id of the fragment that runs now (a live part), if any."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

        return ThreadState.get().fragment_id
    except Exception:  # noqa: BLE001 - another Streamlit: no part ids, the page reruns whole
        return None


def rerunning_fragments() -> bool:
    """Whether this run reruns fragments alone (not the whole page)."""
    return bool(getattr(_ctx(), "fragment_ids_this_run", None))


# --- what the notifier does to other sessions (only once :func:`usable` said yes) ---


def session_manager() -> Any:
    """The runtime's session manager."""
    from streamlit.runtime import Runtime

    return Runtime.instance()._session_mgr


def find_session(sid: str) -> Any | None:
    """The browser session ``sid`` (its ``AppSession``), ``None`` when the browser went away."""
    info = session_manager().get_active_session_info(sid)
    return None if info is None else info.session


def is_running(session: Any) -> bool:
    """Whether the session runs its script now (its own click, or a rerun asked before)."""
    return session._scriptrunner is not None


def on_session_loop(session: Any, fn: Callable[..., None], *args: Any) -> None:
    """Call ``fn(*args)`` on the session's event loop, where its own clicks are handled too (at
    once for a stand-in without a loop); raises ``RuntimeError`` when the loop has closed."""
    loop = getattr(session, "_event_loop", None)
    if loop is None:
        fn(*args)
    else:
        loop.call_soon_threadsafe(fn, *args)


def has_fragment(session: Any, fid: str) -> bool:
    """Whether the session still holds the fragment ``fid`` (a full run drops the ones it did
    not draw again)."""
    return session.has_fragment(fid)


def rerun_fragment(session: Any, fid: str) -> bool:
    """Ask the session to rerun the fragment ``fid`` alone, with its last client state (same
    page, same address, no widget pressed again); false when it has none yet."""
    from streamlit.proto.ClientState_pb2 import ClientState

    state = session._client_state
    if state is None:
        return False
    part = ClientState()
    part.CopyFrom(state)
    part.fragment_id = fid
    part.is_auto_rerun = True
    session.request_rerun(part)
    return True


def rerun_page(session: Any) -> None:
    """Ask the session to rerun its whole page with its last client state, as "run on save"."""
    session.request_rerun(session._client_state)
