"""No guessing (issue 18): wrong join codes, facilitator keys, admin keys and participant tokens
are counted, and a caller who keeps guessing waits, then is locked out for a while.

Why here and in memory: the secrets are checked by the services (the pages and the live routes
only pass them on), so one guard in front of each check covers every way in. Before it, a
script typed 200 wrong keys into the UI as fast as it could, and through the services about
1,000 a second. Counting lives in this process's memory: it is about the last few minutes, is
lost with nothing of value when the server restarts, and in the server setup each app process
counts its own callers (HAProxy's cookie keeps a browser on one process).

Two counters for each kind of secret:

* **per browser session** (the Streamlit session; the one a script drives): the first
  :attr:`Policy.free` failures cost nothing (a typo or two); from then on each next try must
  wait, 1 s after the fifth failure and twice as long after each further one (at most
  :attr:`Policy.max_delay`); after :attr:`Policy.lock_after` failures the session is locked out
  for :attr:`Policy.lock_seconds`. A right secret forgets the session's failures.
* **per client address** (the browser's address, or the one a trusted proxy names): at most
  :attr:`Policy.address_limit` failures in :attr:`Policy.window`, whichever sessions made them
  (a script that opens a new session per guess). A room behind one office or hotel address
  shares it, so the limit is high, and a session that has already given the right secret of
  that kind (the facilitator's console, a participant already in) is never refused for the
  address's sake: the room's own work goes on while a guesser at the same address waits.

A refusal happens before the secret is looked at, so a locked-out guesser learns nothing; it
raises :class:`TooManyAttempts` with the seconds to wait, which every page shows in the
viewer's language and the live routes answer as 429 with ``Retry-After``. A call without a
:class:`Caller` (the command line, the services calling each other) is not counted.

The clock is injectable (``Guard(clock=...)``) so the tests need no sleeps.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ..errors import Forbidden, NotFound

#: the kinds of secret counted apart: a wrong join code does not bring a facilitator key's lockout
KINDS = ("join", "facilitator", "admin", "token", "plan")
#: the address of a caller whose address is unknown (a local browser: Streamlit names none)
LOCAL = "local"

T = TypeVar("T")


class TooManyAttempts(Forbidden):
    """Refused without looking at the secret: too many wrong ones; ``retry_after`` seconds to wait."""

    default_key = "error.too_many_attempts"

    def __init__(self, kind: str, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"too many wrong {kind} attempts: try again in {self.retry_after} s", wait=wait_text(self.retry_after))


def wait_text(seconds: float) -> str:
    """How long to wait, as every language writes it: ``40 s`` under two minutes, else ``12 min``."""
    seconds = max(1, math.ceil(seconds))
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"


@dataclass(frozen=True)
class Policy:
    """The limits (README "Guessing" and SECURITY.md give the cost of a guess under them)."""

    free: int = 5  # failures of a session before the first delay
    first_delay: float = 1.0  # seconds to wait after the ``free``-th failure; doubles after each next one
    max_delay: float = 60.0
    lock_after: int = 20  # failures of a session that lock it out
    lock_seconds: float = 900.0
    address_limit: int = 100  # failures of an address within ``window``
    window: float = 900.0

    def delay(self, failures: int) -> float:
        """Seconds a session with ``failures`` failures waits after its last one."""
        if failures < self.free:
            return 0.0
        return min(self.max_delay, self.first_delay * 2 ** (failures - self.free))


@dataclass(frozen=True)
class Caller:
    """Who is trying: a browser session's id (None for an HTTP route, which has none) and its
    client address (None: unknown, a local browser)."""

    session: str | None
    address: str | None = None


@dataclass
class _Session:
    failures: int = 0
    last: float = 0.0
    locked_until: float = 0.0


class Guard:
    """The counters of one process (:data:`GUARD`); tests make their own with a fake clock."""

    #: records kept at most (the oldest are dropped: a flood of new sessions cannot fill memory;
    #: a dropped session's failures still count at its address)
    MAX_RECORDS = 50_000

    def __init__(self, policy: Policy | None = None, clock: Callable[[], float] = time.monotonic):
        self.policy = policy or Policy()
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions: OrderedDict[tuple[str, str], _Session] = OrderedDict()
        self._addresses: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._trusted: OrderedDict[tuple[str, str], None] = OrderedDict()

    # -- the three steps of a check ------------------------------------------------------------
    def check(self, kind: str, caller: Caller) -> None:
        """Raise :class:`TooManyAttempts` when ``caller`` must wait before trying ``kind`` again."""
        now = self.clock()
        with self._lock:
            wait = max(self._session_wait(kind, caller.session, now), self._address_wait(kind, caller, now))
        if wait > 0:
            raise TooManyAttempts(kind, wait)

    def failed(self, kind: str, caller: Caller) -> None:
        """Count a wrong secret."""
        now, p = self.clock(), self.policy
        with self._lock:
            if caller.session is not None:
                s = self._record(self._sessions, (kind, caller.session), _Session)
                if s.locked_until and now >= s.locked_until:
                    s.failures, s.locked_until = 0, 0.0  # the lockout is over: start again
                s.failures += 1
                s.last = now
                if s.failures >= p.lock_after:
                    s.locked_until = now + p.lock_seconds
            # only the last ``address_limit`` failures matter: the oldest of them says when the
            # address is back under the limit
            times = self._record(self._addresses, (kind, _address(caller)), lambda: deque(maxlen=p.address_limit))
            times.append(now)
            self._expire(times, now)

    def succeeded(self, kind: str, caller: Caller) -> None:
        """A right secret: forget the session's failures; from now on the session is one of the
        room's, never refused because of its address."""
        if caller.session is None:
            return
        with self._lock:
            self._sessions.pop((kind, caller.session), None)
            self._record(self._trusted, (kind, caller.session), lambda: None)

    def wait(self, kind: str, caller: Caller) -> float:
        """Seconds ``caller`` must wait before trying ``kind`` again (0: may try now)."""
        try:
            self.check(kind, caller)
        except TooManyAttempts as exc:
            return float(exc.retry_after)
        return 0.0

    def clear(self) -> None:
        with self._lock:
            self._sessions.clear()
            self._addresses.clear()
            self._trusted.clear()

    # -- inside ------------------------------------------------------------------------------
    def _session_wait(self, kind: str, session: str | None, now: float) -> float:
        s = self._sessions.get((kind, session)) if session is not None else None
        if s is None:
            return 0.0
        if s.locked_until:
            return max(0.0, s.locked_until - now)
        return max(0.0, s.last + self.policy.delay(s.failures) - now)

    def _address_wait(self, kind: str, caller: Caller, now: float) -> float:
        if caller.session is not None and (kind, caller.session) in self._trusted:
            return 0.0
        times = self._addresses.get((kind, _address(caller)))
        if not times:
            return 0.0
        self._expire(times, now)
        over = len(times) - self.policy.address_limit
        if over < 0:
            return 0.0
        return max(0.0, times[over] + self.policy.window - now)  # when it is back under the limit

    def _expire(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.policy.window:
            times.popleft()

    def _record(self, table: OrderedDict, key, make):
        value = table.get(key)
        if value is None and key not in table:
            value = table[key] = make()
            while len(table) > self.MAX_RECORDS:
                table.popitem(last=False)
        else:
            table.move_to_end(key)
        return value


def _address(caller: Caller) -> str:
    """The address a caller is counted at: an IPv4 address as it is, an IPv6 address by its /56
    network (one home or office gets at least a /64 and often a /56 of its own: counting each of
    its addresses apart would give a guesser billions of them)."""
    address = caller.address
    if not address:
        return LOCAL
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/56", strict=False))


#: the process's guard, which the pages and routes use
GUARD = Guard()


def guarded(kind: str, caller: Caller | None, check: Callable[[], T], *, guard: Guard | None = None) -> T:
    """Run ``check`` (a secret's look-up) under the guard: refused at once while ``caller`` must
    wait; a falsy result, :class:`NotFound` or :class:`Forbidden` counts as a wrong secret,
    anything else as a right one. Without a caller, ``check`` alone runs."""
    if caller is None:
        return check()
    g = guard or GUARD
    g.check(kind, caller)
    try:
        result = check()
    except (NotFound, Forbidden) as exc:
        if not isinstance(exc, TooManyAttempts):
            g.failed(kind, caller)
        raise
    if result:
        g.succeeded(kind, caller)
    else:
        g.failed(kind, caller)
    return result
