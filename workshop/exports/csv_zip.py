"""CSV tables (``--format csv``): a zip with one table per element kind, for spreadsheets and BI.

Files: segments, stages, steps, flows, roles, involvement, relations, motives, objections,
usps, consensus, participants, notes, votes, deals, actions (``<kind>.csv``), one row per
element, in the map's order. Choices made for the people who open them:

* **UTF-8 with a BOM** (``utf-8-sig``), so Excel shows å, ä, ö, æ and ø instead of guessing a
  code page; comma separated, CRLF line ends (RFC 4180).
* **Stable field names** in the header (the map file's own names, e.g. ``behind_the_scenes``,
  ``no_decision_cause``) and choice values as the map file writes them (``decides``,
  ``formal_tender``), whatever the workshop's language: a pivot table or script built on one
  workshop works on the next. Absent optional fields take their documented defaults.
* **Lists** joined with ``"; "``; booleans ``true``/``false``; absent values empty.
* **Formula injection**: a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or
  carriage return) gets a leading apostrophe, so a spreadsheet shows it instead of running it.
  Numbers (a stance of -1) stay numbers.
* ``consensus.csv`` has a row for every segment × criterion (absent ones ``unknown``);
  ``involvement.csv`` one row per role × stage it takes part in.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from ..model.defaults import get
from .lookup import clean

CRITERIA = ("shared_problem", "decision_roles_visible", "why_now", "procurement_early", "success_measured", "decision_package")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """One CSV cell: lists joined, booleans spelled out, text safe from formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = clean(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


Rows = Callable[[dict[str, Any]], Iterable[dict[str, Any]]]


def _segments(doc):
    for seg in doc["segments"]:
        yield {"id": seg["id"], "name": seg["name"], "description": seg.get("description"),
               "procurement": get("segment", seg, "procurement"), "why_now": seg.get("why_now")}


def _stages(doc):
    for seg in doc["segments"]:
        for i, st in enumerate(seg.get("stages", []), start=1):
            yield {"segment": seg["id"], "id": st["id"], "order": i, "name": st["name"], "customer_goal": st.get("customer_goal"),
                   "exit_criteria": st.get("exit_criteria"), "must_be_true": st.get("must_be_true"), "seller_stage": st.get("seller_stage"),
                   "seller_activities": st.get("seller_activities"), "buyer_enablement": st.get("buyer_enablement"),
                   "questions": st.get("questions")}


def _steps(doc):
    for seg in doc["segments"]:
        for st in seg.get("stages", []):
            for i, step in enumerate(st.get("steps", []), start=1):
                yield {"segment": seg["id"], "stage": st["id"], "id": step["id"], "order": i, "text": step["text"],
                       "kind": get("step", step, "kind"), "owner": step.get("owner"),
                       "behind_the_scenes": bool(get("step", step, "behind_the_scenes"))}


def _flows(doc):
    for seg in doc["segments"]:
        for f in seg.get("flows", []):
            yield {"segment": seg["id"], "from": f["from"], "to": f["to"], "kind": get("flow", f, "kind"), "label": f.get("label")}


def _roles(doc):
    for seg in doc["segments"]:
        for r in seg.get("roles", []):
            yield {"segment": seg["id"], "id": r["id"], "name": r["name"], "function": r.get("function"),
                   "decision_roles": r.get("decision_roles"), "influence": get("role", r, "influence"), "stance": get("role", r, "stance"),
                   "personal_risk": r.get("personal_risk"), "success_measure": r.get("success_measure"), "our_contact": r.get("our_contact")}


def _involvement(doc):
    for seg in doc["segments"]:
        for r in seg.get("roles", []):
            for stage_id, level in (r.get("involvement") or {}).items():
                yield {"segment": seg["id"], "role": r["id"], "stage": stage_id, "level": level}


def _relations(doc):
    for seg in doc["segments"]:
        for rel in seg.get("relations", []):
            yield {"segment": seg["id"], "from": rel["from"], "to": rel["to"], "kind": rel["kind"], "label": rel.get("label")}


def _motives(doc):
    for seg in doc["segments"]:
        for m in seg.get("motives", []):
            yield {"segment": seg["id"], "id": m["id"], "text": m["text"], "kind": m.get("kind"), "roles": m.get("roles"),
                   "importance": get("motive", m, "importance")}


def _objections(doc):
    for seg in doc["segments"]:
        for o in seg.get("objections", []):
            yield {"segment": seg["id"], "id": o["id"], "text": o["text"], "kind": o.get("kind"), "stage": o.get("stage"),
                   "roles": o.get("roles"), "no_decision_cause": get("objection", o, "no_decision_cause"),
                   "severity": get("objection", o, "severity"), "responses": o.get("responses")}


def _usps(doc):
    for u in doc.get("usps", []):
        yield {"id": u["id"], "text": u["text"], "motives": u.get("motives")}


def _consensus(doc):
    for seg in doc["segments"]:
        given = seg.get("consensus") or {}
        for criterion in CRITERIA:
            status = given.get(criterion) or {}
            yield {"segment": seg["id"], "criterion": criterion, "status": get("criterion", status, "status"), "note": status.get("note")}


def _participants(doc):
    for p in doc.get("participants", []):
        yield {"id": p["id"], "name": p["name"], "function": p.get("function"), "country": p.get("country")}


def _notes(doc):
    for n in doc.get("notes", []):
        yield {"id": n["id"], "text": n["text"], "author": n.get("author"), "about": n.get("about"), "created_at": n.get("created_at")}


def _votes(doc):
    for v in doc.get("votes", []):
        yield {"participant": v["participant"], "about": v["about"], "round": get("vote", v, "round"), "dots": v["dots"]}


def _deals(doc):
    for d in doc.get("deals", []):
        yield {"id": d["id"], "name": d["name"], "segment": d["segment"], "stage": d.get("stage"),
               "next_internal_step": d.get("next_internal_step"), "roles_engaged": d.get("roles_engaged"), "notes": d.get("notes")}


def _actions(doc):
    for a in doc.get("actions", []):
        yield {"id": a["id"], "text": a["text"], "kind": get("action", a, "kind"), "about": a.get("about"), "owner": a.get("owner"),
               "due": a.get("due"), "status": get("action", a, "status")}


#: file name (without .csv) -> (header, rows); the header is the contract of each table
TABLES: dict[str, tuple[tuple[str, ...], Rows]] = {
    "segments": (("id", "name", "description", "procurement", "why_now"), _segments),
    "stages": (("segment", "id", "order", "name", "customer_goal", "exit_criteria", "must_be_true", "seller_stage",
                "seller_activities", "buyer_enablement", "questions"), _stages),
    "steps": (("segment", "stage", "id", "order", "text", "kind", "owner", "behind_the_scenes"), _steps),
    "flows": (("segment", "from", "to", "kind", "label"), _flows),
    "roles": (("segment", "id", "name", "function", "decision_roles", "influence", "stance", "personal_risk",
               "success_measure", "our_contact"), _roles),
    "involvement": (("segment", "role", "stage", "level"), _involvement),
    "relations": (("segment", "from", "to", "kind", "label"), _relations),
    "motives": (("segment", "id", "text", "kind", "roles", "importance"), _motives),
    "objections": (("segment", "id", "text", "kind", "stage", "roles", "no_decision_cause", "severity", "responses"), _objections),
    "usps": (("id", "text", "motives"), _usps),
    "consensus": (("segment", "criterion", "status", "note"), _consensus),
    "participants": (("id", "name", "function", "country"), _participants),
    "notes": (("id", "text", "author", "about", "created_at"), _notes),
    "votes": (("participant", "about", "round", "dots"), _votes),
    "deals": (("id", "name", "segment", "stage", "next_internal_step", "roles_engaged", "notes"), _deals),
    "actions": (("id", "text", "kind", "about", "owner", "due", "status"), _actions),
}


def table(doc: dict[str, Any], name: str) -> bytes:
    """One table as CSV bytes (UTF-8 with BOM)."""
    header, rows = TABLES[name]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows(doc):
        writer.writerow([cell(row.get(field)) for field in header])
    return text.getvalue().encode("utf-8-sig")


def to_csv_zip(doc: dict[str, Any], lang: str) -> bytes:
    """Every table in one zip; field names are stable, so the language is unused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in TABLES:
            info = zipfile.ZipInfo(f"{name}.csv", date_time=(1980, 1, 1, 0, 0, 0))  # byte-stable output
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, table(doc, name))
    return buffer.getvalue()
