"""The text catalogues: the same keys and placeholders in every language, and a stable file format."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from workshop.i18n import LANGUAGES, areas, catalogue

I18N = Path(__file__).resolve().parents[1] / "workshop" / "i18n"


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_keys_as_english(lang):
    en, other = set(catalogue("en")), set(catalogue(lang))
    assert sorted(en - other) == [], f"missing in {lang}.json"
    assert sorted(other - en) == [], f"only in {lang}.json, not in en.json"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_english(lang):
    en = catalogue("en")
    for key, text in catalogue(lang).items():
        assert placeholders(text) == placeholders(en[key]), f"{lang}.json {key}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_texts_are_non_empty_strings(lang):
    for key, text in catalogue(lang).items():
        assert isinstance(text, str) and text.strip(), f"{lang}.json {key}"


def test_every_key_has_every_language_once():
    seen: dict[str, str] = {}
    for area, keys in areas().items():
        for key, texts in keys.items():
            assert key not in seen, f"{key} is defined in {seen.get(key)} and {area}"
            seen[key] = area
            assert sorted(texts) == sorted(LANGUAGES), f"texts/{area}.json {key}: {sorted(texts)}"


@pytest.mark.parametrize("path", sorted((I18N / "texts").glob("*.json")), ids=lambda p: p.name)
def test_file_format_is_stable(path):
    """Sorted keys, 2-space indent, real UTF-8 characters: merges stay small and readable."""
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_pages_show_no_untranslated_literal_text():
    """Pages and UI helpers pass no hard-coded words to Streamlit: every text comes from t()."""
    import ast

    root = Path(__file__).resolve().parents[1]
    shown = {
        "title", "header", "subheader", "markdown", "caption", "text", "write", "info", "warning", "error",
        "success", "button", "form_submit_button", "download_button", "text_input", "text_area", "selectbox",
        "multiselect", "radio", "checkbox", "toggle", "expander", "tabs", "metric", "page_link", "popover",
        "select_slider", "number_input", "date_input", "segmented_control", "toast", "link_button",
    }
    offenders = []
    for path in sorted((root / "views").glob("*.py")) + sorted((root / "ui").glob("*.py")) + [root / "streamlit_app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in shown):
                continue
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.endswith(".py"):
                    continue  # a page's file, not a text
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and any(ch.isalpha() for ch in arg.value):
                    offenders.append(f"{path.name}:{node.lineno} {arg.value[:40]!r}")
                if isinstance(arg, ast.JoinedStr):
                    literal = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
                    # icons (:material/x:), colours (:red[...]) and HTML markup are not words
                    literal = re.sub(r":material/[a-z_]+:|:[a-z]+\[|<[^>]*>?|[a-z-]+:[^;\"]*;?|&[a-z]+;", " ", literal)
                    words = [w for w in literal.replace("*", " ").split() if sum(ch.isalpha() for ch in w) > 2]
                    if words:
                        offenders.append(f"{path.name}:{node.lineno} {literal[:40]!r}")
    assert offenders == [], "\n".join(offenders)
