"""A participant that speaks Streamlit's own websocket protocol, without a browser.

Why not browsers for everyone: one headless Chromium costs ~150 MB and a good part of a core, so
100 of them would measure the browsers, not the app. This client does on the wire what the
browser does (see ``streamlit/web/server/starlette/starlette_websocket.py`` and
``runtime/app_session.py``):

* connect to ``/_stcore/stream`` offering the ``streamlit`` subprotocol (XSRF is only checked
  for auth cookies, which the app does not use);
* send a ``BackMsg.rerun_script`` whose ``ClientState`` carries the query string, the page
  (``page_name`` = its url path, later its ``page_script_hash`` from the ``navigation`` message)
  and the widget values it changes — a button press is a ``trigger_value``, a form submit sends
  the form's values with the submit button's trigger;
* keep the query string the server sets (``page_info_changed``: the join puts ``t=TOKEN``);
* keep the page live as the browser does for ``st.fragment(run_every=...)``: the ``auto_rerun``
  message gives the interval and fragment id, and every interval a ``rerun_script`` with that
  ``fragment_id`` and ``is_auto_rerun`` goes out;
* read the page from the ``delta`` messages of each run (a run starts with ``new_session`` and
  ends with ``script_finished``); widgets are found by the user key their id ends with;
* a fragment run (its ``new_session`` names the fragments: a poll, a part the server reran
  alone, or a widget inside a fragment) replaces only what those fragments drew, as the
  browser does: every delta carries the fragment that drew it.

An action is *acknowledged* when a complete app run after it shows its result (the marker text
on the page, or the new dot count) with no exception; *refused* when the run shows an error
alert or an exception instead; *unanswered* when neither happens in ``ACK_TIMEOUT`` seconds.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: markers of the harness's steps and notes: L, S (step) or N (note), participant, x, sequence
MARKER = re.compile(r"\bL[SN]\d{3}x\d{3}\b")
ACK_TIMEOUT = 30.0
_TEXT_KINDS = ("text", "markdown", "heading", "alert", "code")


@dataclass
class Action:
    kind: str  # "step", "note", "dot"
    participant: int
    sent: float  # time.monotonic()
    check: Callable[[Screen], bool] = field(repr=False)
    marker: str | None = None
    dot: tuple[str, int] | None = None  # (element id, my dots on it afterwards)
    acked: float | None = None
    refused: str | None = None
    unanswered: bool = False

    @property
    def settled(self) -> bool:
        return self.acked is not None or self.refused is not None or self.unanswered


class Screen:
    """The elements one complete app run drew, by delta path (and the fragment that drew each)."""

    def __init__(self, elements: dict[tuple[int, ...], Any] | None = None, fragments: dict | None = None):
        self.elements = elements or {}
        self.fragments = fragments or {}

    def fragment_of(self, widget) -> str | None:
        """The fragment that drew ``widget``: a browser reruns only that fragment when it is used."""
        for path, el in self.elements.items():
            kind = el.WhichOneof("type")
            if kind and getattr(getattr(el, kind), "id", None) == widget.id:
                return self.fragments.get(path) or None
        return None

    def of_type(self, kind: str):
        for el in self.elements.values():
            if el.WhichOneof("type") == kind:
                yield getattr(el, kind)

    def texts(self):
        for el in self.elements.values():
            kind = el.WhichOneof("type")
            if kind in _TEXT_KINDS:
                yield getattr(el, kind).body

    def contains(self, needle: str) -> bool:
        return any(needle in text for text in self.texts())

    def widget(self, kind: str, key: str):
        """The widget of type ``kind`` whose user key is ``key`` (its id ends with ``-key``)."""
        for w in self.of_type(kind):
            if w.id.endswith("-" + key):
                return w
        return None

    def widgets_like(self, kind: str, pattern: re.Pattern):
        return [w for w in self.of_type(kind) if pattern.search(w.id)]

    def submit_button(self, form_id: str):
        for w in self.of_type("button"):
            if w.is_form_submitter and w.form_id == form_id:
                return w
        return None

    def errors(self) -> list[str]:
        out = [a.body for a in self.of_type("alert") if a.format == 1]  # Alert.ERROR
        out += [f"{e.type}: {e.message}" for e in self.of_type("exception")]
        return out


def widget_state(wid: str, **value) -> WidgetState:
    ws = WidgetState(id=wid)
    ((name, v),) = value.items()
    setattr(ws, name, v)
    return ws


class Client:
    """One participant's connection; ``on_screen`` is called after each complete app run."""

    def __init__(self, url: str, *, on_marker: Callable[[str, float], None] | None = None):
        self.ws_url = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.base_url = url.rstrip("/")
        self.query = ""
        self.page_name = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self.fragment: tuple[str, float] | None = None  # (fragment id, interval)
        self.screen = Screen()
        self.runs = 0  # complete app runs seen
        self.updates = 0  # screens completed: app runs and fragment runs
        self.polls = 0  # fragment reruns sent
        self.fragment_runs = 0
        self.errors: list[str] = []
        self.closed = asyncio.Event()
        self._current: dict[tuple[int, ...], tuple[Any, str]] = {}  # path -> (element, fragment id)
        self._in_fragment: set[str] = set()  # the fragments this run reruns (none: the whole app)
        self._fragment_drawn: dict[tuple[int, ...], tuple[Any, str]] = {}
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._poller: asyncio.Task | None = None
        self._run_done = asyncio.Condition()
        self._on_marker = on_marker
        self.seen_markers: set[str] = set()

    # -- connection ------------------------------------------------------------------------
    async def connect(self) -> None:
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None
        )
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        for task in (self._poller, self._reader):
            if task is not None:
                task.cancel()
        if self._ws is not None:
            await self._ws.close()
        self.closed.set()

    async def send_rerun(
        self, widgets: list[WidgetState] = (), *, fragment: str | None = None, auto: bool = True
    ) -> None:
        """A rerun: of the page, or of one ``fragment`` (``auto``: its timer, else a widget in it)."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        cs.page_name = self.page_name
        if fragment:
            cs.fragment_id = fragment
            cs.is_auto_rerun = auto
        ctx = cs.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "UTC", 0, "en-US"
        ctx.url = f"{self.base_url}/{self.page_name}" + (f"?{self.query}" if self.query else "")
        cs.widget_states.widgets.extend(widgets)
        await self._ws.send(msg.SerializeToString())

    async def open(self, page: str, query: str, until: Callable[[Screen], bool] | None = None) -> Screen:
        """Open a page (its url path, "" for home) with a query string; returns its screen
        (the first one ``until`` accepts: a run of the page before may still finish first)."""
        self.page_name, self.query = page, query
        self.page_hash = self.pages.get(page, "")
        runs = self.runs
        await self.send_rerun()
        return await self.wait_run(after=runs, until=until)

    async def wait_run(
        self, after: int, timeout: float = 60.0, until: Callable[[Screen], bool] | None = None, *, count: str = "runs"
    ) -> Screen:
        """Wait for a complete app run later than run number ``after`` (and ``until`` true);
        ``count="updates"``: any completed screen, a fragment run included."""
        async with self._run_done:
            await asyncio.wait_for(
                self._run_done.wait_for(
                    lambda: self.closed.is_set()
                    or (getattr(self, count) > after and (until is None or until(self.screen)))
                ),
                timeout,
            )
        if self.closed.is_set() and getattr(self, count) <= after:
            raise ConnectionError("the server closed the connection")
        return self.screen

    def start_polling(self) -> None:
        self._poller = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        """The browser's side of ``st.fragment(run_every=...)``."""
        while not self.closed.is_set():
            if self.fragment is None:
                await asyncio.sleep(0.2)
                continue
            fid, interval = self.fragment
            await asyncio.sleep(interval)
            try:
                await self.send_rerun(fragment=fid)
                self.polls += 1
            except websockets.ConnectionClosed:
                return

    # -- reading ---------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                await self._handle(msg)
        except websockets.ConnectionClosed:
            pass
        except Exception as exc:  # noqa: BLE001 - a broken client is a result, not a crash
            self.errors.append(f"client: {exc!r}")
        finally:
            self.closed.set()
            async with self._run_done:
                self._run_done.notify_all()

    async def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta":
            delta = msg.delta
            if delta.WhichOneof("type") == "new_element":
                el = delta.new_element
                drawn = self._fragment_drawn if self._in_fragment else self._current
                drawn[tuple(msg.metadata.delta_path)] = (el, delta.fragment_id)
                if self._on_marker is not None and el.WhichOneof("type") in _TEXT_KINDS:
                    for marker in MARKER.findall(getattr(el, el.WhichOneof("type")).body):
                        if marker not in self.seen_markers:
                            self.seen_markers.add(marker)
                            self._on_marker(marker, time.monotonic())
        elif kind == "new_session":
            self._in_fragment = set(msg.metadata.run.fragment_ids)
            if self._in_fragment:
                self._fragment_drawn = {}
            else:
                self._current = {}
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_SUCCESSFULLY and not self._in_fragment:
                self.runs += 1
                await self._show()
            elif status == ForwardMsg.FINISHED_EARLY_FOR_RERUN and self._in_fragment:
                # a fragment run cut short by the next rerun asked meanwhile (Streamlit ends it
                # so when another fragment's rerun comes in): what it drew is on the screen, as
                # a browser shows each delta as it comes; nothing is taken away
                self._current.update(self._fragment_drawn)
                self._fragment_drawn, self._in_fragment = {}, set()
                self.fragment_runs += 1
                await self._show()
            elif status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                # what the fragments drew before is replaced by what they drew now
                kept = {p: v for p, v in self._current.items() if v[1] not in self._in_fragment}
                kept.update(self._fragment_drawn)
                self._current, self._fragment_drawn, self._in_fragment = kept, {}, set()
                self.fragment_runs += 1
                await self._show()
            elif status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.errors.append("compile error")
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "auto_rerun":
            self.fragment = (msg.auto_rerun.fragment_id, max(0.1, msg.auto_rerun.interval))
        elif kind == "stop_auto_rerun":
            self.fragment = None

    async def _show(self) -> None:
        self.screen = Screen(
            {path: el for path, (el, _) in self._current.items()}, {path: f for path, (_, f) in self._current.items()}
        )
        self.updates += 1
        async with self._run_done:
            self._run_done.notify_all()
