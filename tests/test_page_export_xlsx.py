"""The export page offers the analysts' workbook: prepared on request, in the workshop's
language, downloaded under the workshop's title (not its id). The download's file name lives in
Streamlit's media storage, so the test records what the page hands it."""

from __future__ import annotations

import io

import openpyxl
import pytest

from workshop.i18n import t


@pytest.fixture
def saved_names(monkeypatch) -> list[str]:
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    names: list[str] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        names.append(filename)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return names


def test_workbook_is_offered_and_named_by_the_title(app, saved_names):
    at = app.open("export", "demo")
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert t("export.format.xlsx", "en") in shown and t("export.format.xlsx.help", "en") in shown
    at.button(key="prepare:xlsx").click().run()
    assert not at.exception and not at.error
    [(key, (_, data))] = list(at.session_state["export_files"].items())
    assert key[1:] == ("xlsx", "en")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:3] == ["Read me", "Columns", "Segments"]
    assert "how-logistics-firms-buy-fleet-telematics.xlsx" in saved_names
    assert not any(name and name.startswith("fleet-launch") and name.endswith(".xlsx") for name in saved_names)


def test_workbook_in_the_workshops_language_page_in_the_participants(app, saved_names):
    from workshop.services import live

    made = live.create_workshop(app.store, title="Så köper kommunen: ramavtal", language="sv", template="b2b", name="Karin", function="sales")
    at = app.open("export", me=made.me, lang="en")
    assert at.button(key="prepare:xlsx").label == t("export.prepare", "en")
    at.button(key="prepare:xlsx").click().run()
    assert not at.exception and not at.error
    [(_, data)] = at.session_state["export_files"].values()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:3] == ["Läs mig", "Kolumner", "Segment"]
    assert "så-köper-kommunen-ramavtal.xlsx" in saved_names
