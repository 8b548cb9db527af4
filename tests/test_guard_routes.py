"""No guessing on the live routes (issue 18, item 2): ``/_kopkarta/events`` and
``/_kopkarta/live`` over real HTTP (uvicorn on a free port, a real DuckDB store). A wrong token or
join code is counted at the client's address; past the limit a wrong one is answered 429 with
``Retry-After``, while a right token from the same address is still answered (a room's streams
never stop for a guesser at the room's address). The client's address comes from
``X-Forwarded-For`` only when the connection comes from the trusted proxy (uvicorn's
``FORWARDED_ALLOW_IPS``, which the scripts set from ``KOPKARTA_TRUSTED_PROXY``)."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request

import pytest
import uvicorn
from starlette.applications import Starlette

from web import events
from workshop.services import live
from workshop.services.guard import GUARD, Policy
from workshop.services.maps import import_document
from workshop.services.stream import Broadcaster

W = "fleet-launch"


class _Served:
    """The live routes on a free port; ``trusted``: the proxies whose X-Forwarded-For counts."""

    def __init__(self, store, trusted: str):
        import socket

        self.broadcaster = Broadcaster(store).start()
        app = Starlette(routes=events.routes(lambda: (store, self.broadcaster)))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", forwarded_allow_ips=trusted)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.02)

    def get(self, path: str, forwarded_for: str | None = None) -> tuple[int, object]:
        request = urllib.request.Request(self.base + path)
        if forwarded_for:
            request.add_header("X-Forwarded-For", forwarded_for)
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                if path.startswith(events.PATH):
                    resp.readline()  # the stream is open: its first line is enough
                else:
                    resp.read()
                return resp.status, resp.headers
        except urllib.error.HTTPError as err:
            return err.code, err.headers

    def stop(self):
        self.broadcaster.end_streams()
        self.broadcaster.stop()
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture
def room(duck_store, fleet):
    created = import_document(duck_store, fleet).created
    anna = live.join(duck_store, created.join_code, "Anna", "sales")
    GUARD.policy = Policy(address_limit=5)  # the same rule as 100, sooner
    yield duck_store, created, anna


@pytest.fixture
def served(room):
    store = room[0]
    made = []

    def serve(trusted: str = "") -> _Served:
        made.append(_Served(store, trusted))
        return made[-1]

    yield serve
    for s in made:
        s.stop()


@pytest.mark.parametrize("route", [events.STATE_PATH, events.PATH])
def test_wrong_tokens_get_429_with_retry_after_and_the_right_token_still_works(room, served, route):
    _, created, anna = room
    server = served()
    view = "&view=watch" if route == events.STATE_PATH else ""
    codes = [server.get(f"{route}?t=guess-{n}{view}")[0] for n in range(5)]
    assert codes == [403] * 5
    status, headers = server.get(f"{route}?t=guess-6{view}")
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 900
    assert server.get(f"{route}?t={anna.token}{view}")[0] == 200  # the room's own screens go on
    # a projector guessing join codes is counted the same way, and refused the same way
    status, headers = server.get(f"{route}?w={W}&code=ZZZZZZ{view}")
    assert status == 403  # codes and tokens are counted apart
    for n in range(5):
        server.get(f"{route}?w={W}&code=ZZZZ{n}{n}{view}")
    status, headers = server.get(f"{route}?w={W}&code=ZZZZ99{view}")
    assert status == 429 and int(headers["Retry-After"]) >= 1
    assert server.get(f"{route}?w={W}&code={created.join_code}{view}")[0] == 200


def test_the_address_comes_from_the_trusted_proxy_alone(room, served):
    """Behind the trusted proxy, two clients it names are counted apart; without trust, a
    forged X-Forwarded-For changes nothing: every guess counts at the real peer."""
    path = events.STATE_PATH + "?view=watch&t="
    proxied = served("127.0.0.1")
    for n in range(6):
        proxied.get(f"{path}guess-{n}", forwarded_for="203.0.113.1")
    assert proxied.get(f"{path}guess-x", forwarded_for="203.0.113.1")[0] == 429
    # a client's own header is kept by the proxy, which appends the real address: the last counts
    assert proxied.get(f"{path}guess-y", forwarded_for="203.0.113.1, 203.0.113.2")[0] == 403
    GUARD.clear()
    direct = served("")
    for n in range(6):
        direct.get(f"{path}guess-{n}", forwarded_for=f"198.51.100.{n}")  # a new "address" each time
    assert direct.get(f"{path}guess-z", forwarded_for="198.51.100.99")[0] == 429
