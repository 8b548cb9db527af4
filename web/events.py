"""The live parts' two routes, beside the pages:

* ``GET /_kopkarta/events?t=TOKEN[&w=WORKSHOP]``: a workshop's event stream (server-sent events).
  The browser opens it with the participant token of its link (an ``EventSource`` cannot send
  headers, and the token is already in the page's address); the projector's view opened
  without joining uses ``w=WORKSHOP&code=JOINCODE`` instead. The first event says "read the map
  as of now"; then every commit's public change follows (:mod:`workshop.model.change_messages`),
  and a ``ping`` event every :data:`HEARTBEAT` seconds of silence keeps proxies from closing an
  idle stream and tells the browser it is still alive.
* ``GET /_kopkarta/live?t=TOKEN&view=VIEW[&seg=SEGMENT]``: what one live part draws now, as
  JSON (:func:`workshop.services.live_state.state_json`), read by the part after a reconnect or
  a change the stream describes only as "read again".

A wrong token, or a token of another workshop, gets 403 and nothing else. Wrong ones are
counted at the client's address (:mod:`workshop.services.guard`, :mod:`web.client`): past the
address's limit the answer is 429 with ``Retry-After`` (seconds) until it is back under it.

When the server is told to stop (SIGTERM, Ctrl+C) every open stream ends (:func:`end_on_exit`):
uvicorn waits for every open response before the app's lifespan closes the store, and a stream
never ends by itself, so one open page kept the server from stopping (a supervisor then kills
it, and the store is not closed). The browsers reconnect to the next server.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable

from starlette.requests import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from workshop.errors import Forbidden, NotFound
from workshop.ports import Storage
from workshop.services import live_state
from workshop.services.guard import TooManyAttempts
from workshop.services.stream import END, Broadcaster, subscribe

from .client import route_caller

PATH = "/_kopkarta/events"
STATE_PATH = "/_kopkarta/live"
HEARTBEAT = 15.0
#: how long a browser waits before it reconnects a stream that broke (milliseconds)
RETRY_MS = 1000
#: sent every HEARTBEAT seconds of silence: a browser that hears nothing for much longer takes
#: the stream for dead (a phone that slept, a network that dropped it without a word) and reconnects
PING = b"event: ping\ndata: {}\n\n"


def too_many(exc: TooManyAttempts) -> Response:
    """429 with the seconds to wait, for a client that gave too many wrong tokens or codes."""
    return PlainTextResponse(str(exc), status_code=429, headers={"Retry-After": str(exc.retry_after)})


def end_on_exit(broadcaster: Broadcaster) -> None:
    """End every open stream when the server is told to stop. Called in the app's lifespan,
    on the event loop, where uvicorn has put its own handlers of SIGTERM and SIGINT: they are
    chained (first end the streams, then uvicorn's own stop), and uvicorn puts back the
    handlers it found when it stops."""
    if threading.current_thread() is not threading.main_thread():
        return  # signals are the main thread's (a test's server in a thread has none)
    loop = asyncio.get_running_loop()

    def chained(previous):
        def handler(sig, frame):  # not here: the handler may have cut into a holder of its lock
            loop.call_soon_threadsafe(broadcaster.end_streams)
            if callable(previous):
                previous(sig, frame)

        return handler

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, chained(signal.getsignal(sig)))


def routes(live: Callable[[], tuple[Storage, Broadcaster]]) -> list[Route]:
    """The stream's route; ``live()`` gives the process's store and broadcaster (set up by the
    app's lifespan)."""

    async def events(request: Request) -> Response:
        store, broadcaster = live()
        q = request.query_params
        loop = asyncio.get_running_loop()
        try:  # the token's look-up reads the database: not on the event loop
            sub, first = await run_in_threadpool(
                subscribe, store, broadcaster, q.get("t", ""), q.get("w"), loop, code=q.get("code"), caller=route_caller(request)
            )
        except TooManyAttempts as exc:
            return too_many(exc)
        except Forbidden as exc:
            return PlainTextResponse(str(exc), status_code=403)
        if broadcaster.stopping:
            broadcaster.remove(sub)
            return PlainTextResponse("the server is stopping", status_code=503)

        async def stream():
            try:
                yield f"retry: {RETRY_MS}\n\n".encode()
                yield first
                while True:
                    try:
                        data = await asyncio.wait_for(sub.queue.get(), HEARTBEAT)
                    except asyncio.TimeoutError:
                        if await request.is_disconnected():
                            return
                        yield PING  # keeps proxies from closing an idle stream; the browser watches for it
                        continue
                    if data is END:
                        return
                    yield data
            finally:
                broadcaster.remove(sub)

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    async def state(request: Request) -> Response:
        store, _ = live()
        q = request.query_params
        caller = route_caller(request)

        def read() -> bytes:
            wid, pid = live_state.viewer(store, q.get("t"), q.get("w"), q.get("code"), caller=caller)
            return live_state.state_json(store, wid, pid, q.get("view", "watch"), q.get("seg"))

        try:
            body = await run_in_threadpool(read)
        except TooManyAttempts as exc:
            return too_many(exc)
        except Forbidden as exc:
            return PlainTextResponse(str(exc), status_code=403)
        except NotFound as exc:  # a view that does not exist, a workshop deleted meanwhile
            return PlainTextResponse(str(exc), status_code=404)
        return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})

    return [Route(PATH, events, methods=["GET"]), Route(STATE_PATH, state, methods=["GET"])]
