"""The server: Streamlit's pages (``streamlit_app.py``) and the app's own routes, one ASGI app.

``streamlit run app.py`` (what ``scripts/start.sh`` runs) finds the :class:`streamlit.App`
below and serves it. Why an ``st.App`` rather than the page script alone: it has a lifespan,
so the store is opened once when the server starts and closed (with a checkpoint) when it
stops, and it serves routes beside the pages: the workshops' event stream and the live parts'
state (:mod:`web.events`), which send each change once to every screen instead of rerunning
pages (:mod:`ui.live`), the live parts' own JavaScript and CSS (:mod:`web.assets`), and in the
test mode the count of each screen's runs (:mod:`web.run_count`), and ``/home`` sent to the
start page (:mod:`web.aliases`).
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager

import pandas  # noqa: F401  (before any page runs: see below)
import streamlit as st

from ui.admin import configured_admin_key
from ui.failure import on_script_error
from web import aliases, assets, events, health, run_count, server, startup
from workshop.services import explore
from workshop.services.app import shared_store
from workshop.services.stream import Broadcaster

_live: dict[str, object] = {}

# pandas is imported here, once, before the server serves: Streamlit and plotly import it lazily
# while a page runs, and plotly treats a module that another session's thread is still importing
# as loaded. Two sessions racing on that first import gave one of them "partially initialized
# module 'pandas' has no attribute 'Series'" in the pipeline's chart (seen in a test run).

# Before uvicorn listens: a store that cannot open, or an admin key too short, stops the server
# with one line and status 1 rather than serving pages that can only fail (web.startup).
startup.open_or_exit(shared_store, configured_admin_key, st.get_option("server.address") or "", int(st.get_option("server.port")))
startup.log_to_stderr()  # after: a store that cannot open is told in one line, not twice


def _store_and_broadcaster():
    return _live["store"], _live["broadcaster"]


@asynccontextmanager
async def lifespan(_app):
    store = shared_store()  # the same store the pages get (ui.store)
    broadcaster = Broadcaster(store).start()
    _live.update(store=store, broadcaster=broadcaster)
    events.end_on_exit(broadcaster)  # open streams must not keep the server from stopping
    server.started()
    # the motive explorer's first view should not be the slow one: fill its cache meanwhile
    threading.Thread(target=explore.warm, args=(store,), name="kopkarta-warm", daemon=True).start()
    try:
        yield {"store": store, "broadcaster": broadcaster}
    finally:
        broadcaster.end_streams()
        server.stopped()
        broadcaster.stop()
        store.close()


app = st.App(
    "streamlit_app.py",
    lifespan=lifespan,
    on_script_error=on_script_error,  # a visitor never sees a traceback (ui.failure)
    routes=[*events.routes(_store_and_broadcaster), *assets.routes(), *run_count.routes(), *aliases.routes(),
            *health.routes(lambda: _live["store"])],
)
