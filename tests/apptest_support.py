"""Helpers for page tests: a database in a temp folder, a joined participant, a page under AppTest.

Usage::

    def test_something(app):
        at = app.open("process", workshop="demo")   # or workshop="blank"
        ...
        app.store  # the real Store behind the app (same process, shared with AppTest)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

from workshop import demo
from workshop.services import live
from workshop.services.app import shared_store
from workshop.services.maps import import_document

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class App:
    db_path: Path

    @property
    def store(self):
        return shared_store(self.db_path)

    def workshop(self, kind: str = "demo") -> live.Identity:
        """A workshop (the fleet demo, or a blank / b2b template) and a participant in it."""
        if kind == "demo":
            doc = demo.example("fleet")
            if not self.store.exists(doc["workshop"]["id"]):
                import_document(self.store, doc)
            code = self.store.workshop(doc["workshop"]["id"]).join_code
            return live.join(self.store, code, "Tester", "sales")
        made = live.create_workshop(self.store, title="Test workshop", language="en", template=kind, name="Tester", function="sales")
        return made.me

    def open(self, page: str, workshop: str = "demo", me: live.Identity | None = None, lang: str | None = None) -> AppTest:
        """The app at ``page`` as a joined participant; returns the AppTest after its first run."""
        me = me or self.workshop(workshop)
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.query_params["t"] = me.token
        if lang:
            at.query_params["lang"] = lang
        at.run()
        if page != "home":
            at.switch_page(f"views/{page}.py").run()
        self.me = me
        return at


def live_parts(at: AppTest) -> dict[str, dict]:
    """The page's live parts (:mod:`ui.live`) by view (``board``, ``clock``, ``results``,
    ``watch``): what each was given, ``{"cfg": ..., "live": {"structure", "state"}}``. The
    browser draws them (the browser tests look at that); here, what they draw from."""
    import json

    from workshop.services import live_state
    from workshop.services.app import shared_store

    out = {}
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json)
        data = json.loads(data) if isinstance(data, str) else data
        if not isinstance(data, dict) or "live" not in data:
            continue  # another component (ui.keep keeps a token or key; it draws nothing)
        if "state" not in data["live"]:  # on the screen since the last run: the browser kept it
            cfg = data["cfg"]
            wid, pid = live_state.viewer(shared_store(), cfg["auth"].get("t"), cfg["w"], cfg["auth"].get("code"))
            data["live"] = json.loads(live_state.state_json(shared_store(), wid, pid, cfg["view"], cfg["query"].get("seg")))
            data["kept"] = True
        out[data["cfg"]["view"]] = data
    return out


def clock(at: AppTest) -> dict:
    """The round's countdown as the clock part starts from: ``round`` (``remaining`` seconds as
    of the server's clock, ``running``, ``paused``, ``time_up``), ``voted`` and ``people``."""
    return live_parts(at)["clock"]["live"]["state"]


def board_texts(at: AppTest) -> list[str]:
    """Every text the page's live board draws from (stage names, steps, notes, criteria)."""
    state = live_parts(at)["board"]["live"]["state"]
    out = []
    for el in state["elements"]:
        for value in el["data"].values():
            out += value if isinstance(value, list) else [value]
    return [v for v in out if isinstance(v, str)]
