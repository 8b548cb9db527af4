"""Property tests through the real store (and the in-memory engine): whatever valid map goes in comes out the same (rule 6),
and whatever the analysis says of the file it says of the stored workshop."""

from __future__ import annotations

import pytest
from hypothesis import given

from fake_store import ENGINES, open_engine
from strategies import maps
from workshop.analysis import analyze
from workshop.model.reader import validate
from workshop.services.maps import export_document, import_document


@pytest.fixture(scope="module", params=ENGINES)
def shared_store(request, tmp_path_factory):
    """One store per engine for the whole module (hypothesis runs many examples on it); the
    rules must keep every map whole on each engine."""
    s = open_engine(request.param, tmp_path_factory.mktemp("props") / "props.duckdb")
    yield s
    s.close()


@given(doc=maps())
def test_import_then_export_is_the_same_document(shared_store, doc):
    import_document(shared_store, doc, mode="replace")
    out = export_document(shared_store, doc["workshop"]["id"])
    assert out == doc
    validate(out)
    assert analyze(out).to_dict() == analyze(doc).to_dict()


@given(doc=maps())
def test_every_element_can_be_edited_and_undone(shared_store, doc):
    """Touching every element (an update that changes nothing real is skipped) keeps the map valid."""
    wid = doc["workshop"]["id"]
    import_document(shared_store, doc, mode="replace")
    for el in shared_store.elements(wid):
        if el.kind in ("note", "step", "objection", "motive", "usp", "action") and "text" in el.data:
            shared_store.update(wid, el.eid, {"text": el.data["text"] + " (edited)"}, based_on=el.version, actor="prop")
    validate(export_document(shared_store, wid))
    while True:
        try:
            shared_store.undo_last(wid, "prop")
        except Exception:  # noqa: BLE001 - nothing left to undo
            break
    assert export_document(shared_store, wid) == doc
