"""The buying-group page under AppTest: it renders, and every edit path changes the store."""

from __future__ import annotations

from workshop.services import editing, live
from workshop.services.live import snapshot

VIEWS = ("roles", "involvement", "relations", "grid")


def _warnings(at) -> list[str]:
    """The warnings' text as shown (Markdown escapes removed)."""
    return [w.value.replace("\\", "") for w in at.warning]


def _seg(app) -> dict:
    return snapshot(app.store, app.me.workshop_id).doc["segments"][0]


def _role(app, rid: str) -> dict:
    return next(r for r in _seg(app)["roles"] if r["id"] == rid)


def _version(app, eid: str) -> int:
    return snapshot(app.store, app.me.workshop_id).element(eid).version


def test_demo_renders_every_view_with_role_findings(app):
    at = app.open("group", "demo")
    assert not at.exception
    assert any(m.value.endswith("Drivers' representative**") or "Drivers" in m.value for m in at.markdown)
    assert any("likely blocker" in w for w in _warnings(at))  # blocker_risk beside the role
    assert any("Nobody on our side owns the relationship" in w for w in _warnings(at))
    assert any("under-rates" in w for w in _warnings(at))  # hidden_influencer
    for view in VIEWS:
        at.segmented_control(key="group_view").set_value(view).run()
        assert not at.exception, view
    assert len(at.get("plotly_chart")) == 1
    assert any(t.value.startswith("Blockers: ") and "Drivers' representative" in t.value for t in at.text)


def test_blank_tells_what_to_do_in_every_view(app):
    at = app.open("group", "blank")
    assert not at.exception
    assert any("No roles yet" in i.value for i in at.info)
    assert not at.warning  # an empty group's gaps all say "add roles": the hint says it once
    for view, hint in (("involvement", "no buying stages yet"), ("relations", "No relations yet"), ("grid", "No roles yet")):
        at.segmented_control(key="group_view").set_value(view).run()
        assert not at.exception
        assert any(hint.lower() in i.value.lower() for i in at.info), view


def test_segment_findings_on_top_of_the_roles(app):
    at = app.open("group", "blank")
    editing.add(app.store, app.me, "role", {"name": "Fleet manager", "decision_roles": ["problem_owner"]}, parent=_seg(app)["id"])
    at.run()
    assert not at.exception
    warnings = _warnings(at)
    assert any(w.startswith("**Single-threaded** — In “Our main customer segment”") for w in warnings)
    assert "**Decision role missing** — Budget owner, Procurement" in warnings


def test_add_role(app):
    at = app.open("group", "blank")
    at.text_input(key="add_role:name").input("Head of security")
    at.selectbox(key="add_role:function").select("security")
    at.multiselect(key="add_role:decision_roles").select("technical_approver").select("blocker")
    at.select_slider(key="add_role:influence").set_value(5)
    at.select_slider(key="add_role:stance").set_value(-1)
    at.text_input(key="add_role:our_contact").input("Mia")
    at.button(key="FormSubmitter:add_role-Add a role").click().run()
    assert not at.exception
    role = _seg(app)["roles"][0]
    assert role["name"] == "Head of security" and role["function"] == "security"
    assert role["decision_roles"] == ["technical_approver", "blocker"]
    assert (role["influence"], role["stance"], role["our_contact"]) == (5, -1, "Mia")
    assert any("Head of security" in m.value for m in at.markdown)


def test_edit_role(app):
    at = app.open("group", "demo")
    at.button(key="role:r-cfo:open").click().run()
    v = _version(app, "r-cfo")
    at.text_input(key=f"role:r-cfo:edit:{v}:our_contact").input("Erik")
    at.select_slider(key=f"role:r-cfo:edit:{v}:stance").set_value(1)
    at.button(key=f"FormSubmitter:role:r-cfo:edit:{v}-Save").click().run()
    assert not at.exception
    role = _role(app, "r-cfo")
    assert role["our_contact"] == "Erik" and role["stance"] == 1
    assert not any("“CFO”, although" in w for w in _warnings(at))  # the finding went away


def test_delete_role(app):
    at = app.open("group", "demo")
    new = editing.add(app.store, app.me, "role", {"name": "Temporary"}, parent="midsize")
    at.run()
    at.button(key=f"role:{new.eid}:open").click().run()
    at.button(key=f"FormSubmitter:role:{new.eid}:edit:{new.version}-Delete").click().run()
    assert not at.exception
    assert "Temporary" not in [r["name"] for r in _seg(app)["roles"]]


def _edit_matrix(at, seg: str, edits: dict) -> None:
    at.session_state[f"involvement:{seg}:editor:0"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.run()


def test_involvement_matrix_saves_changed_roles(app):
    at = app.open("group", "demo")
    at.segmented_control(key="group_view").set_value("involvement").run()
    assert len(at.data_editor) == 1
    roles = [r["id"] for r in _seg(app)["roles"]]
    before_cfo = _version(app, "r-cfo")
    # row 2 is the IT manager: decides in s1, takes no part in s3 any more; row 5 the lawyer in s1
    _edit_matrix(at, "midsize", {roles.index("r-it"): {"s1": "decides", "s3": "none"}, roles.index("r-legal"): {"s1": "consulted"}})
    assert not at.exception
    assert any("2 row(s) changed" in c.value for c in at.caption)
    at.button(key="involvement:midsize:save").click().run()
    assert not at.exception
    assert _role(app, "r-it")["involvement"] == {"s1": "decides", "s2": "consulted", "s5": "approves"}
    assert _role(app, "r-legal")["involvement"] == {"s1": "consulted", "s5": "approves"}
    assert _version(app, "r-cfo") == before_cfo  # unchanged rows are not written
    assert any("2 row(s) updated" in s.value for s in at.success)


def test_involvement_matrix_clearing_a_role_removes_the_field(app):
    at = app.open("group", "demo")
    at.segmented_control(key="group_view").set_value("involvement").run()
    roles = [r["id"] for r in _seg(app)["roles"]]
    _edit_matrix(at, "midsize", {roles.index("r-proc"): {"s5": "none"}})
    at.button(key="involvement:midsize:save").click().run()
    assert not at.exception
    assert "involvement" not in _role(app, "r-proc")


def test_involvement_matrix_stale_save_is_shown_then_reapplied(app):
    at = app.open("group", "demo")
    at.segmented_control(key="group_view").set_value("involvement").run()
    roles = [r["id"] for r in _seg(app)["roles"]]
    _edit_matrix(at, "midsize", {roles.index("r-it"): {"s1": "informed"}})
    code = app.store.workshop(app.me.workshop_id).join_code
    lars = live.join(app.store, code, "Lars", "product")
    editing.update(app.store, lars, "r-it", {"involvement": {"s6": "informed"}}, based_on=_version(app, "r-it"))
    at.run()  # the live rerun keeps the edits and says the map moved on
    assert any("changed the map while you were editing" in c.value for c in at.caption)
    at.button(key="involvement:midsize:save").click().run()
    assert not at.exception
    assert any("Lars changed this while you were editing" in w for w in _warnings(at))
    assert any(t.value == "Theirs: Decide and implement: Informed" for t in at.text)
    assert any(t.value.startswith("Mine: Recognise the problem: Informed; Explore options: Consulted") for t in at.text)
    assert _role(app, "r-it")["involvement"] == {"s6": "informed"}  # nothing overwritten
    at.button(key="involvement:midsize:conflict:r-it:mine").click().run()
    assert not at.exception
    assert _role(app, "r-it")["involvement"] == {"s1": "informed", "s2": "consulted", "s3": "influences", "s5": "approves"}
    assert not any("changed this while you were editing" in w for w in _warnings(at))


def test_involvement_matrix_keep_theirs(app):
    at = app.open("group", "demo")
    at.segmented_control(key="group_view").set_value("involvement").run()
    roles = [r["id"] for r in _seg(app)["roles"]]
    _edit_matrix(at, "midsize", {roles.index("r-cfo"): {"s1": "informed"}})
    editing.update(app.store, app.me, "r-cfo", {"our_contact": "Ola"}, based_on=_version(app, "r-cfo"))
    at.button(key="involvement:midsize:save").click().run()
    assert any("changed this while you were editing" in w for w in _warnings(at))
    at.button(key="involvement:midsize:conflict:r-cfo:theirs").click().run()
    assert not at.exception
    assert "s1" not in _role(app, "r-cfo")["involvement"]
    assert not any("changed this while you were editing" in w for w in _warnings(at))


def test_add_edit_delete_relation(app):
    at = app.open("group", "demo")
    at.segmented_control(key="group_view").set_value("relations").run()
    at.selectbox(key="add_relation:from").select("r-it")
    at.selectbox(key="add_relation:kind").select("influences")
    at.selectbox(key="add_relation:to").select("r-cfo")
    at.text_input(key="add_relation:label").input("Weekly steering group")
    at.button(key="FormSubmitter:add_relation-Add a relation").click().run()
    assert not at.exception
    rels = _seg(app)["relations"]
    assert rels[-1] == {"from": "r-it", "to": "r-cfo", "kind": "influences", "label": "Weekly steering group"}
    assert any(t.value == "IT manager — influences → CFO — Weekly steering group" for t in at.text)

    eid = snapshot(app.store, app.me.workshop_id).of_kind("relation", "midsize")[-1].eid
    at.button(key=f"relation:{eid}:open").click().run()
    v = _version(app, eid)
    at.selectbox(key=f"relation:{eid}:edit:{v}:kind").select("trusts")
    at.button(key=f"FormSubmitter:relation:{eid}:edit:{v}-Save").click().run()
    assert not at.exception
    assert _seg(app)["relations"][-1]["kind"] == "trusts"

    at.button(key=f"relation:{eid}:open").click().run()
    v = _version(app, eid)
    at.button(key=f"FormSubmitter:relation:{eid}:edit:{v}-Delete").click().run()
    assert not at.exception
    assert len(_seg(app)["relations"]) == len(rels) - 1


def test_note_on_a_role(app):
    at = app.open("group", "demo")
    at.selectbox(key="group:note_about").select("r-cfo")
    at.text_area(key="group:note_text").input("Ask about the payback model")
    at.button(key="FormSubmitter:group:note-Post note").click().run()
    assert not at.exception
    notes = snapshot(app.store, app.me.workshop_id).notes_about("r-cfo")
    assert notes[-1]["text"] == "Ask about the payback model"
    assert any("Ask about the payback model" in c.value for c in at.caption)


def test_swedish_labels(app):
    at = app.open("group", "demo", lang="sv")
    assert not at.exception
    assert at.title[0].value == "Köpgrupp"
