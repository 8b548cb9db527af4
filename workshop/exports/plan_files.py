"""A deal plan out of the app (issue 20, item 4): a PDF to print or mail, and an ``.ics``
calendar of its milestones for the buying group's calendars.

Both are made from :func:`workshop.model.plan.customer_view`, the same view the customer's page
draws, so the files can go to the customer: nothing internal (a role's stance or personal
risk, objections, deal notes, other deals) is ever read here. The PDF is the documents' engine
(Typst, :mod:`.documents.pdf`: the words reach the template as data, never as markup). The
calendar is written with icalendar (a well-kept RFC 5545 library: line folding, escaping of
commas and semicolons, and UTF-8 are its job, not ours); each milestone with a date is an
all-day event whose UID stays the same across exports, so importing the file again updates the
events instead of doubling them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar

from ..i18n import t
from ..model import plan as rules
from .documents import blocks as b
from .documents import pdf

Json = dict[str, Any]


def line_facts(line: Json, lang: str, today: dt.date | None = None) -> str:
    """One line of the customer's view in a few words: its kind (ours said so), role, owner,
    date (past its date, when ``today`` is given and it is not done), status, who added it.
    The customer's page, the PDF and the calendar say it the same way."""
    bits = [t(f"plan.kind.{line['kind']}", lang)]
    if line["kind"] == "ours":
        bits.append(t("plan.page.ours", lang))
    if line.get("role_name"):
        bits.append(line["role_name"])
    if line.get("owner"):
        bits.append(t("plan.page.owner", lang, owner=line["owner"]))
    if line.get("due"):
        bits.append(t("plan.page.due", lang, date=line["due"]))
        if today is not None and rules.overdue(line, today):
            bits.append("⚠ " + t("plan.page.overdue", lang))
    bits.append(t(f"plan.status.{line['status']}", lang))
    if line.get("by_customer"):
        bits.append(t("plan.by_customer", lang))
    return " · ".join(bits)


def plan_document(doc: Json, deal_id: str, lang: str | None = None) -> b.Document:
    view = rules.customer_view(doc, deal_id)
    lang = lang or view["language"]
    lines = [line for stage in view["stages"] for line in stage["lines"]]
    done, total = rules.progress(lines)
    blocks = [
        b.title(t("plan.page.title", lang)),
        b.subtitle(f"{view['deal']} · {view['title']}"),
        b.p(t("plan.progress", lang, done=done, total=total)),
    ]
    for stage in view["stages"]:
        blocks.append(b.h(1, stage["name"]))
        items = []
        for line in stage["lines"]:
            comments = [f"{c['by']} ({c['at'][:10]}): {c['text']}" for c in line.get("comments") or []]
            done_mark = t("plan.status.done", lang) if line["status"] == "done" else None  # a word: every font has it
            items.append(b.item(line["text"], label=done_mark, note=line_facts(line, lang), sub=comments))
        blocks.append(b.bullets(items))
    if not view["stages"]:
        blocks.append(b.empty(t("plan.page.empty", lang)))
    footer = f"{view['deal']} · {t('plan.page.title', lang)}"
    return b.Document(f"{t('plan.page.title', lang)}: {view['deal']}", lang, footer, blocks)


def plan_pdf(doc: Json, deal_id: str, lang: str | None = None) -> bytes:
    return pdf.render(plan_document(doc, deal_id, lang))


def plan_ics(doc: Json, deal_id: str, lang: str | None = None, *, stamp: dt.datetime | None = None) -> bytes:
    """The plan's milestones that have a date, as all-day events of one calendar."""
    view = rules.customer_view(doc, deal_id)
    lang = lang or view["language"]
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Köpkarta//deal plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{t('plan.page.title', lang)}: {view['deal']}")
    for stage in view["stages"]:
        for line in stage["lines"]:
            if line["kind"] != "milestone" or not line.get("due"):
                continue
            day = dt.date.fromisoformat(line["due"])
            event = icalendar.Event()
            event.add("uid", f"{line['id']}.{deal_id}@kopkarta")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", f"🏁 {line['text']}")
            event.add("description", f"{stage['name']}\n{line_facts(line, lang)}")
            event.add("status", "CONFIRMED")
            event.add("transp", "TRANSPARENT")  # a milestone, not a meeting: it does not block time
            cal.add_component(event)
    return cal.to_ical()
