"""No guessing (issue 18, item 2): the guard's counters with an injected clock (no sleeps), and
the services refusing a guesser of each secret (join code, facilitator key, admin key) at once
after the limit, while another session of the same room with the right secret still gets in."""

from __future__ import annotations

import pytest

from workshop.errors import Forbidden, NotFound
from workshop.services import facilitation as fs
from workshop.services import live
from workshop.services.access import scope
from workshop.services.guard import GUARD, Caller, Guard, Policy, TooManyAttempts, guarded, wait_text
from workshop.services.maps import import_document

ROOM = "198.51.100.7"  # one address for a whole room (an office's NAT)
W = "fleet-launch"
ADMIN = "a-long-random-admin-key-for-tests"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    c = Clock()
    GUARD.clock = c  # the process's guard, which the services use (reset by conftest)
    return c


def _session(name: str, address: str = ROOM) -> Caller:
    return Caller(session=name, address=address)


def _fail(g: Guard, kind: str, who: Caller, times: int) -> None:
    for _ in range(times):
        g.check(kind, who)
        g.failed(kind, who)


# -- the guard alone ---------------------------------------------------------------------------
def test_a_few_failures_cost_nothing_then_the_wait_doubles():
    c = Clock()
    g = Guard(Policy(), clock=c)
    eve = _session("eve")
    _fail(g, "join", eve, 4)
    g.check("join", eve)  # four typos: no wait
    g.failed("join", eve)  # the fifth
    waits = []
    for _ in range(4):
        waits.append(g.wait("join", eve))
        with pytest.raises(TooManyAttempts):
            g.check("join", eve)
        c.now += waits[-1]
        g.check("join", eve)
        g.failed("join", eve)
    assert waits == [1.0, 2.0, 4.0, 8.0]


def test_twenty_failures_lock_the_session_out_for_fifteen_minutes():
    c = Clock()
    g = Guard(Policy(), clock=c)
    eve = _session("eve")
    for _ in range(20):
        c.now += g.wait("facilitator", eve)
        g.check("facilitator", eve)
        g.failed("facilitator", eve)
    assert g.wait("facilitator", eve) == 900
    with pytest.raises(TooManyAttempts) as refused:
        g.check("facilitator", eve)
    assert refused.value.retry_after == 900 and refused.value.params == {"wait": "15 min"}
    c.now += 899
    assert g.wait("facilitator", eve) == 1
    c.now += 1
    g.check("facilitator", eve)  # over: a fresh start
    g.failed("facilitator", eve)
    assert g.wait("facilitator", eve) == 0


def test_the_delays_are_capped_and_an_hour_of_guessing_gives_few_tries():
    c = Clock()
    g = Guard(Policy(), clock=c)
    eve = _session("eve")
    tries = 0
    while c.now < 1000 + 3600:
        wait = g.wait("admin", eve)
        if wait:
            c.now += wait
            continue
        g.check("admin", eve)
        g.failed("admin", eve)
        tries += 1
    assert wait <= 900
    assert tries <= 60  # one session: 20 tries, then a quarter of an hour of nothing, and again


def test_a_right_secret_forgets_the_sessions_failures():
    c = Clock()
    g = Guard(Policy(), clock=c)
    eve = _session("eve")
    _fail(g, "join", eve, 5)
    assert g.wait("join", eve) > 0
    c.now += 1
    g.check("join", eve)
    g.succeeded("join", eve)
    _fail(g, "join", eve, 4)
    assert g.wait("join", eve) == 0


def test_kinds_and_sessions_are_counted_apart():
    g = Guard(Policy(), clock=Clock())
    eve, ann = _session("eve"), _session("ann")
    _fail(g, "join", eve, 5)
    assert g.wait("join", eve) > 0
    assert g.wait("facilitator", eve) == 0  # another kind of secret
    assert g.wait("join", ann) == 0  # another session at the same address


def test_the_address_limit_stops_a_guesser_who_opens_a_session_per_guess():
    c = Clock()
    g = Guard(Policy(), clock=c)
    facilitator = _session("fia")
    g.succeeded("facilitator", facilitator)  # the room's facilitator, in before the guessing
    for n in range(100):
        c.now += 1
        _fail(g, "facilitator", _session(f"script-{n}"), 1)
    newcomer = _session("script-100")
    with pytest.raises(TooManyAttempts) as refused:
        g.check("facilitator", newcomer)
    assert refused.value.retry_after == 900 - 99  # when the first of the hundred is 15 min old
    g.check("facilitator", facilitator)  # one of the room: never refused for the address's sake
    assert g.wait("facilitator", _session("elsewhere", "203.0.113.5")) == 0  # another address
    assert g.wait("join", newcomer) == 0  # another kind
    c.now += 900 - 99
    g.check("facilitator", newcomer)


def test_routes_have_no_session_and_count_at_the_address():
    c = Clock()
    g = Guard(Policy(address_limit=3), clock=c)
    route = Caller(session=None, address=ROOM)
    _fail(g, "token", route, 3)
    with pytest.raises(TooManyAttempts):
        g.check("token", route)
    g.succeeded("token", route)  # a route's success trusts no one
    assert g.wait("token", route) == 900


def test_an_ipv6_network_is_one_address():
    g = Guard(Policy(address_limit=3), clock=Clock())
    for n in range(3):  # a guesser walking through the addresses of its own network
        g.failed("join", Caller(f"s{n}", f"2001:db8:1:2{n}::{n + 1}"))
    assert g.wait("join", Caller("s9", "2001:db8:1:ff::99")) > 0
    assert g.wait("join", Caller("s9", "2001:db8:1:100::1")) == 0  # another /56
    for n in range(3):
        g.failed("join", Caller(f"t{n}", "::ffff:192.0.2.1"))
    assert g.wait("join", Caller("t9", "192.0.2.1")) > 0  # the same IPv4 client, written as IPv6


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(Guard, "MAX_RECORDS", 10)
    g = Guard(Policy(), clock=Clock())
    for n in range(100):
        g.failed("join", Caller(f"s{n}", f"10.0.0.{n}"))
        g.succeeded("admin", Caller(f"s{n}", None))
    assert len(g._sessions) <= 10 and len(g._addresses) <= 10 and len(g._trusted) <= 10


def test_without_a_caller_nothing_is_counted():
    g = Guard(Policy(address_limit=1), clock=Clock())
    assert guarded("join", None, lambda: False, guard=g) is False
    assert g._addresses == {} and g._sessions == {}


@pytest.mark.parametrize("seconds, text", [(0.2, "1 s"), (1, "1 s"), (59.5, "60 s"), (119, "119 s"), (120, "2 min"), (900, "15 min")])
def test_the_wait_is_written_in_seconds_then_minutes(seconds, text):
    assert wait_text(seconds) == text


# -- the services, for each secret ---------------------------------------------------------------
@pytest.fixture
def room(duck_store, fleet):
    created = import_document(duck_store, fleet).created
    return duck_store, created


def test_join_codes_guessed_by_one_session_lock_it_alone(room, clock):
    store, created = room
    eve, ann = _session("eve"), _session("ann")
    for _ in range(20):
        clock.now += GUARD.wait("join", eve)
        with pytest.raises(NotFound):
            live.join(store, "ZZZZZZ", "Eve", caller=eve)
    with pytest.raises(TooManyAttempts):  # refused before the code is looked at: the right one too
        live.join(store, created.join_code, "Eve", caller=eve)
    ann_in = live.join(store, created.join_code, "Ann", caller=ann)  # the room goes on
    assert ann_in.workshop_id == W
    # the projector's view by its code is a join code as well
    assert live.presenter_access(store, W, created.join_code, caller=ann)
    with pytest.raises(TooManyAttempts):
        live.presenter_access(store, W, created.join_code, caller=eve)


def test_facilitator_keys_guessed_by_one_session_lock_it_alone(room, clock):
    store, created = room
    wid = W
    eve, fia = _session("eve"), _session("fia")
    for _ in range(20):
        clock.now += GUARD.wait("facilitator", eve)
        assert fs.is_facilitator(store, wid, "guess", caller=eve) is False
    with pytest.raises(TooManyAttempts):
        fs.is_facilitator(store, wid, created.facilitator_key, caller=eve)
    # an action with a guessed key is refused the same way (every action checks the key)
    with pytest.raises(TooManyAttempts):
        fs.lock(store, fs.Facilitator(wid, "guess", None, eve))
    assert fs.is_facilitator(store, wid, created.facilitator_key, caller=fia)
    state = fs.lock(store, fs.Facilitator(wid, created.facilitator_key, None, fia))
    assert state.locked
    with pytest.raises(Forbidden):  # a wrong key in an action counts like a typed one
        fs.unlock(store, fs.Facilitator(wid, "another guess", None, fia))


def test_admin_keys_guessed_by_one_session_lock_it_alone(clock):
    eve, pm = _session("eve"), _session("pm")
    for _ in range(20):
        clock.now += GUARD.wait("admin", eve)
        with pytest.raises(Forbidden) as wrong:
            scope(ADMIN, "guess", [], caller=eve)
        assert not isinstance(wrong.value, TooManyAttempts)
    with pytest.raises(TooManyAttempts):
        scope(ADMIN, ADMIN, [], caller=eve)
    assert scope(ADMIN, ADMIN, [], caller=pm).admin


def test_a_script_with_a_session_per_guess_meets_the_address_limit(room, clock):
    """A hundred wrong codes from one address in a quarter of an hour: a new session there is
    refused, those of the room already in are not, and another address is not."""
    store, created = room
    ann = _session("ann")
    live.join(store, created.join_code, "Ann", caller=ann)
    for n in range(100):
        with pytest.raises(NotFound):
            live.join(store, f"ZZZZ{n:02d}", "Bot", caller=_session(f"bot-{n}"))
    with pytest.raises(TooManyAttempts):
        live.join(store, created.join_code, "Bot", caller=_session("bot-100"))
    assert live.join(store, created.join_code, "Ann again", caller=ann).workshop_id == W
    assert live.join(store, created.join_code, "Far away", caller=_session("far", "203.0.113.9"))
    clock.now += 900
    assert live.join(store, created.join_code, "Bot", caller=_session("bot-101"))


def test_the_command_line_and_internal_calls_are_not_counted(room, clock):
    store, created = room
    GUARD.policy = Policy(free=0, lock_after=1, address_limit=1)
    for _ in range(3):
        with pytest.raises(NotFound):
            live.join(store, "ZZZZZZ", "Cli")  # no caller
    assert live.join(store, created.join_code, "Cli").workshop_id == W
