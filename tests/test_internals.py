"""The push's check of Streamlit's internals (ui/internals.py).

The check runs against stand-ins built like Streamlit 1.67's objects, each with one internal
taken away. It must name exactly what is missing, or cannot be reached because of it. One
missing internal means: one WARNING line per process (not one per page run or tick),
:func:`ui.push.watch` false, no notifier thread, and pages that still follow each other's
changes by polling. The check's pin must be ``requirements.txt``'s pin. An unexpected failure
in the notifier switches the process to polling with one ERROR line. That the real runtime
passes the check is shown by the browser test (``tests/e2e/test_live_browser.py``), which
reads the check's line from the server's log.
"""

from __future__ import annotations

import logging
import re
import threading
from types import SimpleNamespace

import pytest
import streamlit
from apptest_support import ROOT
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.testing.v1 import AppTest

from ui import internals, push

SESSION = tuple(f"AppSession.{a}" for a in ("_scriptrunner", "_event_loop", "_client_state", "has_fragment", "request_rerun"))
#: what cannot be reached once a given internal is gone
DEPENDS = {
    "streamlit.runtime.Runtime.instance": {"Runtime._session_mgr", "SessionManager.get_active_session_info", "ActiveSessionInfo.session", *SESSION},
    "Runtime._session_mgr": {"SessionManager.get_active_session_info", "ActiveSessionInfo.session", *SESSION},
    "SessionManager.get_active_session_info": {"ActiveSessionInfo.session", *SESSION},
    "ActiveSessionInfo.session": set(SESSION),
    "get_script_run_ctx": {"ScriptRunContext.session_id", "ScriptRunContext.fragment_ids_this_run", "ActiveSessionInfo.session", *SESSION},
    "ScriptRunContext.session_id": {"ActiveSessionInfo.session", *SESSION},
    "ThreadState.get": {"FragmentThreadState.fragment_id"},
    "ClientState": {"ClientState.fragment_id", "ClientState.is_auto_rerun"},
}


class FakeClientState:
    """A message class whose descriptor lacks some fields."""

    def __init__(self, fields):
        self.DESCRIPTOR = SimpleNamespace(fields_by_name={f: object() for f in fields})


def fake_roots(drop=frozenset(), version=internals.PINNED_STREAMLIT) -> internals.Roots:
    """Stand-ins for what a page run in a Streamlit 1.67 server reaches, without ``drop``."""

    def build(name, **attrs):
        return SimpleNamespace(**{a: v for a, v in attrs.items() if f"{name}.{a}" not in drop})

    session = build(
        "AppSession", _scriptrunner="running", _event_loop=object(), _client_state=ClientState(),
        has_fragment=lambda fid: True, request_rerun=lambda state: None,
    )
    info = build("ActiveSessionInfo", session=session)
    mgr = build("SessionManager", get_active_session_info=lambda sid: info if sid == "me" else None)
    runtime = build("Runtime", _session_mgr=mgr)
    ctx = build("ScriptRunContext", session_id="me", fragment_ids_this_run=None)
    fragment = build("FragmentThreadState", fragment_id=None)
    fields = [f for f in ("fragment_id", "is_auto_rerun") if f"ClientState.{f}" not in drop]
    return internals.Roots(
        runtime=build("streamlit.runtime.Runtime", instance=lambda: runtime),
        get_ctx=None if "get_script_run_ctx" in drop else (lambda: ctx),
        thread_state=build("ThreadState", get=lambda: fragment),
        client_state=None if "ClientState" in drop else FakeClientState(fields),
        version=version,
    )


@pytest.fixture
def fresh(monkeypatch):
    """A process that has not checked yet, with no notifier running and the server's roots
    replaced by the test's (``fresh(roots)``)."""
    monkeypatch.setattr(internals, "_verdict", None)
    monkeypatch.setattr(push, "_thread", None)
    monkeypatch.setattr(push, "_watches", {})
    monkeypatch.delenv(internals.TEST_MISSING, raising=False)

    def use(roots):
        monkeypatch.setattr(internals, "_server_roots", lambda: roots)

    return use


def push_lines(caplog):
    return [r for r in caplog.records if r.getMessage().startswith("push:")]


def test_the_pin_is_requirements_pin_and_installed():
    pins = re.findall(r"^streamlit==(\S+)", (ROOT / "requirements.txt").read_text(), re.M)
    assert pins == [internals.PINNED_STREAMLIT]
    assert streamlit.__version__ == internals.PINNED_STREAMLIT  # the environment the tests run in


def test_every_internal_present_is_found():
    assert internals.missing(fake_roots()) == []


@pytest.mark.parametrize("name", internals.INTERNALS)
def test_each_internal_taken_away_is_named(name):
    absent = internals.missing(fake_roots(drop={name}))
    assert set(absent) == {name} | DEPENDS.get(name, set())


def test_the_real_classes_have_the_fields_the_check_reads():
    """What can be checked without a server: the message's fields and the module-level names."""
    roots = fake_roots()
    real = internals.Roots(roots.runtime, roots.get_ctx, roots.thread_state, ClientState, streamlit.__version__)
    assert internals.missing(real) == []
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState, get_script_run_ctx

    assert callable(Runtime.instance) and callable(ThreadState.get) and callable(get_script_run_ctx)


def test_all_present_logs_one_info_line(fresh, caplog):
    caplog.set_level(logging.INFO, logger="ui")
    fresh(fake_roots())
    assert all(internals.usable() for _ in range(5))
    [line] = push_lines(caplog)
    assert line.levelno == logging.INFO
    assert line.getMessage().startswith(f"push: all {len(internals.INTERNALS)} Streamlit internals present")


def test_a_missing_internal_means_polling_with_one_warning(fresh, caplog):
    caplog.set_level(logging.INFO, logger="ui")
    fresh(fake_roots(drop={"AppSession._event_loop"}))
    store = SimpleNamespace(public_version=lambda wid: 1)
    for _ in range(20):  # many page runs of many sessions, many ticks
        assert internals.usable() is False
        assert push.watch("w", 1, store, parts=["board"]) is False
    assert push._thread is None and push._watches == {}  # the notifier never started
    [line] = push_lines(caplog)
    assert line.levelno == logging.WARNING
    assert "AppSession._event_loop" in line.getMessage() and "poll" in line.getMessage()


def test_a_different_version_is_reported_and_still_pushes(fresh, caplog):
    fresh(fake_roots(version="1.99.0"))
    assert internals.usable() is True
    [line] = push_lines(caplog)
    assert line.levelno == logging.WARNING
    assert "1.99.0" in line.getMessage() and internals.PINNED_STREAMLIT in line.getMessage()


def test_a_different_version_with_one_missing_is_one_line(fresh, caplog):
    fresh(fake_roots(drop={"ClientState.is_auto_rerun"}, version="1.99.0"))
    assert internals.usable() is False
    [line] = push_lines(caplog)
    assert "ClientState.is_auto_rerun" in line.getMessage() and "1.99.0" in line.getMessage()


def test_the_tests_hook_takes_an_internal_away(fresh, caplog, monkeypatch):
    monkeypatch.setenv(internals.TEST_MISSING, "AppSession.has_fragment")
    fresh(fake_roots())
    assert internals.usable() is False
    [line] = push_lines(caplog)
    assert "AppSession.has_fragment" in line.getMessage()


def test_outside_a_script_run_the_check_waits(fresh, caplog):
    roots = fake_roots()
    fresh(internals.Roots(roots.runtime, lambda: None, roots.thread_state, roots.client_state, roots.version))
    assert internals.usable() is False and internals._verdict is None and push_lines(caplog) == []
    fresh(roots)
    assert internals.usable() is True


def test_apptest_means_no_push_quietly(app, caplog, monkeypatch):
    """AppTest puts a mock in the runtime's place: no push, no line, and the page works."""
    monkeypatch.setattr(internals, "_verdict", None)
    caplog.set_level(logging.INFO, logger="ui")
    at = app.open("process", "demo")
    assert not at.exception
    assert internals._verdict is False and push_lines(caplog) == []


def test_pages_follow_each_other_by_polling_when_an_internal_is_missing(app, fresh, caplog):
    """With the check failed, a change by one participant is on the other's next run (what
    the poller's rerun does in the browser) and no page errs."""
    fresh(fake_roots(drop={"Runtime._session_mgr"}))
    assert internals.usable() is False
    anna, lars = app.open("process", "demo"), app.open("process", "demo")
    anna.text_input(key="add_step_text").input("Board approves the budget")
    anna.button(key="add_step_submit").click().run()
    lars.run()
    assert not anna.exception and not lars.exception
    assert any("Board approves the budget" in m.value for m in lars.markdown)
    assert push._thread is None and len(push_lines(caplog)) == 1


class Broken(SimpleNamespace):
    def get_active_session_info(self, sid):
        raise AttributeError("'AppSession' object has no attribute '_scriptrunner'")  # a renamed internal


def test_a_failing_notifier_turns_the_push_off_with_one_line(monkeypatch, caplog):
    monkeypatch.setattr(internals, "_verdict", True)
    monkeypatch.setattr(internals, "session_manager", lambda: Broken())
    monkeypatch.setattr(internals, "session_id", lambda: "s0")
    monkeypatch.setattr(push, "_watches", {"s0": push._Watch("w", 1)})
    monkeypatch.setattr(push, "_pushed", set())
    monkeypatch.setattr(push, "_asking", set())
    store = SimpleNamespace(public_version=lambda wid: 2)  # behind: due for a push at every tick
    notifier = threading.Thread(target=push._notify_forever, args=(store,), daemon=True)
    notifier.start()
    notifier.join(timeout=60)
    assert not notifier.is_alive()  # it stopped instead of failing every 10 ms
    [line] = push_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is not None
    assert internals.usable() is False and push.watch("w", 2, store) is False
    assert push.overdue("w", 1, store, after=60.0) is True  # a page behind redraws itself at once
    internals.turn_off("again")
    assert len(push_lines(caplog)) == 1


def test_a_failing_rerun_request_turns_the_push_off_with_one_line(monkeypatch, caplog):
    def refuse(state):
        raise TypeError("request_rerun() takes 1 positional argument")

    session = SimpleNamespace(_scriptrunner=None, _client_state=ClientState(), has_fragment=lambda fid: True, request_rerun=refuse)
    mgr = SimpleNamespace(get_active_session_info=lambda sid: SimpleNamespace(session=session))
    monkeypatch.setattr(internals, "_verdict", True)
    monkeypatch.setattr(internals, "session_manager", lambda: mgr)
    monkeypatch.setattr(push, "_watches", {"s0": push._Watch("w", 1, parts=("board",))})
    monkeypatch.setattr(push, "_pushed", set())
    monkeypatch.setattr(push, "_asking", set())
    store = SimpleNamespace(public_version=lambda wid: 2)
    for _ in range(3):
        push._notify_once(store)
    assert internals.usable() is False
    [line] = push_lines(caplog)
    assert line.levelno == logging.ERROR and "rerun" in line.getMessage()


def test_a_check_that_fails_itself_means_polling_with_one_line(fresh, caplog):
    def broken():
        raise RuntimeError("Streamlit moved its runtime")

    roots = fake_roots()
    fresh(internals.Roots(roots.runtime, broken, roots.thread_state, roots.client_state, roots.version))
    assert internals.usable() is False and internals.usable() is False
    [line] = push_lines(caplog)
    assert line.levelno == logging.WARNING and line.exc_info is not None


#: the internals' names as code spells them (attributes, imports), for the search below
SPELLED = re.compile(
    r"_session_mgr|get_active_session_info|_scriptrunner\b|_event_loop\b|_client_state\b|has_fragment|request_rerun"
    r"|ClientState|script_run_context|get_script_run_ctx|ThreadState|fragment_ids_this_run|is_auto_rerun"
    r"|streamlit\.runtime|Runtime\.instance"
)


def test_only_ui_internals_touches_streamlits_internals():
    files = [*sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "views").glob("*.py")), ROOT / "streamlit_app.py"]
    offenders = []
    for path in files:
        if path.name == "internals.py":
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if SPELLED.search(code) and "internals." not in code:
                offenders.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert offenders == []
    assert len(SPELLED.findall((ROOT / "ui" / "internals.py").read_text(encoding="utf-8"))) > 20  # the pattern finds them
