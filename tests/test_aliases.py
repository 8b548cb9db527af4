"""``/home`` (the start page's name everywhere in the app) reaches the start page, with its query
(issue 17: it said "Page not found"): the route of :mod:`web.aliases`, called as the server
calls it."""

from __future__ import annotations

import asyncio

from starlette.requests import Request

from web import aliases


def _get(path: str, query: str = ""):
    route = next(r for r in aliases.routes() if r.path == path)
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": [],
             "scheme": "http", "server": ("127.0.0.1", 8501), "root_path": ""}
    return asyncio.run(route.endpoint(Request(scope)))


def test_home_goes_to_the_start_page_keeping_the_query():
    response = _get("/home", "join=ABC123&name=Anna")
    assert response.status_code == 307
    assert response.headers["location"] == "/?join=ABC123&name=Anna"
    assert _get("/home").headers["location"] == "/"
