"""Every user-facing text, in English, Swedish and Norwegian (bokmål).

Texts live in one JSON file per language (``en.json``, ``sv.json``, ``nb.json``) with the same
keys; a test proves no key is missing in any language. :func:`t` looks a key up and fills in
named placeholders (``{name}``). A missing key in a non-English file falls back to English
rather than crashing a workshop; the test makes sure that never ships.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "sv", "nb")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """All texts of one language (key -> text)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    text = resources.files(__package__).joinpath(f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(text)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``params``."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE)[key]
    return text.format_map(params) if params else text
