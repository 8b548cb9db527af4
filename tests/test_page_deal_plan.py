"""The deal plan on the deals page under AppTest (issue 20): drafted from the map with one
click, edited in its table and saved through the services, a line moved and an undo, shared
with a link and a QR code shown once, and the link ended after a confirmation."""

from __future__ import annotations

import datetime as dt

from workshop.services import plans
from workshop.services.live import snapshot

DEAL = "d-nordfrakt"


def _lines(app):
    return plans.lines(snapshot(app.store, app.me.workshop_id), DEAL)


def _drafted(app):
    at = app.open("deals", "demo")
    assert not at.exception
    at.button(key=f"plan_draft:{DEAL}").click().run()
    assert not at.exception
    return at


def test_a_plan_is_drafted_from_the_map_with_one_click(app):
    at = _drafted(app)
    lines = _lines(app)
    assert lines and lines[0].data["kind"] == "milestone"
    assert any("The plan is drafted" in s.value for s in at.success)
    assert any((d.key or "").startswith(f"plan_table:{DEAL}") for d in at.dataframe)  # the plan's table
    assert any(b.key == f"plan_save:{DEAL}" for b in at.button)


def test_the_table_is_drawn_and_its_changes_go_through_the_services(app):
    """AppTest cannot type into a data editor's cells: the page's own diff of the table
    (ui.plan_editor.row_changes) is run on rows edited as the editor returns them, and its
    operations through the services."""
    from ui import plan_editor

    at = _drafted(app)
    [table] = [d for d in at.dataframe if (d.key or "").startswith(f"plan_table:{DEAL}")] or [None]
    assert table is not None
    snap = snapshot(app.store, app.me.workshop_id)
    deal = next(d for d in snap.doc["deals"] if d["id"] == DEAL)
    lines = _lines(app)
    rows, stage_names = plan_editor._rows(snap, deal, lines, "en")
    stages = {name: sid for sid, name in stage_names.items()}
    kinds = {"Milestone": "milestone", "Customer's step": "customer", "What we do": "ours"}
    statuses = {"Not started": "not_started", "Under way": "under_way", "Done": "done", "Stuck": "stuck"}
    edited = [dict(r) for r in rows[1:]]  # the first row deleted
    edited[0].update(owner="Kim Berg", status="Under way", due=dt.date(2027, 2, 1))
    edited.append({"id": None, "stage": rows[-1]["stage"], "kind": "What we do", "text": "Send the reference case", "owner": "", "due": None, "status": "Not started"})
    edited.append({"id": None, "stage": None, "kind": None, "text": "", "owner": "", "due": None, "status": None})  # an empty new row: nothing
    ops = plan_editor.row_changes(lines, rows, edited, stages, kinds, statuses)
    assert [op[0] for op in ops] == ["change", "add", "remove"]
    assert ops[0][1:3] == (lines[1].eid, {"owner": "Kim Berg", "status": "under_way", "due": "2027-02-01"})
    assert ops[2][1] == lines[0].eid
    assert plan_editor.row_changes(lines, rows, [dict(r) for r in rows], stages, kinds, statuses) == []  # untouched: nothing


def test_a_line_moves_down_and_undo_takes_it_back(app):
    at = _drafted(app)
    before = [el.eid for el in _lines(app)]
    at.button(key=f"plan_plan.down:{DEAL}").click().run()
    assert not at.exception
    after = [el.eid for el in _lines(app)]
    assert after[:2] == [before[1], before[0]]
    at.button(key=f"plan_undo:{DEAL}").click().run()
    assert [el.eid for el in _lines(app)] == before


def test_sharing_shows_the_link_once_and_ending_it_asks_first(app):
    at = _drafted(app)
    at.button(key=f"plan_share:{DEAL}").click().run()
    assert not at.exception
    [code] = [c for c in at.code if "/plan?s=" in c.value]
    token = code.value.split("s=")[1]
    assert plans.open_shared(app.store, token).deal_id == DEAL
    assert any("Shared with the customer since" in c.value for c in at.caption)
    at.button(key=f"plan_revoke:{DEAL}").click().run()
    assert any("End the customer's link" in w.value for w in at.warning)
    assert plans.shared(app.store, app.me.workshop_id)  # not ended before the yes
    at.button(key=f"plan_revoke_yes:{DEAL}").click().run()
    assert plans.shared(app.store, app.me.workshop_id) == {}
    assert not [c for c in at.code if "/plan?s=" in c.value]


def test_an_overdue_line_lacks_energy_on_the_deal(app):
    at = _drafted(app)
    line = next(el for el in _lines(app) if el.data["kind"] == "customer")
    plans.change_line(app.store, app.me, line.eid, {"due": (dt.date.today() - dt.timedelta(days=3)).isoformat()}, line.version)
    at.run()
    assert any(line.data["text"][:20] in w.value and "is not done" in w.value for w in at.warning)
