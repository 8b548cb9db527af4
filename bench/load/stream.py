"""The browser's side of the live layer, without a browser: the workshop's event stream (what
an ``EventSource`` does with ``/_kopkarta/events``) and reading a live part's state
(``/_kopkarta/live``), over plain asyncio HTTP/1.1 (no aiohttp or httpx in the environment, and
none needed: one GET each, a chunked body).

:class:`EventStream` connects, reads ``text/event-stream`` (``retry:``, ``event:``, ``data:``
and ``:`` comment lines, events ended by a blank line), hands each event's JSON to a callback
with the time it arrived, and reconnects after the server's ``retry`` delay when the stream
breaks, as ``EventSource`` does (doubling it after an HTTP error, up to 15 s, as the app's
component does for a refused stream).

Behind HAProxy (the server setup, ``scripts/serve.sh``) a browser keeps the cookie HAProxy sets
(``KOPKARTA_SRV``) and so stays on one app process: a :class:`Jar` per participant, shared by
its websocket, its stream and its reads, does the same (every request sends what the jar holds
and keeps what the answer sets).
"""

from __future__ import annotations

import asyncio
import codecs
import json
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode, urlsplit

#: the stream's route and the live parts' state route (web/events.py)
EVENTS = "/_kopkarta/events"
STATE = "/_kopkarta/live"
#: how many script runs each participant's screen made, in the server's test mode (web/run_count.py)
RUNS = "/_kopkarta/test/runs"


class Jar:
    """One browser's cookies (name → value), as sent to and set by one site. Enough for
    HAProxy's stickiness cookie: no paths, domains or expiry (nothing here expires)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def take(self, set_cookies) -> None:
        """Keep what ``Set-Cookie`` header values set."""
        for line in set_cookies or ():
            pair = line.split(";", 1)[0]
            name, sep, value = pair.partition("=")
            if sep and name.strip():
                self.cookies[name.strip()] = value.strip()

    def get(self, name: str) -> str | None:
        return self.cookies.get(name)


class HttpError(Exception):
    def __init__(self, status: int, body: bytes = b""):
        super().__init__(f"HTTP {status}: {body[:200]!r}")
        self.status = status


def _address(base_url: str) -> tuple[str, int]:
    u = urlsplit(base_url)
    return u.hostname or "127.0.0.1", u.port or 80


async def _request(
    base_url: str, path: str, query: dict[str, str], *, accept: str, keep: bool, timeout: float, jar: Jar | None = None
):
    host, port = _address(base_url)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    target = f"{path}?{urlencode(query)}" if query else path
    cookie = f"Cookie: {jar.header()}\r\n" if jar is not None and jar.cookies else ""
    writer.write(
        (
            f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n{cookie}"
            f"Cache-Control: no-cache\r\nConnection: {'keep-alive' if keep else 'close'}\r\n\r\n"
        ).encode("latin-1")
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout)
    if not status_line:
        writer.close()
        raise ConnectionError("the server closed the connection before answering")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    set_cookies = []
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout)
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
        if name.strip().lower() == "set-cookie":
            set_cookies.append(value.strip())
    if jar is not None:
        jar.take(set_cookies)
    return status, headers, reader, writer


async def _chunks(reader: asyncio.StreamReader, headers: dict[str, str]):
    """The body's bytes as they come (chunked, by length, or until the connection closes)."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size_line = await reader.readline()
            if not size_line:
                return
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                return
            data = await reader.readexactly(size)
            await reader.readexactly(2)  # the chunk's CRLF
            yield data
    elif "content-length" in headers:
        left = int(headers["content-length"])
        while left > 0:
            data = await reader.read(min(left, 65536))
            if not data:
                return
            left -= len(data)
            yield data
    else:
        while data := await reader.read(65536):
            yield data


async def get(
    base_url: str, path: str, query: dict[str, str] | None = None, *, timeout: float = 30.0, jar: Jar | None = None
) -> bytes:
    """One GET; the body, or :class:`HttpError` for a status other than 200."""

    async def go() -> bytes:
        status, headers, reader, writer = await _request(
            base_url, path, query or {}, accept="application/json", keep=False, timeout=timeout, jar=jar
        )
        try:
            body = b"".join([c async for c in _chunks(reader, headers)])
        finally:
            writer.close()
        if status != 200:
            raise HttpError(status, body)
        return body

    return await asyncio.wait_for(go(), timeout)


async def get_json(
    base_url: str, path: str, query: dict[str, str] | None = None, *, timeout: float = 30.0, jar: Jar | None = None
):
    return json.loads(await get(base_url, path, query, timeout=timeout, jar=jar))


class _Parser:
    """``text/event-stream`` as the HTML standard reads it (enough of it for this stream)."""

    def __init__(self):
        self._decode = codecs.getincrementaldecoder("utf-8")()
        self._rest = ""
        self._event = ""
        self._data: list[str] = []
        self.retry_ms: int | None = None
        self.comments = 0

    def feed(self, data: bytes) -> list[tuple[str, str]]:
        text = self._rest + self._decode.decode(data)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._rest = lines.pop()
        out = []
        for line in lines:
            if not line:
                if self._data:
                    out.append((self._event or "message", "\n".join(self._data)))
                self._event, self._data = "", []
            elif line.startswith(":"):
                self.comments += 1
            else:
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    self._event = value
                elif name == "data":
                    self._data.append(value)
                elif name == "retry" and value.isdigit():
                    self.retry_ms = int(value)
        return out


class EventStream:
    """One screen's event stream; ``on_event(payload, arrived)`` gets each ``change`` event's
    JSON and ``time.monotonic()`` when its bytes arrived."""

    def __init__(
        self,
        base_url: str,
        query: dict[str, str],
        on_event: Callable[[dict, float], Awaitable[None]],
        jar: Jar | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.jar = jar
        self.query = query
        self.on_event = on_event
        self.retry = 1.0
        self.connects = 0  # connections opened (1 + reconnects)
        self.heartbeats = 0  # ": still here" comment lines
        self.errors: list[str] = []  # refused (an HTTP status other than 200), or not an event's JSON
        self.broken = 0  # connections that failed or broke (the server gone: reconnected after "retry")
        self.last_broken = ""
        self.open = asyncio.Event()  # set while connected (after the status line)
        self._task: asyncio.Task | None = None
        self._writer = None
        self._closed = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        self._closed = True
        if self._writer is not None:
            self._writer.close()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - closing
                pass

    async def _run(self) -> None:
        backoff = 1.0
        while not self._closed:
            try:
                await self._once()  # the server ended the stream (it is stopping): try again
                if not self._closed:
                    self.broken += 1
                    self.last_broken = "the server ended the stream"
                backoff = 1.0
                delay = self.retry
            except asyncio.CancelledError:
                raise
            except HttpError as exc:  # refused: the component tries again, later each time
                if len(self.errors) < 50:
                    self.errors.append(str(exc))
                delay, backoff = backoff, min(backoff * 2, 15.0)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, TimeoutError) as exc:
                if not self._closed:
                    self.broken += 1
                    self.last_broken = repr(exc)
                delay = self.retry
            finally:
                self.open.clear()
            if not self._closed:
                await asyncio.sleep(delay)

    async def _once(self) -> None:
        status, headers, reader, writer = await _request(
            self.base_url, EVENTS, self.query, accept="text/event-stream", keep=True, timeout=30.0, jar=self.jar
        )
        self._writer = writer
        try:
            if status != 200:
                body = b"".join([c async for c in _chunks(reader, headers)])
                raise HttpError(status, body)
            self.connects += 1
            self.open.set()
            parser = _Parser()
            async for data in _chunks(reader, headers):
                arrived = time.monotonic()
                events = parser.feed(data)
                self.heartbeats += parser.comments
                parser.comments = 0
                if parser.retry_ms is not None:
                    self.retry = parser.retry_ms / 1000
                for name, data_text in events:
                    if name != "change":
                        continue
                    try:
                        payload = json.loads(data_text)
                    except ValueError:
                        self.errors.append(f"not JSON: {data_text[:100]!r}")
                        continue
                    await self.on_event(payload, arrived)
        finally:
            writer.close()
            self._writer = None
