"""A deal plan out of the app (issue 20, item 4), read back by independent readers: the PDF with
pypdf, the calendar with icalendar. Both come from what the customer may see: no personal risk,
objection or deal note; hostile text stays literal; Swedish letters survive."""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools

import icalendar
import pypdf
import pytest

from workshop import demo
from workshop.exports.plan_files import plan_ics, plan_pdf
from workshop.model import plan

HOSTILE = "<script>alert(1)</script> #set page(width: 1pt) [x](javascript:y)"
SECRET = "SECRET-personal-risk-8812"


def _doc(example: str = "fleet"):
    doc = copy.deepcopy(demo.example(example))
    if not doc.get("deals"):  # the Swedish example has none: a deal of Västerås-sized kommun
        seg0 = doc["segments"][0]
        doc["deals"] = [{"id": "d-vasteras", "name": "Västra kommunen", "segment": seg0["id"], "stage": seg0["stages"][0]["id"]}]
    deal = doc["deals"][0]
    seg = next(s for s in doc["segments"] if s["id"] == deal["segment"])
    for role in seg["roles"]:
        role["personal_risk"] = SECRET
    deal["notes"] = "SECRET-deal-note-3"
    counter = itertools.count()
    deal["plan"] = plan.draft(seg, deal, lambda: f"pl{next(counter)}")
    milestones = [line for line in deal["plan"] if line["kind"] == "milestone"]
    milestones[0].update(due="2027-01-15", owner="Åsa Öberg", text=HOSTILE)
    milestones[1].update(due="2027-02-01", status="done")
    deal["plan"][-1]["comments"] = [{"text": "Vi återkommer efter styrelsemötet", "by": "Kim", "at": "2027-01-02T09:00:00Z", "customer": True}]
    return doc, deal


def _pdf_text(data: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


@pytest.mark.parametrize("example", ["fleet", "kommun"])
def test_the_plan_pdf_holds_the_plan_and_nothing_internal(example):
    doc, deal = _doc(example)
    text, reader = _pdf_text(plan_pdf(doc, deal["id"]))
    flat = " ".join(text.split())
    assert deal["name"] in flat
    assert " ".join(HOSTILE.split()) in flat  # literally: never markup
    assert "Åsa Öberg" in flat and "Vi återkommer efter styrelsemötet" in flat
    for line in deal["plan"][2:6]:
        assert " ".join(line["text"].split())[:25] in flat
    for hidden in (SECRET, "SECRET-deal-note-3"):
        assert hidden not in flat
    assert reader.metadata.title and deal["name"] in reader.metadata.title
    lang = doc["workshop"].get("language", "en")
    assert f"/Lang ({lang})".encode() in plan_pdf(doc, deal["id"]) or f"/Lang({lang})".encode() in plan_pdf(doc, deal["id"])


def test_the_calendar_holds_the_milestones_with_dates():
    doc, deal = _doc()
    stamp = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    data = plan_ics(doc, deal["id"], stamp=stamp)
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    dated = [line for line in deal["plan"] if line["kind"] == "milestone" and line.get("due")]
    assert len(events) == len(dated) == 2
    first = events[0]
    assert str(first["SUMMARY"]) == f"🏁 {HOSTILE}"
    assert first.decoded("DTSTART") == dt.date(2027, 1, 15) and first.decoded("DTEND") == dt.date(2027, 1, 16)
    assert "Åsa Öberg" in str(first["DESCRIPTION"])
    assert str(first["UID"]) == f"{dated[0]['id']}.{deal['id']}@kopkarta"
    assert plan_ics(doc, deal["id"], stamp=stamp) == data  # the same plan, the same file: a re-import updates
    assert SECRET.encode() not in data


def test_a_plan_without_dates_is_an_empty_calendar_not_an_error():
    doc, deal = _doc()
    for line in deal["plan"]:
        line.pop("due", None)
    cal = icalendar.Calendar.from_ical(plan_ics(doc, deal["id"]))
    assert list(cal.walk("VEVENT")) == []
