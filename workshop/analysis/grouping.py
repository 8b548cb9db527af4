"""Group texts that say the same thing in different words: "Lower fuel costs" in one workshop and
"lower fuel cost" in the next are one buying motive to a product manager.

Pure code of the texts alone (rapidfuzz; no store, no streamlit), so it sits beside the analysis
and the explorer's page, the command line and the tests group alike. The rules, chosen so a group is easy to explain and never surprising:

* **Normalisation** first: case, punctuation and repeated spaces do not count
  (rapidfuzz's ``default_process``, then spaces collapsed).
* **Similarity** is ``fuzz.token_sort_ratio`` (0–100): word order, plural endings and typos cost
  little. Not ``token_set_ratio``: it scores 100 whenever one text's words are a subset of the
  other's ("safety" and "driver safety and compliance"), which groups far too eagerly.
* **Numbers must agree**: texts whose numbers differ ("cut costs 10 %" and "cut costs 20 %",
  "Objection 1" and "Objection 11") are never grouped, however alike the rest is.
* **Leaders, not chains**: the most frequent text founds a group; each next text joins the
  group whose founder it resembles most (score ≥ the threshold), else founds its own. So a
  group never drifts from its founder by small steps (A≈B, B≈C, but A≠C).
* **Kept apart**: texts the user names stay alone, whatever their score.
* The threshold moves from 50 (eager) to 100 (only identical after normalisation).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process, utils

DEFAULT_THRESHOLD = 88
MIN_THRESHOLD = 50
MAX_THRESHOLD = 100

#: what :meth:`Grouping.buckets` sorts (a record with a ``text``)
T = TypeVar("T")

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+")


def normalise(text: str) -> str:
    """The form texts are compared in (lower case, no punctuation, single spaces)."""
    key = _SPACES.sub(" ", utils.default_process(text or "")).strip()
    return key or (text or "").strip()


def _numbers(key: str) -> tuple[str, ...]:
    return tuple(sorted(n.lstrip("0") or "0" for n in _NUMBER.findall(key)))


@dataclass(frozen=True)
class Group:
    """Texts taken as one: the key of the founding text, a label, and the members."""

    key: str
    #: the most frequent spelling of the group (ties: the first seen)
    label: str
    #: normalised keys of the members, the founder first
    members: tuple[str, ...]
    #: distinct spellings as written, most frequent first
    spellings: tuple[str, ...]
    #: how many texts (occurrences) fell into the group
    count: int


@dataclass(frozen=True)
class Grouping:
    groups: tuple[Group, ...]
    #: normalised key -> key of its group
    group_key: dict[str, str]
    #: normalised key -> its most frequent spelling
    spelling: dict[str, str]
    threshold: float
    by_key: dict[str, Group]
    #: each text as given -> its normalised key (so :meth:`of` need not normalise again)
    keys: dict[str, str]

    def of(self, text: str) -> Group:
        """The group of a text that was grouped."""
        key = self.keys.get(text)
        return self.by_key[self.group_key[key if key is not None else normalise(text)]]

    def buckets(self, items: Iterable[T]) -> dict[str, list[T]]:
        """Items (anything with the ``text`` that was grouped) by the key of their text's group,
        the groups in order of first appearance."""
        items = list(items)
        group_of = {text: self.of(text).key for text in {i.text for i in items}}
        out: dict[str, list[T]] = {}
        for item in items:
            out.setdefault(group_of[item.text], []).append(item)
        return out

    def joined(self) -> list[tuple[str, str, str]]:
        """(key, spelling, label of its group) for every text that joined another text's group:
        what the user may want to keep apart."""
        return [(key, self.spelling[key], g.label) for g in self.groups for key in g.members[1:]]


def group_texts(
    texts: Iterable[str],
    threshold: float = DEFAULT_THRESHOLD,
    keep_apart: Collection[str] = (),
) -> Grouping:
    """Group ``texts`` (repeats count towards a text's weight); see the module's rules."""
    return _group(tuple(texts), float(threshold), frozenset(normalise(k) for k in keep_apart))


@lru_cache(maxsize=32)
def _group(texts: tuple[str, ...], threshold: float, apart: frozenset[str]) -> Grouping:
    spellings: dict[str, Counter] = {}
    counts: Counter = Counter()
    text_keys: dict[str, str] = {}
    for text, n in Counter(texts).items():  # each distinct text is normalised once
        key = text_keys[text] = normalise(text)
        counts[key] += n
        spellings.setdefault(key, Counter())[text.strip()] += n
    first = {key: i for i, key in enumerate(spellings)}  # dicts keep first-seen order
    order = sorted(counts, key=lambda k: (-counts[k], first[k]))

    founders: dict[tuple[str, ...], list[str]] = {}  # founders by their numbers (blocking key)
    members: dict[str, list[str]] = {}
    group_key: dict[str, str] = {}
    for key in order:
        home = None
        if key not in apart and threshold < MAX_THRESHOLD:
            candidates = founders.get(_numbers(key), [])
            if candidates:
                best = process.extractOne(
                    key,
                    candidates,
                    scorer=fuzz.token_sort_ratio,
                    processor=None,
                    score_cutoff=threshold,
                )
                home = best[0] if best else None
        if home is None:
            members[key] = [key]
            group_key[key] = key
            if key not in apart:
                founders.setdefault(_numbers(key), []).append(key)
        else:
            members[home].append(key)
            group_key[key] = home

    groups = []
    for founder, keys in members.items():
        merged: Counter = Counter()
        for k in keys:
            merged.update(spellings[k])
        ranked = sorted(merged, key=lambda s: -merged[s])  # stable: first seen wins ties
        groups.append(
            Group(
                founder,
                ranked[0],
                tuple(keys),
                tuple(ranked),
                sum(counts[k] for k in keys),
            )
        )
    spelling = {k: max(c, key=c.__getitem__) for k, c in spellings.items()}
    return Grouping(
        tuple(groups),
        group_key,
        spelling,
        threshold,
        {g.key: g for g in groups},
        text_keys,
    )
