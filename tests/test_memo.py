"""workshop.memo: the bounded memory shared by the sessions (the board's cards, the network page,
the map's snapshots, the explorer): least recently used first out, one build per key at a time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from workshop.memo import Memo


def test_a_value_is_built_once_per_key_and_then_reused():
    memo: Memo[str] = Memo(4)
    built = []

    def make(text: str):
        def build() -> str:
            built.append(text)
            return text.upper()
        return build

    assert memo.get(("w", 1), make("a")) == "A"
    assert memo.get(("w", 1), make("b")) == "A"  # remembered: the second maker is not called
    assert memo.get(("w", 2), make("b")) == "B"
    assert built == ["a", "b"]


def test_the_least_recently_used_goes_first():
    memo: Memo[int] = Memo(2)
    memo.get(1, lambda: 1)
    memo.get(2, lambda: 2)
    memo.get(1, lambda: -1)  # 1 is used again: 2 is now the oldest
    memo.get(3, lambda: 3)
    assert len(memo) == 2
    assert memo.get(1, lambda: -1) == 1
    assert memo.get(2, lambda: -2) == -2  # forgotten, built again


def test_sessions_use_it_at_once():
    memo: Memo[int] = Memo(8)

    def session(n: int) -> None:
        for i in range(500):
            assert memo.get(i % 20, lambda i=i: i % 20) == i % 20

    with ThreadPoolExecutor(8) as sessions:
        list(sessions.map(session, range(8)))  # a failed assertion in a session is raised here
    assert len(memo) <= 8


def test_threads_that_miss_the_same_key_build_it_once():
    memo: Memo[str] = Memo(4)
    started, release = threading.Event(), threading.Event()
    builds: list[int] = []

    def slow() -> str:
        builds.append(1)
        started.set()
        assert release.wait(30)
        return "map"

    with ThreadPoolExecutor(6) as pages:
        first = pages.submit(memo.get, "v7", slow)
        assert started.wait(30)
        others = [pages.submit(memo.get, "v7", lambda: "a second build") for _ in range(5)]
        _wait_until(lambda: memo.waiting("v7") == 5)  # every other page waits for that build
        release.set()
        got = [first.result(30), *(o.result(30) for o in others)]
    assert got == ["map"] * 6 and builds == [1]


def test_a_failed_build_is_not_remembered_and_a_waiter_builds_it_itself():
    memo: Memo[str] = Memo(4)
    started, release = threading.Event(), threading.Event()

    def failing() -> str:
        started.set()
        assert release.wait(30)
        raise ValueError("the read failed")

    with ThreadPoolExecutor(2) as pages:
        first = pages.submit(memo.get, "v7", failing)
        assert started.wait(30)
        waiter = pages.submit(memo.get, "v7", lambda: "read again")
        _wait_until(lambda: memo.waiting("v7") == 1)
        release.set()
        with pytest.raises(ValueError, match="the read failed"):
            first.result(30)
        assert waiter.result(30) == "read again"  # the waiter's own build, after the failure
    assert memo.get("v7", lambda: "not built") == "read again"


def test_a_waiter_sees_its_own_build_fail():
    memo: Memo[str] = Memo(4)
    started, release = threading.Event(), threading.Event()

    def failing(why: str):
        def build() -> str:
            started.set()
            assert release.wait(30)
            raise ValueError(why)
        return build

    with ThreadPoolExecutor(2) as pages:
        first = pages.submit(memo.get, "v7", failing("first"))
        assert started.wait(30)
        waiter = pages.submit(memo.get, "v7", failing("second"))
        _wait_until(lambda: memo.waiting("v7") == 1)
        release.set()
        with pytest.raises(ValueError, match="first"):
            first.result(30)
        with pytest.raises(ValueError, match="second"):
            waiter.result(30)
    assert len(memo) == 0


def test_a_build_that_asks_for_its_own_key_raises_instead_of_waiting_for_itself():
    memo: Memo[str] = Memo(4)
    with pytest.raises(RuntimeError, match="while it is being built"):
        memo.get("k", lambda: memo.get("k", lambda: "never"))
    assert memo.get("k", lambda: "built") == "built"  # nothing left under way


def test_put_peek_and_values():
    memo: Memo[int] = Memo(2)
    assert memo.peek("a") is None
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.peek("a") == 1  # a use: b is now the oldest
    memo.put("c", 3)
    assert memo.peek("b") is None and memo.values() == [1, 3]
    memo.clear()
    assert memo.values() == [] and len(memo) == 0


def _wait_until(condition, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.005)


def test_a_build_that_takes_too_long_is_not_waited_for():
    memo: Memo[str] = Memo(4, patience=0.05)
    started, release = threading.Event(), threading.Event()

    def stuck() -> str:
        started.set()
        assert release.wait(30)
        return "late"

    with ThreadPoolExecutor(2) as pages:
        first = pages.submit(memo.get, "v7", stuck)
        assert started.wait(30)
        assert memo.get("v7", lambda: "own") == "own"  # built here, the other build still under way
        release.set()
        assert first.result(30) == "late"
