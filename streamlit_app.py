"""Köpkarta's entry point: the navigation between the app's pages.

Run with ``streamlit run streamlit_app.py`` (or the README's start command). Pages live in
``views/`` and stay thin: they read through :mod:`workshop.services` and render. Every page has
a stable address (``/process``, ``/group``, ...), the same in every language.
"""

import copy
import gc

import streamlit as st

from ui import live
from ui.a11y import document_semantics
from ui.session import app_language
from web import run_count, server
from workshop.i18n import t

st.set_page_config(page_title="Köpkarta", page_icon="🧭", layout="wide")
run_count.count(st.query_params.get("t"), "run")  # the test mode counts each screen's runs


@st.cache_resource(show_spinner=False)
def _freeze_startup_objects() -> bool:
    """Once per server process, at its first page run: what the imports and the start made
    (over 100,000 objects: modules, classes, functions) is moved out of the garbage
    collector's reach (``gc.freeze``). The collector's full passes then look only at what the
    sessions made since: with 50 participants a full pass came once or twice every 10 s and
    held up every page run in the process for 80–210 ms (it holds the GIL); after the freeze,
    30–75 ms (bench/RESULTS.md, "load history"). Only on a real server: AppTest runs in the
    test process."""
    if server.running():
        gc.collect()
        gc.freeze()
    return True


_freeze_startup_objects()
lang = app_language()

PAGES = {
    "nav.section.workshop": [("home", ":material/home:"), ("facilitate", ":material/tune:"), ("present", ":material/present_to_all:")],
    "nav.section.map": [
        ("process", ":material/route:"),
        ("group", ":material/groups:"),
        ("motives", ":material/target:"),
        ("friction", ":material/report:"),
        ("consensus", ":material/handshake:"),
        ("map", ":material/hub:"),
        ("insights", ":material/insights:"),
    ],
    "nav.section.after": [("deals", ":material/work:"), ("actions", ":material/checklist:"), ("export", ":material/download:")],
    "nav.section.across": [("explore", ":material/travel_explore:"), ("pipeline", ":material/view_kanban:")],
}


def _navigation(lang: str) -> dict:
    """The sections and their pages in ``lang``, built once per browser session and language:
    ``st.Page`` resolves its file on the disk, which every rerun of every participant's page
    would otherwise repeat. (Kept per session, not per process: a page object records whether
    it may still run in the current run, so two sessions must not share one; and each run gets
    shallow copies: a full rerun asked while a run is under way starts a new script thread before
    the old one has stopped, and two runs flipping one shared flag made ``.run()`` refuse the
    page now and then under load.)"""
    built = st.session_state.setdefault("_nav", {})
    if lang not in built:
        built[lang] = {
            t(section, lang): [
                st.Page(f"views/{name}.py", title=t(f"nav.{name}", lang), icon=icon, url_path=name, default=(name == "home"))
                for name, icon in pages
            ]
            for section, pages in PAGES.items()
        }
        # the customer's page of a shared deal plan: reached by its link only, never listed
        built[lang][t("nav.section.after", lang)].append(
            st.Page("views/plan.py", title=t("plan.page.title", lang), icon=":material/handshake:", url_path="plan", visibility="hidden")
        )
    return {section: [copy.copy(p) for p in pages] for section, pages in built[lang].items()}


page = st.navigation(_navigation(lang), expanded=True)  # every page listed: no "View N more" in English on a Swedish screen
live.new_run(page.url_path)  # which live parts are on the screen already (ui.live)
document_semantics(lang)  # <html lang> and the navigation's lists, set in the browser (ui.a11y)
page.run()
