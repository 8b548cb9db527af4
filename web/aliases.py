"""Addresses people type that the pages do not have: ``/home`` is the start page's name in the
navigation (and in every link a facilitator reads out), but Streamlit serves its default page
at ``/`` only, so ``/home`` said "Page not found". A redirect keeps the query (a join code, a
participant's token)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

#: typed address -> the page's own address
ALIASES = {"/home": "/"}


def routes() -> list[Route]:
    def redirect(target: str):
        async def go(request: Request) -> RedirectResponse:
            query = request.url.query
            return RedirectResponse(f"{target}?{query}" if query else target, status_code=307)

        return go

    return [Route(path, redirect(target), methods=["GET", "HEAD"]) for path, target in ALIASES.items()]
