"""``GET /_kopkarta/events?t=TOKEN[&w=WORKSHOP]``: a workshop's event stream (server-sent events).

The browser opens it with the participant token of its link (an ``EventSource`` cannot send
headers, and the token is already in the page's address). The first event says "read the map
as of now"; then every commit's public change follows (:mod:`workshop.model.change_messages`),
and a comment line every :data:`HEARTBEAT` seconds keeps proxies from closing an idle stream.
A wrong token, or a token of another workshop, gets 403 and no stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from workshop.errors import Forbidden
from workshop.ports import Storage
from workshop.services.stream import Broadcaster, subscribe

PATH = "/_kopkarta/events"
HEARTBEAT = 15.0


def routes(live: Callable[[], tuple[Storage, Broadcaster]]) -> list[Route]:
    """The stream's route; ``live()`` gives the process's store and broadcaster (set up by the
    app's lifespan)."""

    async def events(request: Request) -> Response:
        store, broadcaster = live()
        try:
            sub, first = subscribe(
                store, broadcaster, request.query_params.get("t", ""), request.query_params.get("w"), asyncio.get_running_loop()
            )
        except Forbidden as exc:
            return PlainTextResponse(str(exc), status_code=403)

        async def stream():
            try:
                yield first
                while True:
                    try:
                        yield await asyncio.wait_for(sub.queue.get(), HEARTBEAT)
                    except asyncio.TimeoutError:
                        if await request.is_disconnected():
                            return
                        yield b": still here\n\n"
            finally:
                broadcaster.remove(sub)

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    return [Route(PATH, events, methods=["GET"])]
