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
  ``fragment_id`` and ``is_auto_rerun`` goes out; as in Streamlit's frontend, a full run's
  start clears every timer and its ``auto_rerun`` sets it again (so the safety net polls
  30 s after the page's last full run; a fragment's id can change between full runs);
* read the page from the ``delta`` messages of each run (a run starts with ``new_session`` and
  ends with ``script_finished``); widgets are found by the user key their id ends with;
* keep Streamlit's message cache as the frontend does: a large element (``metadata.cacheable``,
  e.g. a live part carrying the component's JS and CSS) is kept by its hash, each rerun lists
  the hashes kept (``cached_message_hashes``) so the server sends a ``ref_hash`` instead of an
  element the client already has, and an entry not used for ``max_cached_message_age`` runs
  is dropped;
* a fragment run (its ``new_session`` names the fragments: a poll, a part the server reran
  alone, or a widget inside a fragment) replaces only what those fragments drew, as the
  browser does: every delta carries the fragment that drew it.

* and, as the page's live parts do in a browser (``web/component/live.js``), keep the
  workshop's event stream open (:meth:`Client.open_stream`, :mod:`bench.load.stream`): the
  process board is a ``components.v2`` element (``bidi_component``) whose ``json`` field holds
  a JSON *string* of ``{"cfg", "live": {"structure", "state"}}``; a stream's ``put`` message
  brings others' steps and notes with no script run, a ``read`` message (or a first ``hello``
  whose version is not the part's) makes each live part read its state again from
  ``/_kopkarta/live``, as the component does;
* a part on the screen since the page's last run is drawn again with no state (its ``live``
  has only ``structure``): as the component, the client keeps the state it had (the elements
  of its last state, the stream's ``put`` and ``remove`` applied since) and the markers in it;
  a part first drawn with no state reads it;
* the dot vote's ballot is a live part too (view ``dots``, user key ``live:dots:{round}``, in
  the round panel's fragment): its state holds the viewer's own dots (``mine``) and comes only
  from the page (the view has no ``/_kopkarta/live`` state, and the stream does not touch
  it). A click is the component's ``setTriggerValue("dot", {"about", "dots", "at"})``, which
  Streamlit's frontend sends as a rerun of the fragment that drew the part with one widget
  state, the part's trigger aggregator (:func:`trigger_state`).

A marker (``LS012x003``) is *seen on this screen* when it first arrives: in a text element or
in a live part's state of a run (its delta), in a ``put`` message of the stream, or in a state
read again. The client never asks the page for a rerun from a live part (the component's
``rerun`` trigger; the ballot's ``dot`` is the participant's click): in the load's room nothing asks for one (no stage, phase, round or language
changes); :attr:`Client.would_ask` counts the changes after which a browser would have asked.

An action is *acknowledged* when its own run completes with no error and its result is on
this screen (a step or note's marker: in the run's live state or text, or from the stream; a
dot: a run of the ballot's fragment draws the ballot with ``mine[element] ==`` the new
number); *refused* when the run shows an error alert or an exception instead; *unanswered*
when neither happens in ``ACK_TIMEOUT`` seconds.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from . import stream as http

#: markers of the harness's steps and notes: L, S (step) or N (note), participant, x, sequence
MARKER = re.compile(r"\bL[SN]\d{3}x\d{3}\b")
ACK_TIMEOUT = 30.0
_TEXT_KINDS = ("text", "markdown", "heading", "alert", "code")
#: the app's one live component (ui/live.py)
LIVE_COMPONENT = "kopkarta_live"
#: live parts whose state comes only from the page (no ``/_kopkarta/live`` state, nothing on the stream)
PAGE_ONLY_VIEWS = ("dots",)
#: Streamlit's prefix of internal widget ids, and its bidi component's trigger aggregator (the
#: ``events`` trigger of ``components/v2/bidi_component/main.py``)
_INTERNAL = "$$STREAMLIT_INTERNAL_KEY"


def live_payload(raw: str) -> dict:
    """A live part's data: the element's ``json`` is a JSON string holding the JSON text."""
    value = json.loads(raw) if raw else {}
    return json.loads(value) if isinstance(value, str) else value


def trigger_state(component_id: str, event: str, value: Any) -> WidgetState:
    """What Streamlit's frontend sends for a ``components.v2`` part's ``setTriggerValue(event,
    value)``: the part's trigger aggregator widget (``$$STREAMLIT_INTERNAL_KEY_{id}__events``)
    with a ``json_trigger_value`` holding the list of this flush's events (one here)."""
    return widget_state(
        f"{_INTERNAL}_{component_id}__events",
        json_trigger_value=json.dumps([{"event": event, "value": value}], separators=(",", ":")),
    )


def element_markers(state: dict) -> list[str]:
    """The markers in a live state's elements' texts."""
    out = []
    for el in state.get("elements") or ():
        text = (el.get("data") or {}).get("text")
        if isinstance(text, str):
            out += MARKER.findall(text)
    return out


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

    def __init__(
        self, elements: dict[tuple[int, ...], Any] | None = None, fragments: dict | None = None,
        kept: Callable[[str], dict | None] | None = None,
    ):
        self.elements = elements or {}
        self.fragments = fragments or {}
        self._live: dict[str, dict] | None = None
        #: the state a part keeps when the run drew it with none (see :meth:`Client.kept_state`)
        self._kept = kept

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

    def live_parts(self) -> dict[str, dict]:
        """The live parts this screen holds, by view: ``{"cfg", "live": {"structure", "state"}}``."""
        if self._live is None:
            self._live = {}
            for b in self.of_type("bidi_component"):
                if b.component_name.endswith(LIVE_COMPONENT) and b.json:
                    try:
                        payload = live_payload(b.json)
                        self._live[payload["cfg"]["view"]] = payload
                    except (ValueError, KeyError, TypeError):
                        continue
        return self._live

    def live_state(self, view: str) -> dict:
        """A live part's state as the screen shows it: what the part holds now (the state a run
        or a read gave it, the stream's changes applied since: :meth:`Client.kept_state`), else
        the one this run gave it. A part drawn with none (on the screen since the page's last
        run) keeps what it had: never "empty" for that."""
        part = self.live_parts().get(view)
        if part is None:
            return {}
        state = self._kept(view) if self._kept is not None else None
        if state is None:
            state = (part.get("live") or {}).get("state")
        return state or {}

    def ballot(self, round_no: int):
        """The dot vote's ballot of round ``round_no``: (its element, its state) or ``None``."""
        part = self.widget("bidi_component", f"live:dots:{round_no}")
        if part is None:
            return None
        try:
            payload = live_payload(part.json)
        except (ValueError, TypeError):
            return None
        return part, ((payload.get("live") or {}).get("state") or {})

    def live_texts(self):
        """The texts of the elements in the live parts' states (steps, notes, stages)."""
        for view in self.live_parts():
            for el in self.live_state(view).get("elements") or ():
                text = (el.get("data") or {}).get("text")
                if isinstance(text, str):
                    yield text

    def contains(self, needle: str) -> bool:
        return any(needle in text for text in self.texts()) or any(needle in text for text in self.live_texts())

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


@dataclass
class LivePart:
    """What the client keeps of one live part of its page, as the component does: its view's
    query, the version of the map it holds, and when the page must be drawn again."""

    query: dict[str, str]
    v: int
    structure: str = ""
    rerun: dict = field(default_factory=dict)
    reading: asyncio.Task | None = None
    again: bool = False  # a read was asked while one was under way
    #: the state it shows: its last state (from a run or a read), the stream's changes applied
    state: dict | None = None
    elements: dict[str, dict] = field(default_factory=dict)  # by id

    @property
    def page_only(self) -> bool:
        return self.query.get("view") in PAGE_ONLY_VIEWS

    def load(self, state: dict) -> None:
        self.state = state
        self.v = int(state.get("v", 0))
        self.elements = {el.get("id"): el for el in state.get("elements") or ()}

    def apply(self, msg: dict) -> None:
        """A ``put`` message newer than the part (the component's ``apply``; only the board keeps elements)."""
        self.v = int(msg.get("v", 0))
        if self.query.get("view") == "board" and self.state is not None:
            for el in msg.get("put") or ():
                self.elements[el.get("id")] = el
            for eid in msg.get("remove") or ():
                self.elements.pop(eid, None)

    def shown(self) -> dict | None:
        if self.state is None:
            return None
        if self.query.get("view") != "board":
            return self.state
        return {**self.state, "v": self.v, "elements": list(self.elements.values())}


class Client:
    """One participant's connection (``on_marker(marker, time)``: a marker first seen here)."""

    def __init__(
        self, url: str, *, on_marker: Callable[[str, float], None] | None = None, jar: http.Jar | None = None
    ):
        self.ws_url = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.base_url = url.rstrip("/")
        #: the browser's cookies (behind HAProxy: the one that keeps it on its app process)
        self.jar = jar
        self.query = ""
        self.page_name = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self.fragment: tuple[str, float] | None = None  # (fragment id, interval): the last one set
        self._timers: dict[str, tuple[float, asyncio.Task | None]] = {}  # fragment id -> (interval, its timer)
        self._polling = False
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
        self._run_done = asyncio.Condition()
        self._on_marker = on_marker
        self.seen_markers: set[str] = set()
        #: how each marker first came: "run" (a run's text or live state), "stream", "read" (a state read again)
        self.seen_via: dict[str, str] = {}
        # what happened when (time.monotonic()), for the harness's window
        self.run_log: list[tuple[float, str]] = []  # ("run" | "fragment") completed
        self.poll_log: list[float] = []  # safety-net polls sent
        # the live layer: the event stream and the page's live parts
        self.stream: http.EventStream | None = None
        self.live: dict[str, LivePart] = {}  # by view
        self.auth: dict[str, str] = {}
        self.stream_log: list[tuple[float, str, int]] = []  # (arrived, "hello" | "put" | "read" | "voted", v)
        self.state_reads: list[float] = []  # /_kopkarta/live reads (started)
        self.would_ask = 0  # changes after which a browser's live part would ask for a rerun
        self.room = 0  # the stream's count of the workshop's screens when it (re)connected
        self._hello = asyncio.Event()
        # Streamlit's message cache (the frontend's ForwardMsgCache): hash -> [bytes, run last used, fragment]
        self._cache: dict[str, list] = {}
        self._cache_runs = 0
        self._cache_age = 2  # global.maxCachedMessageAge, as the server's new_session says
        self.cache_hits = 0

    # -- connection ------------------------------------------------------------------------
    async def connect(self) -> None:
        headers = {"Cookie": self.jar.header()} if self.jar is not None and self.jar.cookies else None
        self._ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
            ping_interval=None,
            additional_headers=headers,
        )
        if self.jar is not None and self._ws.response is not None:
            self.jar.take(self._ws.response.headers.get_all("Set-Cookie"))
        self._reader = asyncio.create_task(self._read())

    async def reconnect(self) -> None:
        """A new websocket after the server closed this one, as Streamlit's frontend makes when
        its connection drops (behind HAProxy, with the browser's cookies: a process that is gone
        is replaced by another one, whose new cookie the jar keeps). What was counted and seen
        stays; the screen starts empty, as a new session's does, until the next run draws it.
        The event stream is not touched: it reconnects by itself, as ``EventSource`` does."""
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)  # its ``finally`` runs now, not later
        self._clear_timers()
        self.closed.clear()
        self._current, self._fragment_drawn, self._in_fragment = {}, {}, set()
        await self.connect()

    @property
    def process(self) -> str | None:
        """The app process HAProxy keeps this browser on (its cookie ``KOPKARTA_SRV``), if any."""
        return self.jar.get("KOPKARTA_SRV") if self.jar is not None else None

    async def close(self) -> None:
        self._clear_timers()
        if self._reader is not None:
            self._reader.cancel()
        for part in self.live.values():
            if part.reading is not None:
                part.reading.cancel()
        if self.stream is not None:
            await self.stream.close()
        if self._ws is not None:
            await self._ws.close()
        self.closed.set()
        async with self._run_done:
            self._run_done.notify_all()

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
        cs.cached_message_hashes.extend(self._cache)
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
        """From now on, rerun each ``run_every`` fragment at its interval, as the browser does."""
        self._polling = True
        for fid, (interval, task) in list(self._timers.items()):
            if task is None:
                self._timers[fid] = (interval, asyncio.create_task(self._poll(fid, interval)))

    def _set_timer(self, fid: str, interval: float) -> None:
        old = self._timers.get(fid)
        if old is not None and old[0] == interval:
            return  # the same timer goes on (the frontend's handleAutoRerun)
        if old is not None and old[1] is not None:
            old[1].cancel()
        self._timers[fid] = (interval, asyncio.create_task(self._poll(fid, interval)) if self._polling else None)

    def _clear_timers(self, fids=None) -> None:
        for fid in list(self._timers if fids is None else fids):
            _, task = self._timers.pop(fid, (0, None))
            if task is not None:
                task.cancel()

    async def _poll(self, fid: str, interval: float) -> None:
        """The browser's side of ``st.fragment(run_every=...)``: a ``setInterval``."""
        while not self.closed.is_set():
            await asyncio.sleep(interval)
            try:
                await self.send_rerun(fragment=fid)
            except websockets.ConnectionClosed:
                return
            self.polls += 1
            self.poll_log.append(time.monotonic())

    # -- reading ---------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                await self._handle(self._cached(msg, data))
        except websockets.ConnectionClosed:
            pass
        except Exception as exc:  # noqa: BLE001 - a broken client is a result, not a crash
            self.errors.append(f"client: {exc!r}")
        finally:
            self.closed.set()
            async with self._run_done:
                self._run_done.notify_all()

    def _cached(self, msg: ForwardMsg, data: bytes) -> ForwardMsg:
        """The frontend's ``processMessagePayload``: keep a cacheable message, resolve a reference."""
        if msg.WhichOneof("type") == "ref_hash":
            entry = self._cache.get(msg.ref_hash)
            if entry is None:
                self.errors.append(f"cached message missing: {msg.ref_hash}")
                return msg
            entry[1] = self._cache_runs
            full = ForwardMsg()
            full.ParseFromString(entry[0])
            full.metadata.CopyFrom(msg.metadata)
            self.cache_hits += 1
            return full
        if msg.metadata.cacheable and msg.hash and msg.hash not in self._cache:
            self._cache[msg.hash] = [data, self._cache_runs, msg.delta.fragment_id or None]
        return msg

    def _age_cache(self, fragments: set[str]) -> None:
        """After a run (the frontend's ``incrementRunCount``): drop what was not used for a while
        (after a fragment run, only what that fragment drew)."""
        self._cache_runs += 1
        for h, (_, used, fid) in list(self._cache.items()):
            if fragments and (not fid or fid not in fragments):
                continue
            if self._cache_runs - used > self._cache_age:
                del self._cache[h]

    async def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self._age_cache(self._in_fragment)
        if kind == "delta":
            delta = msg.delta
            if delta.WhichOneof("type") == "new_element":
                el = delta.new_element
                drawn = self._fragment_drawn if self._in_fragment else self._current
                drawn[tuple(msg.metadata.delta_path)] = (el, delta.fragment_id)
                el_kind = el.WhichOneof("type")
                if el_kind in _TEXT_KINDS:
                    self._saw(MARKER.findall(getattr(el, el_kind).body), time.monotonic(), "run")
                elif el_kind == "bidi_component":  # a live part's state (a JSON string of JSON)
                    self._saw(MARKER.findall(el.bidi_component.json), time.monotonic(), "run")
        elif kind == "new_session":
            self._cache_age = msg.new_session.config.max_cached_message_age or self._cache_age
            self._in_fragment = set(msg.metadata.run.fragment_ids)
            if self._in_fragment:
                self._fragment_drawn = {}
            else:
                self._current = {}
                self._clear_timers()  # a full run: its auto_rerun messages set the timers again
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_SUCCESSFULLY and not self._in_fragment:
                self.runs += 1
                self.run_log.append((time.monotonic(), "run"))
                await self._show()
            elif status == ForwardMsg.FINISHED_EARLY_FOR_RERUN and self._in_fragment:
                # a fragment run cut short by the next rerun asked meanwhile (Streamlit ends it
                # so when another fragment's rerun comes in): what it drew is on the screen, as
                # a browser shows each delta as it comes; nothing is taken away
                drawn = self._fragment_drawn
                self._current.update(drawn)
                self._fragment_drawn, self._in_fragment = {}, set()
                self.fragment_runs += 1
                self.run_log.append((time.monotonic(), "fragment"))
                await self._show(drawn)
            elif status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                # what the fragments drew before is replaced by what they drew now
                drawn = self._fragment_drawn
                kept = {p: v for p, v in self._current.items() if v[1] not in self._in_fragment}
                kept.update(drawn)
                self._current, self._fragment_drawn, self._in_fragment = kept, {}, set()
                self.fragment_runs += 1
                self.run_log.append((time.monotonic(), "fragment"))
                await self._show(drawn)
            elif status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.errors.append("compile error")
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "auto_rerun":
            self.fragment = (msg.auto_rerun.fragment_id, max(0.1, msg.auto_rerun.interval))
            self._set_timer(*self.fragment)
        elif kind == "stop_auto_rerun":
            self._clear_timers(msg.stop_auto_rerun.fragment_ids)
            if self.fragment is not None and self.fragment[0] in msg.stop_auto_rerun.fragment_ids:
                self.fragment = None

    async def _show(self, drawn: dict | None = None) -> None:
        """A run completed: the screen as it is now; ``drawn``: what a fragment run drew (``None``: a full run)."""
        self.screen = Screen(
            {path: el for path, (el, _) in self._current.items()}, {path: f for path, (_, f) in self._current.items()},
            kept=self.kept_state,
        )
        if drawn is None:
            self._mount_live(self.screen.live_parts(), full=True)
        else:  # only the parts this fragment drew again (a ballot): the others are as they were
            self._mount_live(Screen({p: el for p, (el, _) in drawn.items()}).live_parts(), full=False)
        self.updates += 1
        async with self._run_done:
            self._run_done.notify_all()

    def _saw(self, markers, at: float, via: str) -> None:
        for marker in markers:
            if marker not in self.seen_markers:
                self.seen_markers.add(marker)
                self.seen_via[marker] = via
                if self._on_marker is not None:
                    self._on_marker(marker, at)

    async def wait_marker(self, marker: str, timeout: float) -> None:
        """Until ``marker`` is seen on this screen (:class:`TimeoutError` after ``timeout``)."""
        async with self._run_done:
            await asyncio.wait_for(
                self._run_done.wait_for(lambda: marker in self.seen_markers or self.closed.is_set()), timeout
            )
        if marker not in self.seen_markers:
            raise ConnectionError("the server closed the connection")

    # -- the live layer --------------------------------------------------------------------
    def kept_state(self, view: str) -> dict | None:
        """The state the live part ``view`` shows now (what it kept: see :class:`LivePart`)."""
        part = self.live.get(view)
        return part.shown() if part is not None else None

    def _mount_live(self, parts: dict[str, dict], *, full: bool) -> None:
        """A run drew ``parts``: the page's live parts, or (``full`` false) those a fragment
        drew again; each takes the state the run gave it (kept if the part already holds a
        newer one, as the component does; drawn with none, it keeps what it had, and a part
        new on the screen with none reads it). After a full run, a part it did not draw is gone."""
        mounted: dict[str, LivePart] = {} if full else dict(self.live)
        for view, payload in parts.items():
            cfg, live = payload.get("cfg") or {}, payload.get("live") or {}
            query = dict(cfg.get("query") or {"view": view})
            state = live.get("state")
            old = self.live.get(view)
            part = old or LivePart(query, 0)
            part.query = query
            part.structure, part.rerun = cfg.get("structure", ""), cfg.get("rerun") or {}
            if isinstance(state, dict):
                if old is None or part.page_only or int(state.get("v", 0)) >= part.v:
                    part.load(state)
            elif old is None and not part.page_only:
                self._read_again(part)  # the component's first configure() with no state
            mounted[view] = part
            self.auth = dict(cfg.get("auth") or self.auth)
        for view, part in self.live.items():
            if mounted.get(view) is not part and part.reading is not None:
                part.reading.cancel()
        self.live = mounted

    async def open_stream(self, timeout: float = 60.0) -> None:
        """Open the workshop's event stream with the credentials of the page's live parts (the
        component's ``cfg.auth``: the token and the workshop), as the browser does once the
        page is drawn; returns when its first message (``hello``) arrived."""
        if not self.auth:
            raise RuntimeError("the page has no live part: nothing to open the event stream for")
        self.stream = http.EventStream(self.base_url, self.auth, self._on_stream, jar=self.jar)
        self.stream.start()
        await asyncio.wait_for(self._hello.wait(), timeout)

    async def _on_stream(self, msg: dict, at: float) -> None:
        v = int(msg.get("v", 0))
        if msg.get("hello"):
            kind = "hello"
        elif msg.get("read"):
            kind = "read"
        elif "voted" in msg:
            kind = "voted"
        else:
            kind = "put"
        self.stream_log.append((at, kind, v))
        if kind == "hello" and isinstance(msg.get("n"), int):
            self.room = msg["n"]  # screens of the workshop this process serves
        if kind == "voted":  # who has taken part: the clock redraws its count, nothing is read
            if any(p.rerun.get("voted") for p in self.live.values()):
                self.would_ask += 1
        elif kind in ("hello", "read"):
            for part in self.live.values():
                if part.page_only or (kind == "hello" and v == part.v):
                    continue  # a ballot (its state is the page's); (re)connected and nothing was missed
                self._read_again(part)
        else:
            markers = []
            for el in msg.get("put") or ():
                text = (el.get("data") or {}).get("text")
                if isinstance(text, str):
                    markers += MARKER.findall(text)
            self._saw(markers, at, "stream")
            for part in self.live.values():
                if part.page_only or v <= part.v:
                    continue  # a ballot; already in the state this part was given
                part.apply(msg)
                kinds, ids = part.rerun.get("kinds") or (), part.rerun.get("ids") or ()
                if part.rerun.get("any") or any(el.get("kind") in kinds for el in msg.get("put") or ()) or any(
                    i in ids for i in msg.get("remove") or ()
                ):
                    self.would_ask += 1
            if markers:
                async with self._run_done:
                    self._run_done.notify_all()
        if kind == "hello":
            self._hello.set()

    def _read_again(self, part: LivePart) -> None:
        """Read one part's state again (one read at a time per part; asked again meanwhile: once more after)."""
        if part.reading is not None and not part.reading.done():
            part.again = True
            return
        part.reading = asyncio.create_task(self._read_state(part))

    async def _read_state(self, part: LivePart) -> None:
        while True:
            part.again = False
            self.state_reads.append(time.monotonic())
            try:
                answer = await http.get_json(self.base_url, http.STATE, {**self.auth, **part.query}, jar=self.jar)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a failed read is a result (the server restarting)
                if len(self.errors) < 50:
                    self.errors.append(f"state read: {exc!r}")
                return
            at = time.monotonic()
            state = answer.get("state") or {}
            if part.query.get("view") == "watch" and answer.get("structure") not in (None, part.structure):
                self.would_ask += 1
            if state and int(state.get("v", 0)) >= part.v:
                part.load(state)
            markers = element_markers(state)
            self._saw(markers, at, "read")
            if markers:
                async with self._run_done:
                    self._run_done.notify_all()
            if not part.again:
                return
