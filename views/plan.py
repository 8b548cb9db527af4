"""The customer's page of a deal plan: ``/plan?s=TOKEN``, opened from the link (or QR code) the
seller shares. No account and no workshop: the token reaches one deal's plan, as
:func:`workshop.services.plans.open_shared` lets the customer see it, and nothing else. A wrong
or ended link says so and shows nothing. The page follows the plan while it is open.

Thin: the drawing is :mod:`ui.customer_plan`, every change :mod:`workshop.services.plans`.
"""

import datetime as dt

import streamlit as st

from ui import customer_plan as ui
from ui import md_escape
from ui.client import caller
from ui.plan_editor import downloads
from ui.session import store
from workshop.errors import KopkartaError
from workshop.i18n import error_text, t
from workshop.model import plan as plan_rules
from workshop.services import plans

st.html(ui.CSS)  # no sidebar or navigation: the customer's page is not the workshop app
token = st.query_params.get("s", "")
if not token:
    lang = ui.language("en")
    st.info(t("plan.page.no_link", lang), icon=":material/link_off:")
    st.stop()


try:  # the link is checked (and a wrong one counted against guessing) once per page run
    plans.open_shared(store(), token, caller=caller())
except KopkartaError as exc:
    st.error(error_text(exc, ui.language("en")), icon=":material/link_off:")
    st.stop()


@st.fragment(run_every=ui.REFRESH)
def _plan() -> None:
    try:
        shared = plans.open_shared(store(), token)  # read again while open: ended meanwhile?
    except KopkartaError as exc:
        lang = ui.language("en")
        st.error(error_text(exc, lang), icon=":material/link_off:")
        return
    view = shared.view
    lang = ui.language(view["language"])
    ui.pending_messages(lang)
    head, choice = st.columns([4, 1], vertical_alignment="bottom")
    head.title(t("plan.page.title", lang))
    with choice:
        ui.language_choice(lang)
    st.caption(md_escape(view["title"]))
    st.markdown(t("plan.page.lead", lang, deal=f"**{md_escape(view['deal'])}**"))
    items = [item for stage in view["stages"] for item in stage["lines"]]
    done, total = plan_rules.progress(items)
    if not total:
        st.info(t("plan.page.empty", lang))
    else:
        st.progress(done / total, text=t("plan.progress", lang, done=done, total=total))
    today = dt.datetime.now(dt.timezone.utc).date()
    for stage in view["stages"]:
        st.subheader(md_escape(stage["name"]))
        for item in stage["lines"]:
            ui.line(token, item, shared.versions[item["id"]], lang, today)
    if shared.stages:
        ui.add_step(token, shared, lang)
    downloads(plans.customer_files(store(), token, lang), lang, key="customer")


_plan()
