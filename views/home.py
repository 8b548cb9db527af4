"""Home: join a workshop with its code, create one, or see the one you are in.

``/?join=CODE`` fills in the code; ``/?join=CODE&name=NAME`` joins at once (what the QR code on
the projector opens on a phone). A wrong code says only that it is wrong; too many wrong codes
from this browser (or its address) are refused for a while, saying when to try again
(:mod:`workshop.services.guard`). Someone who joins
while the facilitator runs a phase lands on that phase's page, where the round is (issue 17).
Once joined, Home is a page of the workshop like the others: the phase line, the round panel,
and "bring everyone here" moves it too.
"""

import streamlit as st

from ui import keep, language_picker, md_escape, store
from ui.client import caller
from ui.layout import workshop_page
from ui.session import current_identity, forget, remember
from workshop.errors import KopkartaError, NotFound
from workshop.i18n import LANGUAGES, LANGUAGE_NAMES, error_text, t
from workshop.services import live, sharing
from workshop.services.guard import TooManyAttempts
from workshop.services.overview import workshop_overview
from workshop.templates import TEMPLATES

db = store()
me = current_identity()
page = workshop_page("home") if me is not None else None  # the frame of a joined participant's pages
lang = page.lang if page is not None else language_picker()
JOINED = "just_joined"  # session state: joined in the run before; go to the current phase


def _joined(identity) -> None:
    remember(identity)
    st.session_state[JOINED] = True


def _functions(value: str) -> str:
    return t(f"function.{value}", lang)


def _join_at_once() -> None:
    code, name = st.query_params.get("join"), st.query_params.get("name")
    if me is None and code and name:
        try:
            _joined(live.join(db, code, name, "other", known=keep.known_participants(), caller=caller()))
        except TooManyAttempts as exc:
            st.session_state["join_error"] = error_text(exc, lang)
            del st.query_params["name"]
        except NotFound:
            st.session_state["join_error"] = t("home.wrong_code", lang)
            del st.query_params["name"]
        except KopkartaError as exc:  # not "no such code": a database failure, an ended workshop
            st.session_state["join_error"] = t("home.join_failed", lang, error=error_text(exc, lang))
            del st.query_params["name"]
        st.rerun()


def _join_form() -> None:
    with st.form("join", border=True):
        code = st.text_input(t("home.code", lang), value=st.query_params.get("join", ""), max_chars=12, key="join_code")
        name = st.text_input(t("home.name", lang), max_chars=200, key="join_name")
        function = st.selectbox(t("home.function", lang), live.FUNCTIONS, format_func=_functions, key="join_function")
        pressed = st.form_submit_button(t("home.join", lang), type="primary")
    if error := st.session_state.pop("join_error", None):
        st.error(error)
    if pressed:
        try:
            _joined(live.join(db, code, name, function, known=keep.known_participants(), caller=caller()))
        except TooManyAttempts as exc:
            st.error(error_text(exc, lang), icon=":material/timer:")
        except NotFound:
            st.error(t("home.wrong_code", lang))
        except KopkartaError as exc:
            st.error(t("home.join_failed", lang, error=error_text(exc, lang)))
        else:
            st.rerun()


def _create_form() -> None:
    # the starting point is chosen outside the form: a choice inside a form reruns nothing, so
    # the upload box could not follow it (issue 17: it showed beside a chosen template)
    start = st.radio(t("home.start", lang), [*TEMPLATES, "upload"], format_func=lambda v: t(f"home.start.{v}", lang), key="create_start")
    with st.form("create", border=True):
        title = st.text_input(t("home.title_field", lang), max_chars=200, key="create_title")
        question = st.text_area(t("home.question", lang), value=t("home.question_default", lang), max_chars=4000, key="create_question", height=70)
        offering = st.text_input(t("home.offering", lang), max_chars=200, key="create_offering")
        language = st.selectbox(t("home.language", lang), LANGUAGES, index=LANGUAGES.index(lang), format_func=LANGUAGE_NAMES.get, key="create_language")
        upload = st.file_uploader(t("home.upload", lang), type=["json"], key="create_upload") if start == "upload" else None
        name = st.text_input(t("home.name", lang), max_chars=200, key="create_name")
        function = st.selectbox(t("home.function", lang), live.FUNCTIONS, format_func=_functions, key="create_function")
        pressed = st.form_submit_button(t("home.create", lang), type="primary")
    if not pressed:
        return
    if start == "upload" and upload is None:
        st.error(t("home.upload_missing", lang))
        return
    try:
        made = live.create_workshop(
            db,
            title=title,
            question=question,
            offering=offering,
            language=language,
            template=start if start != "upload" else "blank",
            upload=upload.getvalue() if start == "upload" else None,
            name=name,
            function=function,
        )
    except KopkartaError as exc:
        st.error(t("home.create_failed", lang, error=error_text(exc, lang)))
        return
    st.session_state["new_workshop"] = {"code": made.join_code, "key": made.facilitator_key}
    # the creator is the facilitator: this tab opens the console without typing the key (ui.keep)
    st.session_state.setdefault("fac_keys", {})[made.me.workshop_id] = made.facilitator_key
    st.session_state["fac_keep_new"] = made.facilitator_key
    st.session_state["lang"] = language
    remember(made.me)
    st.rerun()


def _my_workshop() -> None:
    snap = live.snapshot(db, me.workshop_id)
    code = live.join_code(db, me.workshop_id)
    st.header(md_escape(snap.doc["workshop"]["title"]), anchor=False)
    if snap.doc["workshop"].get("question"):
        st.text(snap.doc["workshop"]["question"])
    st.caption(t("home.joined_as", lang, name=md_escape(me.name)))
    new = st.session_state.get("new_workshop")
    if new:
        # the key alone on the screen: the join code and its QR code (what goes on the projector)
        # come only once it is saved, so the key is never shown beside them (issue 17)
        st.warning(t("home.key_warning", lang))
        st.code(new["key"], language=None)
        if st.button(t("home.key_saved", lang), key="key_saved", type="primary"):
            del st.session_state["new_workshop"]
            st.rerun()
        return
    left, right = st.columns([2, 1])
    shared = sharing.share(st.context.url, code)
    link = shared.link
    if shared.local_only:  # phones would open their own localhost: say so (issue 17)
        st.warning(t("home.link_local", lang), icon=":material/wifi_off:")
    with left:
        st.metric(t("home.code", lang), code)
        st.text(link)
        row = workshop_overview(db, lang, [me.workshop_id])[0]
        c = st.columns(4)
        c[0].metric(t("home.segments", lang), row["segments"])
        c[1].metric(t("home.steps", lang), row["steps"])
        c[2].metric(t("home.findings", lang), row["findings"])
        c[3].metric(t("home.risk", lang), f"{row['risk']}/100")
        st.page_link("views/process.py", label=t("home.go_process", lang), icon="🧭")
    with right:
        st.image(sharing.qr_png(link), caption=t("home.qr_caption", lang), width=220, alt=t("home.qr_alt", lang))
    if st.button(t("home.leave", lang), key="leave"):
        forget()
        st.rerun()


_join_at_once()
if page is not None and st.session_state.pop(JOINED, False) and page.state.page not in (None, "home"):
    st.switch_page(f"views/{page.state.page}.py")  # joined mid-session: where the room is
st.title(t("home.title", lang))
st.write(t("home.lead", lang))
if me is not None:
    _my_workshop()
    page.done()
else:
    join_tab, create_tab = st.tabs([t("home.tab_join", lang), t("home.tab_create", lang)])
    with join_tab:
        _join_form()
    with create_tab:
        _create_form()
