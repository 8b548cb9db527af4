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


# The glossary (issue 17): a buying *stage* (a column of the map, with exit criteria) and a customer
# *step* (something the customer does within a stage, or the deal's next internal step) are two
# words in every language, never one word for both:
#   sv: stage = fas (fasen, faser, faserna; köpfas, säljfas)  step = steg (steget, stegen; kundsteg)
#   nb: stage = fase (fasen, faser, fasene; kjøpsfase, salgsfase)  step = steg (steget, stegene; kundesteg), never "trinn"
# The workshop's own agenda *phases* are also "fas"/"fase"; the English says "phase" there, so they are not checked.
EN_STAGE = re.compile(r"\bstages?\b", re.IGNORECASE)
EN_STEP = re.compile(r"\bsteps?\b", re.IGNORECASE)
STEP_WORDS = {
    # any word containing the step word, so compounds such as "säljsteg" and "köpsteg" count too
    "sv": re.compile(r"\w*steg\w*", re.IGNORECASE),
    "nb": re.compile(r"\w*steg\w*", re.IGNORECASE),
}
STAGE_WORDS = {
    # the stage word and its compounds ("köpfas"), but not "fast", "fastna" or "fasilitator"
    "sv": re.compile(r"\w*fas(?:en|er|erna|ens|ernas)?\b", re.IGNORECASE),
    "nb": re.compile(r"\w*fase(?:n|r|ne|ns|nes)?\b", re.IGNORECASE),
}
NB_TRINN = re.compile(r"\w*trinn\w*", re.IGNORECASE)
# (key, language) -> why that text may break the rule. Keep this short, and say why.
GLOSSARY_EXCEPTIONS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_stages_and_steps_keep_their_own_words(lang):
    """A text about a stage never says "steg"; a text about a step never says "fas"/"fase"."""
    en, texts = catalogue("en"), catalogue(lang)
    wrong = []
    for key, english in sorted(en.items()):
        if (key, lang) in GLOSSARY_EXCEPTIONS:
            continue
        text, found = texts[key], []
        stage, step = bool(EN_STAGE.search(english)), bool(EN_STEP.search(english))
        if stage and not step:
            found += STEP_WORDS[lang].findall(text)
        if step and not stage:
            found += STAGE_WORDS[lang].findall(text)
        if stage and step and not STAGE_WORDS[lang].search(text):
            found.append("(both in one text, but the stage is not called a stage)")
        if lang == "nb":
            found += NB_TRINN.findall(text)
        if found:
            wrong.append(f"{key}: {found} in {text!r} (en: {english!r})")
    assert wrong == [], f"{lang}: a stage is a fas/fase and a step is a steg:\n" + "\n".join(wrong)
