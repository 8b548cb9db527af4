"""What a page's add form hands to the services (:func:`ui.forms.new_data`)."""

from __future__ import annotations

from ui.fields import criterion_fields
from ui.forms import new_data
from workshop.model.element_schema import check_element


def test_a_condition_added_at_dont_know_keeps_its_required_status():
    """Issue 17: a note on a consensus condition at "Don't know" failed with "'status' is a
    required property" (the default value was left out as if the field had not been filled)."""
    data = new_data("criterion", criterion_fields("sv"), {"status": "unknown", "note": "  Ingen har frågat IT  "})
    assert data == {"status": "unknown", "note": "Ingen har frågat IT"}
    assert check_element("criterion", {"criterion": "why_now", **data}) == []


def test_optional_fields_at_their_default_stay_out():
    data = new_data("criterion", criterion_fields("en"), {"status": "yes", "note": ""})
    assert data == {"status": "yes"}
