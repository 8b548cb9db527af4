"""The export page offers the documents for people (issue 19, item 4) with a segment choice,
and names every download after the workshop's title."""

from __future__ import annotations

import io

from pypdf import PdfReader

from workshop import demo
from workshop.exports.names import slug
from workshop.i18n import t
from workshop.services import live
from workshop.services.maps import import_document

DOCUMENTS = ("pdf", "docx", "onepager", "battlecard")


def _two_segment_workshop(app):
    doc = demo.synthetic_map(workshop_id="twoseg", segments=2, stages=4, steps=2, roles=6, motives=3, objections=4,
                             votes=10, deals=2, participants=3)
    doc["workshop"]["title"] = "Kommun bokning 2026"
    doc["workshop"]["language"] = "sv"
    import_document(app.store, doc)
    me = live.join(app.store, app.store.workshop("twoseg").join_code, "Tester", "sales")
    return doc, me


def _downloads(at) -> dict[str, str]:
    """download key -> its label (the file name is served from the media store)."""
    return {(d.key or "").split("export:", 1)[-1]: d.label for d in at.get("download_button")}


def test_documents_are_offered_and_named_after_the_title(app):
    at = app.open("export", "demo")
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    for fmt in DOCUMENTS:
        assert t(f"export.format.{fmt}", "en") in shown
    assert "export_segment" not in {s.key for s in at.selectbox}  # one segment: nothing to choose
    at.button(key="prepare:onepager").click().run()
    assert not at.exception and not at.error
    assert "onepager" in _downloads(at)
    [(key, (_, data))] = list(at.session_state["export_files"].items())
    assert key[1] == "onepager" and key[3] == "midsize"
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_segment_choice_picks_the_segment_of_each_document(app):
    doc, me = _two_segment_workshop(app)
    at = app.open("export", me=me)
    assert not at.exception
    choice = at.selectbox(key="export_segment")
    assert choice.label == t("export.segment", "sv")  # the page follows the workshop's language here
    second = doc["segments"][1]
    choice.select(second["id"]).run()
    at.button(key="prepare:pdf").click().run()
    assert not at.exception and not at.error
    [(key, (_, data))] = list(at.session_state["export_files"].items())
    assert key[3] == second["id"]
    text = "".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "".join(t("package.for_segment", "sv", name=second["name"]).split()) in text
    assert "pdf" in _downloads(at)


def test_file_names_of_a_two_segment_workshop(app):
    from workshop.exports.names import file_name

    doc, _ = _two_segment_workshop(app)
    first = doc["segments"][0]
    assert file_name(doc, "pdf", "sv", first["id"]) == f"kommun-bokning-2026-paket-{slug(first['name'], 40)}.pdf"
    assert file_name(doc, "docx", "nb", first["id"]).startswith("kommun-bokning-2026-pakke-")
    assert file_name(doc, "battlecard", "sv", first["id"]).endswith(".pdf")
    assert file_name(doc, "json", "sv") == "kommun-bokning-2026.json"
    assert file_name(doc, "pptx", "sv") == "kommun-bokning-2026.pptx"


def test_hostile_workshop_documents_build_on_the_page(app):
    from hostile_support import assert_no_user_text_in_html, open_hostile

    at = open_hostile(app, "export")
    assert not at.exception
    for fmt in DOCUMENTS:
        at.button(key=f"prepare:{fmt}").click().run()
        assert not at.exception and not at.error, fmt
        assert fmt in _downloads(at)
    assert_no_user_text_in_html(at)
