"""``/_kopkarta/health``: the server is healthy only if its database answers.

Why beside Streamlit's ``/_stcore/health``: that one says ``ok`` whenever the web server runs,
and the probe of issue 18 found it saying ``ok`` while every page failed on a database that could
not be read. This one asks the database (:meth:`workshop.ports.Storage.ping`, one small query)
and answers 503 when it does not answer, so HAProxy (``scripts/serve.sh`` checks this address)
takes such a process out of the rotation and sends its browsers to one that works. The answer
names no file, no error: the server's log has those (every store error is logged where it is
made).
"""

from __future__ import annotations

from typing import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from workshop.errors import KopkartaError

PATH = "/_kopkarta/health"


def routes(store_of: Callable[[], object]) -> list[Route]:
    async def health(_request: Request) -> PlainTextResponse:
        try:
            store = store_of()
            await run_in_threadpool(store.ping)  # a query may wait on the disk or the network
        except (KopkartaError, KeyError):  # the database failed, or the server is not started yet
            return PlainTextResponse("database unavailable", status_code=503, headers={"Cache-Control": "no-store"})
        return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})

    return [Route(PATH, health, methods=["GET", "HEAD"])]
