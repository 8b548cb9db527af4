"""The live parts' browser code (``web/component/``), checked on its source: it works offline
and sets every text as text. (What it draws, and that hostile text stays inert, is proven in a
real browser: ``tests/e2e``.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui import live

ASSETS = Path(__file__).resolve().parents[1] / "web" / "component"
FILES = sorted(ASSETS.glob("*.js")) + sorted(ASSETS.glob("*.css"))


def test_the_component_is_the_code_in_the_repo():
    """What the app registers is these files, inlined in the page: nothing is fetched."""
    assert {p.name for p in FILES} == {"live.js", "live.css"}
    js = (ASSETS / "live.js").read_text(encoding="utf-8")
    assert "export default function" in js


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_address_outside_the_app(path):
    """Workshops run offline: no CDN, no web font, no address of another host."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import", text, re.I), path.name
    if path.suffix == ".css":
        assert "url(" not in text, path.name
    else:  # the only addresses the browser asks for are the app's own routes
        assert set(re.findall(r'"(/[^"]*)"', text)) == {"/_kopkarta/events", "/_kopkarta/live"}


def test_text_is_never_set_as_markup():
    """Every text people typed goes in with ``textContent`` / text nodes: no HTML parsing of
    data anywhere in the component, and no code made from strings."""
    js = (ASSETS / "live.js").read_text(encoding="utf-8")
    code = re.sub(r"//[^\\n]*", "", js)  # comments may name what is not done
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "createContextualFragment", "DOMParser"):
        assert sink not in code, sink
    assert "textContent" in code


def test_every_text_a_part_shows_is_translated():
    """The texts each part is given exist in every language (the i18n test checks them all)."""
    from workshop.i18n import LANGUAGES, catalogue

    for keys in live._TEXTS.values():
        for key in keys:
            for lang in LANGUAGES:
                assert key in catalogue(lang), (key, lang)
