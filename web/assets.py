"""The live parts' browser code (``web/component/``), served beside the pages.

Why not inline: a ``components.v2`` component's JavaScript and CSS travel inside the message of
every part, in every run of every page (three parts on the process page: about 98 KB a run,
measured by the load harness), and Streamlit caches none of it because each part's data
changes with the map. Served from here once, the browser keeps them (they are named by their
content's hash), and each part's message carries a few hundred bytes of loader
(:func:`loader_js`). Nothing comes from another host: the app works offline.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

PATH = "/_kopkarta/component"
FOLDER = Path(__file__).resolve().parent / "component"
#: the files the browser gets: ``live.js`` (the module the component loads), the modules it
#: imports, and the style sheet it puts beside each part
FILES = tuple(sorted(p.name for p in FOLDER.iterdir() if p.suffix in (".js", ".css")))


@lru_cache(maxsize=1)
def version() -> str:
    """A name of the files' content: a new release is a new address, so no browser keeps an old copy."""
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((FOLDER / name).read_bytes())
    return digest.hexdigest()[:16]


def loader_js() -> str:
    """The component's own JavaScript: it imports the module from :data:`PATH` (once per page,
    then from the browser's cache) and hands it each call Streamlit makes."""
    return (
        "// Köpkarta's live parts: the module is web/component/live.js, served by the app itself\n"
        f'const url = new URL("{PATH}/live.js?v={version()}", window.location.origin).href;\n'
        "let loading = null;\n"
        "export default function (component) {\n"
        "  loading = loading || import(url);\n"
        "  let cleanup = null;\n"
        "  let gone = false;\n"
        "  loading.then((m) => { if (!gone) cleanup = m.default(component); });\n"
        "  return () => { gone = true; if (cleanup) cleanup(); };\n"
        "}\n"
    )


class _Revalidated(StaticFiles):
    """The folder, each file checked again on every page load (``no-cache``, answered 304 when
    unchanged): ``live.js`` is asked for by its content's name, but the modules it imports are
    asked for by their plain names, and a browser must never keep an old one after an upgrade."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"
        return response


def routes() -> list[Mount]:
    return [Mount(PATH, app=_Revalidated(directory=FOLDER), name="kopkarta-component")]
