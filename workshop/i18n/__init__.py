"""Every user-facing text, in English, Swedish and Norwegian (bokmål).

Texts live in ``texts/<area>.json``, one file per part of the product (the analysis, the home
page, the process page, ...), each key holding its three languages side by side::

    {"home.title": {"en": "...", "sv": "...", "nb": "..."}}

so a missing translation is visible next to the others, and people working on different pages
never edit the same file. A test proves every key has all three languages with the same
placeholders and that no key is defined twice. :func:`t` looks a key up and fills in named
placeholders (``{name}``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "sv", "nb")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "sv": "Svenska", "nb": "Norsk bokmål"}


@lru_cache(maxsize=1)
def areas() -> dict[str, dict[str, dict[str, str]]]:
    """area name -> key -> language -> text, as written in ``texts/``."""
    folder = resources.files(__package__).joinpath("texts")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            out[entry.name[: -len(".json")]] = json.loads(entry.read_text(encoding="utf-8"))
    return out


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """All texts of one language (key -> text)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    out: dict[str, str] = {}
    for keys in areas().values():
        for key, texts in keys.items():
            if lang in texts:
                out[key] = texts[lang]
    return out


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``params``."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE)[key]
    return text.format_map(params) if params else text


def error_text(error: BaseException, lang: str = DEFAULT_LANGUAGE) -> str:
    """An error as a screen in ``lang`` shows it: its own text when it names one (``key``), a
    map format error's problems each in ``lang``, else its (English) message."""
    problems = getattr(error, "problems", None)
    if problems:
        shown = [_problem(p, lang) for p in problems[:5]]
        more = len(problems) - len(shown)
        return "; ".join(shown) + (f" (+{more})" if more > 0 else "")
    key = getattr(error, "key", None)
    if key and key in catalogue(DEFAULT_LANGUAGE):
        return t(key, lang, **_params(getattr(error, "params", {}), lang))
    return str(error)


def _params(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """An error's values, those that are i18n keys (``limit.what.step``) said in ``lang``."""
    return {k: t(v, lang) if isinstance(v, str) and v in catalogue(DEFAULT_LANGUAGE) else v for k, v in params.items()}


def _problem(problem: Any, lang: str) -> str:
    key = getattr(problem, "key", None)
    text = t(key, lang, **_params(problem.params, lang)) if key and key in catalogue(DEFAULT_LANGUAGE) else problem.message
    return f"{problem.place}: {text}" if problem.place else text
