"""The process page of a big segment (issue 18, item 5): past ``ui.live.PAGE_AFTER`` steps, a
stage shows a page of its steps, with "previous" and "next", on the live board (told so in its
options; the browser test pages it) and when arranging the board (drawn by Streamlit)."""

from __future__ import annotations

import json

from apptest_support import live_parts
from ui import live as live_ui
from workshop import demo
from workshop.services import live


def _big(app, steps_per_stage: int = 160, stages: int = 2):
    doc = {
        "format": "kopkarta-map", "version": 1, "workshop": {"id": "w-big", "title": "Big"},
        "segments": [{"id": "g", "name": "G", "stages": [
            {"id": f"s{s}", "name": f"Stage {s + 1}", "steps": [
                {"id": f"s{s}t{k}", "text": f"Step {s + 1}.{k + 1}"} for k in range(steps_per_stage)
            ]} for s in range(stages)
        ]}],
    }
    made = live.create_workshop(app.store, title="", language="en", template="blank", name="Tester", function="sales",
                                upload=json.dumps(doc).encode())
    return made.me


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_the_board_is_told_to_page_a_big_segment(app):
    at = app.open("process", me=_big(app))
    assert not at.exception
    board = live_parts(at)["board"]
    assert board["cfg"]["options"]["pageAfter"] == live_ui.PAGE_AFTER
    assert board["cfg"]["options"]["pageSize"] == live_ui.PAGE_SIZE
    assert board["cfg"]["texts"]["process.page_of"] == "Steps {from}–{to} of {count}"


def test_arranging_a_big_segment_shows_a_page_of_steps_and_moves_to_the_next(app):
    at = app.open("process", me=_big(app))
    at.toggle(key="process_arrange").set_value(True).run()
    assert not at.exception
    ups = [b.key for b in at.button if b.key and b.key.startswith("up:")]
    assert len(ups) == 2 * live_ui.PAGE_SIZE  # a page of each stage's steps, not 320 cards
    assert "up:s0t0" in ups and "up:s0t25" not in ups
    assert "Steps 1–25 of 160" in _captions(at)
    assert at.button(key="prev:s0").disabled
    at.button(key="next:s0").click().run()
    ups = [b.key for b in at.button if b.key and b.key.startswith("up:")]
    assert "up:s0t25" in ups and "up:s0t0" not in ups and "up:s1t0" in ups  # the other stage stays
    assert "Steps 26–50 of 160" in _captions(at)
    at.button(key="prev:s0").click().run()
    assert "Steps 1–25 of 160" in _captions(at)


def test_a_small_segment_is_not_paged(app):
    at = app.open("process", me=_big(app, steps_per_stage=100))
    at.toggle(key="process_arrange").set_value(True).run()
    ups = [b.key for b in at.button if b.key and b.key.startswith("up:")]
    assert len(ups) == 200
    assert not [b for b in at.button if b.key and b.key.startswith("next:")]


def test_the_biggest_legal_maps_process_page_runs(app):
    made = live.create_workshop(app.store, title="", language="sv", template="blank", name="Tester", function="sales",
                                upload=json.dumps(demo.biggest_map(segments=1)).encode())
    at = app.open("process", me=made.me)
    assert not at.exception
    at.toggle(key="process_arrange").set_value(True).run()
    assert not at.exception
    assert "Steps 1–25 of 67" in _captions(at)  # the map says English


# -- the create form's upload (views/home.py) ---------------------------------------------------
def _upload(app, data: bytes, lang: str = "sv"):
    from apptest_support import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["lang"] = lang  # the page's language (the form's own says the workshop's)
    at.run()
    at.radio(key="create_start").set_value("upload").run()
    at.get("file_uploader")[0].upload("map.json", data, "application/json")
    at.text_input(key="create_name").input("Karin")
    at.button[1].click().run()
    assert not at.exception
    return at


def test_the_create_form_refuses_the_100000_step_file_naming_the_place(app):
    from test_limits import hundred_thousand_steps

    at = _upload(app, hundred_thousand_steps())
    errors = [e.value for e in at.error]
    assert any("segments[0].steps: innehåller 100000 kundsteg; gränsen är 2000" in e for e in errors), errors
    assert app.store.list_workshops() == []


def test_the_create_form_takes_a_map_at_its_limits(app):
    at = _upload(app, json.dumps(demo.biggest_map(segments=1)).encode(), lang="en")
    assert not at.error
    [ws] = app.store.list_workshops()
    assert ws.counts["step"] == 2000
