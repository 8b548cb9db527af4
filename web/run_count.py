"""How many script runs each participant's screen made, counted only in the test mode.

Why: the live layer's promise is that a screen runs no script when somebody else changes the
map (the change arrives on the event stream instead). A browser test proves it by asking the
server how many runs the watcher's session made before and after the change:
``GET /_kopkarta/test/runs`` (:func:`routes`), served only when the server was started with
``KOPKARTA_TEST_MODE=1``. Counted per participant token (``t`` of the page's address), by kind:
``run`` a full run of the page, ``asked`` a run a live part asked for, ``poll`` the safety net.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PATH = "/_kopkarta/test/runs"
_lock = threading.Lock()
_counts: dict[str, Counter] = {}


def enabled() -> bool:
    return os.environ.get("KOPKARTA_TEST_MODE") == "1"


def count(token: str | None, kind: str) -> None:
    """One more run of ``kind`` for the screen of ``token`` (nothing outside the test mode)."""
    if not token or not enabled():
        return
    with _lock:
        _counts.setdefault(token, Counter())[kind] += 1


def counts(token: str) -> dict[str, int]:
    with _lock:
        return dict(_counts.get(token, {}))


def routes() -> list[Route]:
    """The test mode's route (none outside it)."""
    if not enabled():
        return []

    async def runs(request: Request) -> Response:
        return JSONResponse(counts(request.query_params.get("t", "")))

    return [Route(PATH, runs, methods=["GET"])]
