"""``/_kopkarta/health`` answers ``ok`` only while the database answers (issue 18: Streamlit's
own health check said ``ok`` while every page failed on a database that could not be read)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request

from web import health
from workshop.store import open_store


def _ask(store_of) -> tuple[int, str]:
    [route] = health.routes(store_of)
    request = Request({"type": "http", "method": "GET", "path": health.PATH, "headers": [], "query_string": b""})
    response = asyncio.run(route.endpoint(request))
    return response.status_code, response.body.decode()


def test_healthy_while_the_database_answers(db_path):
    store = open_store(db_path)
    try:
        assert _ask(lambda: store) == (200, "ok")
    finally:
        store.close()


def test_unhealthy_when_the_database_does_not_answer_and_says_no_more(db_path):
    store = open_store(db_path)
    store.close()
    status, body = _ask(lambda: store)
    assert status == 503 and body == "database unavailable"  # no file, no error text


def test_unhealthy_before_the_server_has_opened_its_store():
    def not_yet():
        raise KeyError("store")

    assert _ask(not_yet)[0] == 503


def test_the_ping_asks_the_database_on_both_engines(store):
    store.ping()  # answers
