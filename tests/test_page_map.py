"""The network map page under AppTest: renders for the demo and a blank workshop, filters, the
HTML stays identical between runs of the same map version, and a note can be added."""

from __future__ import annotations

import re

from workshop.services.live import snapshot


def _iframes(at) -> list:
    return [el for el in at.get("iframe")]


def _html(at) -> str:
    frames = _iframes(at)
    assert len(frames) == 1
    proto = frames[0].proto
    return proto.srcdoc or proto.src


def test_map_renders_demo_with_network_and_metrics(app):
    at = app.open("map", "demo")
    assert not at.exception
    page = _html(at)
    assert "vis.Network" in page and not re.search(r"https?://", page)
    assert "Fleet manager notices rising fuel cost" in page
    assert any("Who holds the group together" in h.value for h in at.subheader)
    assert at.dataframe and "Fleet manager" in list(at.dataframe[0].value.iloc[:, 0])


def test_map_html_is_identical_between_reruns(app):
    at = app.open("map", "demo")
    first = _html(at)
    at.run()
    assert _html(at) == first


def test_map_filters_change_what_is_drawn(app):
    at = app.open("map", "demo")
    both = _html(at)
    at.segmented_control(key="map_view").set_value("journey").run()
    assert not at.exception
    journey = _html(at)
    assert journey != both and "Fleet manager notices rising fuel cost" in journey and '"label": "CFO"' not in journey
    assert not at.dataframe  # no role table without the buying group
    at.segmented_control(key="map_view").set_value("group").run()
    group = _html(at)
    assert '"label": "CFO"' in group and "Fleet manager notices rising fuel cost" not in group
    at.toggle(key="map_extras").set_value(True).run()
    assert not at.exception
    assert "Keep drivers on board" in _html(at)


def test_map_blank_workshop_tells_what_to_do(app):
    at = app.open("map", "blank")
    assert not at.exception
    assert not _iframes(at)
    assert any("Nothing to draw yet" in i.value for i in at.info)
    assert any("No relations between the roles yet" in c.value for c in at.caption)


def test_map_redraws_after_a_change(app):
    at = app.open("map", "demo")
    first = _html(at)
    from workshop.services import editing

    editing.add(app.store, app.me, "role", {"name": "Head of safety"}, parent="midsize")
    at.run()
    assert _html(at) != first and "Head of safety" in _html(at)


def test_map_note_adder_adds_a_note(app):
    at = app.open("map", "demo")
    at.selectbox(key="map:note_about").set_value("r-cfo")
    at.text_area(key="map:note_text").input("Ask the CFO about the budget cycle")
    at.button(key="FormSubmitter:map:note-Post note").click().run()
    assert not at.exception
    notes = snapshot(app.store, app.me.workshop_id).doc.get("notes", [])
    assert any(n["text"] == "Ask the CFO about the budget cycle" and n.get("about") == "r-cfo" for n in notes)


def test_map_in_swedish(app):
    at = app.open("map", "demo", lang="sv")
    assert not at.exception
    assert "Fas i köpprocessen" in _html(at)


def test_map_has_a_table_of_what_the_drawing_shows(app):
    """The drawing is a canvas a screen reader cannot read: an expander lists every connection
    of the drawn graph as text (issue 17, item 7), in the page's language."""
    from workshop.graph.build import View, map_graph
    from workshop.graph.table import connections

    at = app.open("map", "demo")
    assert any(e.label == "The network as a table" for e in at.expander)
    table = at.table[0].value
    assert list(table.columns) == ["From", "Connection", "To"]
    doc = snapshot(app.store, "fleet-launch").doc
    drawn = connections(map_graph(doc, doc["segments"][0]["id"], View()))
    assert len(table) == len(drawn) > 10
    assert "contains the step" in set(table["Connection"])
    assert any("leads to" in v for v in table["Connection"])
    assert "Fleet manager notices rising fuel cost" in set(table["To"])
