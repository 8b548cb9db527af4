"""workshop.memo: the bounded memory shared by the sessions (the board's cards, the network page)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

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
