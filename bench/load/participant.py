"""What a simulated participant does: join by the QR link, open the process page, keep it live
(the workshop's event stream, opened right after the page is drawn, as the page's live parts
do in a browser; and the page's safety-net poll), and every 5–20 s add a step or post a note;
during a vote burst, put and move dots (on the ballot, a live part: its ``dot`` trigger in a run
of the round panel's fragment), and after it go back to the 5–20 s rhythm. The quick add and
the sidebar's note form are fragments: sending one reruns that fragment (as a browser does for
any widget in a fragment), and the step or note reaches its own board by the stream.

A person waits to see their last change on the screen before the next one, so each participant
has at most one action under way (the load is "closed": a slow server slows the room down, as
it would a real room). Every step and note carries a unique marker (``LS012x003``) so the
harness can find it on other screens and in the database afterwards.

Behind HAProxy (the server setup) each participant keeps its cookies in a jar of its own, as a
browser does, so it stays on one app process; with ``rejoin`` it behaves as Streamlit's frontend
when its connection drops (the app process was killed): it connects again (HAProxy sends it to
a living process), opens its page again with its link's token, and goes on
(:attr:`Record.moves`: when it lost the connection, when its page was back, from which process
to which).
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from workshop.i18n import t

from .client import ACK_TIMEOUT, Action, Client, Screen, trigger_state, widget_state
from .stream import Jar

NOTE_FORM = "process:note"
#: a participant whose connection dropped tries again after this long, doubling up to REJOIN_MOST
REJOIN_FIRST, REJOIN_MOST = 0.5, 5.0
#: and gives up when its page is not back within this long
REJOIN_PATIENCE = 60.0


@dataclass
class Plan:
    """The room's rhythm, shared by all participants."""

    start: float  # time.monotonic() when the run's clock starts
    end: float
    round_no: int
    budget: int
    pause: tuple[float, float] = (5.0, 20.0)
    burst_every: float = 30.0  # a vote burst starts every ... seconds
    burst_length: float = 8.0
    burst_pause: tuple[float, float] = (0.5, 2.5)

    def in_burst(self, now: float) -> bool:
        return (now - self.start) % self.burst_every >= self.burst_every - self.burst_length


@dataclass
class Record:
    """What one participant did and saw."""

    index: int
    name: str
    token: str | None = None
    joined: float | None = None
    actions: list[Action] = field(default_factory=list)
    dots: dict[str, int] = field(default_factory=dict)  # my dots as last acknowledged
    runs: int = 0
    fragment_runs: int = 0
    polls: int = 0
    errors: list[str] = field(default_factory=list)
    # when things happened (time.monotonic()): runs ("run" | "fragment"), polls sent, stream
    # messages (arrived, "hello" | "put" | "read" | "voted", v), state reads
    run_log: list[tuple[float, str]] = field(default_factory=list)
    poll_log: list[float] = field(default_factory=list)
    stream_log: list[tuple[float, str, int]] = field(default_factory=list)
    state_reads: list[float] = field(default_factory=list)
    stream_connects: int = 0
    stream_errors: list[str] = field(default_factory=list)  # refused, or not JSON
    stream_broken: int = 0  # connections that failed or broke (and were tried again)
    would_ask: int = 0
    room: int = 0  # screens on the workshop's stream when this one connected (its "hello")
    seen_via: dict[str, str] = field(default_factory=dict)  # marker -> how it first came ("run", "stream", "read")
    #: the app process it joined on (HAProxy's cookie; None: no HAProxy in front)
    process: str | None = None
    #: each time its connection dropped and it connected again (``rejoin``): {"lost", "back"
    #: (time.monotonic(), None: never back), "from", "to" (processes), "recognised", "tries"}
    moves: list[dict] = field(default_factory=list)


class Participant:
    def __init__(
        self,
        index: int,
        url: str,
        code: str,
        plan: Plan,
        rng: random.Random,
        on_marker=None,
        *,
        jar: Jar | None = None,
        rejoin: bool = False,
    ):
        self.rec = Record(index, f"P{index:03d}")
        self.url, self.code, self.plan, self.rng = url, code, plan, rng
        self.client = Client(url, on_marker=on_marker, jar=jar)
        self.rejoin = rejoin
        self._seq = 0

    async def join(self) -> None:
        c = self.client
        await c.connect()
        await c.open("", f"join={self.code}&name={self.rec.name}")
        if "t=" not in c.query:  # the join's own rerun may still be on its way
            await c.wait_run(after=c.runs - 1, until=lambda _: "t=" in c.query)
        self.rec.token = c.query.split("t=", 1)[1].split("&", 1)[0]
        try:
            await c.open("process", f"t={self.rec.token}", until=lambda s: s.widget("text_input", "add_step_text") is not None)
        except TimeoutError:
            raise RuntimeError(f"{self.rec.name}: the process page has no add-step field: {c.screen.errors()}") from None
        c.start_polling()
        # the page's live parts open the workshop's event stream as soon as they are drawn
        try:
            await c.open_stream()
        except TimeoutError:
            raise RuntimeError(f"{self.rec.name}: the event stream sent nothing: {c.stream and c.stream.errors}") from None
        self.rec.joined = time.monotonic()
        self.rec.process = c.process

    async def play(self) -> None:
        """Act until the plan's end (then wait for the last action's answer)."""
        plan = self.plan
        voting = False
        try:
            while True:
                if self.client.closed.is_set():
                    if not self.rejoin or time.monotonic() >= plan.end or not await self.come_back():
                        break
                    continue
                now = time.monotonic()
                if plan.in_burst(now):
                    await self._pause(self.rng.uniform(*plan.burst_pause))
                else:
                    await self._pause(self.rng.uniform(*plan.pause))
                if self.client.closed.is_set():
                    continue  # dropped while it waited: come back at once, as a browser does (or stop)
                if time.monotonic() >= plan.end:
                    break
                if plan.in_burst(time.monotonic()):
                    voting = True
                    await self.put_dot()
                elif voting:
                    # back from the vote: the next step or note comes after the usual pause (not
                    # the whole room in the same second, as the first harness had it)
                    voting = False
                elif self.rng.random() < 0.6:
                    await self.add_step()
                else:
                    await self.post_note()
        finally:
            self.keep()

    async def _pause(self, seconds: float) -> None:
        """Wait between two actions; one that comes back after a drop (``rejoin``) stops
        waiting when the connection drops, as a browser notices at once."""
        if not self.rejoin:
            await asyncio.sleep(seconds)
            return
        try:
            await asyncio.wait_for(self.client.closed.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def come_back(self) -> bool:
        """The connection dropped (its app process is gone): as Streamlit's frontend, connect
        again after a pause (0.5 s, doubling up to 5 s) and draw the page again, which the link's
        token keeps this participant's (HAProxy sends the browser to a living process, whose
        cookie the jar keeps). True when the page is back, with its add-step field."""
        c = self.client
        move = {"lost": time.monotonic(), "back": None, "from": c.process, "to": None, "recognised": False, "tries": 0}
        self.rec.moves.append(move)
        pause = REJOIN_FIRST
        give_up = move["lost"] + REJOIN_PATIENCE
        while time.monotonic() < give_up:
            await asyncio.sleep(pause)
            pause = min(pause * 2, REJOIN_MOST)
            move["tries"] += 1
            try:
                await c.reconnect()
                await asyncio.wait_for(
                    c.open("process", f"t={self.rec.token}", until=lambda s: s.widget("text_input", "add_step_text") is not None),
                    max(1.0, give_up - time.monotonic()),
                )
            except (OSError, ConnectionError, TimeoutError, asyncio.TimeoutError) as exc:
                if len(c.errors) < 50:
                    c.errors.append(f"coming back: {exc!r}")
                continue
            except Exception as exc:  # noqa: BLE001 - websockets' refusals (InvalidStatus, ...): try again
                if len(c.errors) < 50:
                    c.errors.append(f"coming back: {exc!r}")
                continue
            move.update(back=time.monotonic(), to=c.process, recognised=True)
            c.start_polling()
            return True
        return False

    def keep(self) -> None:
        """Copy what the client counted into the record."""
        c = self.client
        self.rec.runs, self.rec.polls, self.rec.fragment_runs = c.runs, c.polls, c.fragment_runs
        self.rec.errors = list(c.errors)
        self.rec.run_log, self.rec.poll_log = list(c.run_log), list(c.poll_log)
        self.rec.stream_log, self.rec.state_reads = list(c.stream_log), list(c.state_reads)
        self.rec.would_ask, self.rec.room, self.rec.seen_via = c.would_ask, c.room, dict(c.seen_via)
        if c.stream is not None:
            self.rec.stream_connects, self.rec.stream_errors = c.stream.connects, list(c.stream.errors)
            self.rec.stream_broken = c.stream.broken

    async def stop(self) -> None:
        self.keep()
        await self.client.close()

    # -- the three actions -----------------------------------------------------------------
    def _marker(self, kind: str) -> str:
        self._seq += 1
        return f"L{kind}{self.rec.index:03d}x{self._seq:03d}"

    async def add_step(self) -> None:
        screen = self.client.screen
        text = screen.widget("text_input", "add_step_text")
        button = screen.widget("button", "add_step_submit")
        stage = screen.widget("selectbox", "add_step_stage")
        if text is None or button is None:
            return
        marker = self._marker("S")
        widgets = [
            widget_state(text.id, string_value=f"{marker} step by {self.rec.name}"),
            widget_state(button.id, trigger_value=True),
        ]
        if stage is not None and stage.options:
            widgets.append(widget_state(stage.id, string_value=self.rng.choice(list(stage.options))))
        await self._send(Action("step", self.rec.index, 0.0, _shows(marker), marker=marker), widgets, button)

    async def post_note(self) -> None:
        screen = self.client.screen
        text = screen.widget("text_area", f"{NOTE_FORM}_text")
        about = screen.widget("selectbox", f"{NOTE_FORM}_about")
        submit = screen.submit_button(NOTE_FORM)
        if text is None or about is None or submit is None:
            return
        stages = [o for o in about.options if o.startswith(t("kind.stage", "en") + ":")]
        marker = self._marker("N")
        widgets = [
            widget_state(text.id, string_value=f"{marker} note by {self.rec.name}"),
            widget_state(submit.id, trigger_value=True),
        ]
        if stages:
            widgets.append(widget_state(about.id, string_value=self.rng.choice(stages)))
        await self._send(Action("note", self.rec.index, 0.0, _shows(marker), marker=marker), widgets, submit)

    async def put_dot(self) -> None:
        """A click on the ballot's + or − (a live part, view ``dots``): as the component does,
        the new number from the ballot's own dots (``mine``, as the page last drew it), sent as
        the part's ``dot`` trigger in a run of the round panel's fragment. Acknowledged when a
        run draws the ballot with that number (:func:`_ballot_shows`)."""
        found = self.client.screen.ballot(self.plan.round_no)
        if found is None:
            return
        part, ballot = found
        mine = {str(k): int(v) for k, v in (ballot.get("mine") or {}).items()}
        budget, most = int(ballot.get("budget") or 0), int(ballot.get("max") or 0)
        left = budget - sum(mine.values())
        ids = [el["id"] for el in ballot.get("elements") or () if isinstance(el, dict) and el.get("id")]
        plus = [eid for eid in ids if left > 0 and mine.get(eid, 0) < most]  # the enabled buttons
        minus = [eid for eid in ids if mine.get(eid, 0) > 0]
        if plus and (not minus or self.rng.random() < 0.7):
            eid = self.rng.choice(plus)
            dots = mine.get(eid, 0) + 1
        elif minus:
            eid = self.rng.choice(minus)
            dots = mine.get(eid, 0) - 1
        else:
            return
        action = Action("dot", self.rec.index, 0.0, _ballot_shows(self.plan.round_no, eid, dots), dot=(eid, dots))
        value = {"about": eid, "dots": dots, "at": int(time.time() * 1000)}
        await self._send(action, [trigger_state(part.id, "dot", value)], part)
        if action.acked is not None:
            self.rec.dots[eid] = dots

    async def _send(self, action: Action, widgets, used) -> None:
        """Send ``widgets``' values, ``used`` being the one pressed: as a browser does, a rerun
        of the fragment that drew it if it is in one, else of the page."""
        c = self.client
        fragment = c.screen.fragment_of(used)
        runs = c.updates  # the answer may be a fragment run (a widget inside a fragment)
        full_runs = c.runs
        action.sent = time.monotonic()
        self.rec.actions.append(action)
        try:
            await c.send_rerun(widgets, fragment=fragment, auto=False)
        except Exception:  # noqa: BLE001 - the connection is gone: the action went nowhere
            action.unanswered = True
            return
        deadline = action.sent + ACK_TIMEOUT
        if action.marker is not None:
            await self._settle_marked(action, runs if fragment else full_runs, deadline, "updates" if fragment else "runs")
            return
        while not action.settled:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                action.unanswered = True
                break
            try:
                screen = await c.wait_run(after=runs, timeout=remaining, count="updates")
            except (TimeoutError, ConnectionError):
                action.unanswered = True
                break
            runs = c.updates
            _judge(action, screen)

    async def _settle_marked(self, action: Action, runs: int, deadline: float, count: str = "runs") -> None:
        """A step or note: its own run (the next complete run of the page: a click's rerun stops
        any run under way; of its fragment, were the form in one: ``count="updates"``) must end
        with no error, and its marker be on this screen: in that run's live state (a step added
        by the form's callback is in the board the run draws), or from the stream (a note posted from the sidebar's form is stored after the board
        was drawn: its own board shows it when the stream's message arrives)."""
        c = self.client
        try:
            screen = await c.wait_run(after=runs, timeout=max(0.0, deadline - time.monotonic()), count=count)
        except (TimeoutError, ConnectionError):
            action.unanswered = True
            return
        if action.marker in c.seen_markers or action.check(screen):
            action.acked = time.monotonic()
            return
        errors = screen.errors()
        if errors:
            action.refused = errors[0][:200]
            return
        try:
            await c.wait_marker(action.marker, timeout=max(0.0, deadline - time.monotonic()))
        except (TimeoutError, ConnectionError):
            action.unanswered = True
            return
        action.acked = time.monotonic()


def _shows(marker: str):
    return lambda screen: screen.contains(marker)


def _ballot_shows(round_no: int, eid: str, dots: int):
    """A run drew the ballot with my ``dots`` on ``eid`` (what the server stored)."""

    def check(screen: Screen) -> bool:
        found = screen.ballot(round_no)
        return found is not None and int((found[1].get("mine") or {}).get(eid, 0)) == dots

    return check


def _judge(action: Action, screen: Screen) -> None:
    if action.check(screen):
        action.acked = time.monotonic()
        return
    errors = screen.errors()
    if errors:
        action.refused = errors[0][:200]
