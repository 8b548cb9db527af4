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
    """The component the app registers is a loader of these files, which the app serves itself
    under a name that changes with their content (a browser never keeps an old copy)."""
    from web import assets

    assert {p.name for p in FILES} == set(assets.FILES) >= {"live.js", "live.css", "view.js", "hub.js"}
    assert "export default function" in (ASSETS / "live.js").read_text(encoding="utf-8")
    loader = assets.loader_js()
    assert f'"{assets.PATH}/live.js?v={assets.version()}"' in loader and "window.location.origin" in loader
    assert not re.search(r"https?://", loader)
    assert [r.path for r in assets.routes()] == [assets.PATH]


def _get(app, path: str) -> tuple[int, dict[str, str]]:
    """One GET through an ASGI app, in process (status and headers)."""
    import asyncio

    got: dict = {}
    path, _, query = path.partition("?")

    async def run() -> None:
        done = asyncio.Event()
        asked = []

        async def receive():
            if not asked:
                asked.append(1)
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()  # the client goes once the answer is complete
            return {"type": "http.disconnect"}

        async def send(message):
            if message["type"] == "http.response.start":
                got["status"] = message["status"]
                got["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
            elif not message.get("more_body"):
                done.set()

        await app(scope, receive, send)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "headers": [], "scheme": "http", "server": ("127.0.0.1", 80), "root_path": "", "http_version": "1.1"}
    asyncio.run(asyncio.wait_for(run(), 30))
    return got["status"], got["headers"]


def test_the_app_serves_the_files_with_their_types():
    """A module script needs a JavaScript type; the style sheet a CSS one; nothing else is served."""
    from starlette.applications import Starlette

    from web import assets

    app = Starlette(routes=assets.routes())
    status, headers = _get(app, f"{assets.PATH}/live.js?v={assets.version()}")
    assert status == 200 and "javascript" in headers["content-type"]
    assert headers["cache-control"] == "no-cache"  # checked again on every load (304 when unchanged)
    status, headers = _get(app, f"{assets.PATH}/live.css?v={assets.version()}")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert _get(app, f"{assets.PATH}/board.js")[0] == 200  # a module live.js imports
    assert _get(app, f"{assets.PATH}/../events.py")[0] == 404
    assert _get(app, f"{assets.PATH}/nothing.js")[0] == 404


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_address_outside_the_app(path):
    """Workshops run offline: no CDN, no web font, no address of another host."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import", text, re.I), path.name
    if path.suffix == ".css":
        assert "url(" not in text, path.name
    else:  # the only addresses the browser asks for are the app's own routes and modules
        assert set(re.findall(r'"(/[^"]*)"', text)) <= {"/_kopkarta/events", "/_kopkarta/live"}
        assert set(re.findall(r'from "([^"]*)"', text)) <= {f"./{p.name}" for p in FILES}


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".js"], ids=lambda p: p.name)
def test_text_is_never_set_as_markup(path):
    """Every text people typed goes in with ``textContent`` / text nodes: no HTML parsing of
    data anywhere in the component, and no code made from strings."""
    code = re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))  # comments may name what is not done
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "createContextualFragment", "DOMParser"):
        assert sink not in code, sink


def test_every_text_a_part_shows_is_translated():
    """The texts each part is given exist in every language (the i18n test checks them all)."""
    from workshop.i18n import LANGUAGES, catalogue

    for keys in live._TEXTS.values():
        for key in keys:
            for lang in LANGUAGES:
                assert key in catalogue(lang), (key, lang)
