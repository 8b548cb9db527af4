"""The customer's page of a shared deal plan under AppTest (issue 20): it shows one deal's plan
and nothing internal, in the workshop's language with a choice; the customer ticks a line, sets
a date, comments and adds a step, each through the services; a wrong or ended link shows
nothing; user text stays text."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from workshop.services import editing, plans
from workshop.services.live import snapshot

from apptest_support import ROOT
from ui import md_escape

DEAL = "d-nordfrakt"
SECRET = "SECRET-personal-risk-5521"


def _shared(app, hostile: bool = False) -> str:
    me = app.workshop("demo")
    app.me = me
    snap = snapshot(app.store, me.workshop_id)
    role = snap.of_kind("role")[0]
    editing.update(app.store, me, role.eid, {"personal_risk": SECRET, "stance": -2}, role.version)
    deal = snap.element(DEAL)
    editing.update(app.store, me, DEAL, {"notes": "SECRET-deal-note-9"}, deal.version)
    plans.draft(app.store, me, DEAL)
    if hostile:
        first = plans.lines(snapshot(app.store, me.workshop_id), DEAL)[0]
        plans.change_line(app.store, me, first.eid, {"text": "<script>alert(1)</script> **bold** [x](javascript:y)"}, first.version)
    return plans.share(app.store, me, DEAL)


def _open(token: str, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/plan.py")
    at.query_params["s"] = token
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def _everything(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [x.value for x in at.text]
    parts += [c.label for c in at.checkbox] + [s.value for s in at.subheader] + [x.value for x in at.title]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # Markdown's escapes off


def _lines(app):
    return plans.lines(snapshot(app.store, app.me.workshop_id), DEAL)


def test_the_customer_sees_the_plan_and_nothing_internal(app):
    token = _shared(app)
    at = _open(token)
    assert not at.exception
    shown = _everything(at)
    assert "Our plan together" in shown and "Nordfrakt" in shown
    for line in _lines(app):
        assert line.data["text"][:30] in shown
    for hidden in (SECRET, "SECRET-deal-note-9", "Drivers see it as surveillance"):  # an objection of the map
        assert hidden not in shown
    assert at.checkbox  # ticks for milestones and the customer's steps


def test_the_page_is_in_the_workshops_language_with_a_choice(app):
    token = _shared(app)
    at = _open(token, lang="sv")
    assert "Vår gemensamma plan" in _everything(at)
    at.selectbox(key="plan_lang").select("nb").run()
    assert "Vår felles plan" in _everything(at)


def test_the_customer_ticks_dates_comments_and_adds(app):
    token = _shared(app)
    at = _open(token)
    first = _lines(app)[0]
    box = next(c for c in at.checkbox if c.key.startswith(f"plan_tick:{first.eid}:"))
    box.check().run()
    assert not at.exception
    assert _lines(app)[0].data["status"] == "done"
    first = _lines(app)[0]
    at.date_input(key=f"plan_due:{first.eid}:{first.version}").set_value("2027-05-04").run()
    at.button(key=f"plan_due_save:{first.eid}:{first.version}").click().run()
    assert _lines(app)[0].data["due"] == "2027-05-04"
    at.text_area(key=f"plan_comment_text:{first.eid}").input("Board meets on the 12th")
    at.text_input(key=f"plan_comment_name:{first.eid}").input("Kim Berg")
    at.button(key=f"FormSubmitter:plan_comment:{first.eid}-Send the comment").click().run()
    assert _lines(app)[0].data["comments"][-1]["by"] == "Kim Berg"
    assert "Kim Berg" in _everything(at) and "Board meets on the 12th" in _everything(at)
    form_area = [a for a in at.text_area if a.key is None or "plan_add" in str(a.key)]
    assert form_area
    form_area[-1].input("Legal reads the data processing agreement")
    at.button(key="FormSubmitter:plan_add-Add to the plan").click().run()
    assert not at.exception
    added = _lines(app)[-1]
    assert added.data["text"] == "Legal reads the data processing agreement" and added.data["by_customer"] is True


def test_a_wrong_or_ended_link_shows_nothing(app):
    token = _shared(app)
    at = _open("not-a-real-token")
    assert any("does not open a plan" in e.value for e in at.error)
    assert not at.checkbox
    plans.revoke(app.store, app.me, DEAL)
    at = _open(token)
    assert any("does not open a plan" in e.value for e in at.error)
    assert "Nordfrakt" not in _everything(at)


def test_hostile_text_stays_text(app):
    token = _shared(app, hostile=True)
    at = _open(token)
    assert not at.exception
    [label] = [c.label for c in at.checkbox if "script" in c.label]
    assert label == "🏁 " + md_escape("<script>alert(1)</script> **bold** [x](javascript:y)")  # escaped for Markdown
