"""The analysts' workbook (``--format xlsx``) read back by an independent reader, openpyxl: sheet
names in the workshop's language, real cell types, every column documented, names where names
are promised, the findings and the risk per segment, hostile text kept as literal text."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from datetime import datetime

import openpyxl
import pytest

from workshop import demo
from workshop.analysis import analyze
from workshop.cli import main
from workshop.exports import render
from workshop.exports.names import file_name
from workshop.exports.xlsx import sheet_name
from workshop.exports.xlsx_tables import BOOL, DATE, DATETIME, NUMBER, SHEETS
from workshop.i18n import LANGUAGES, t

MAPS = {
    "fleet": lambda: demo.example("fleet"),
    "kommun": lambda: demo.example("kommun"),
    "hostile": demo.hostile_map,
    "synthetic": lambda: demo.synthetic_map(segments=2, stages=5, steps=4, roles=10, motives=6, objections=8, votes=50, deals=6),
}
#: columns that hold ids or codes on purpose (last, for joining; explained on the columns sheet)
ID_COLUMNS = {"id", "from_id", "to_id", "role_id", "stage_id", "other_role_id", "code"}
FORMULAS = ("=1+2", "+SUM(A1:A9)", "-2+3", "@SUM(1)", "=HYPERLINK(\"http://evil.example\",\"click\")", "=cmd|' /C calc'!A0")


def workbook(doc, lang=None) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render(doc, "xlsx", lang)))


def records(ws) -> tuple[list[str], list[tuple]]:
    rows = list(ws.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def sheet(wb, key: str, lang: str):
    return wb[sheet_name(key, lang)]


def ids_of(doc) -> set[str]:
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                found.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return found


def test_swedish_map_has_swedish_sheet_names_and_headers():
    wb = workbook(demo.example("kommun"))
    assert wb.sheetnames[:6] == ["Läs mig", "Kolumner", "Segment", "Risk per segment", "Fynd", "Köpfaser"]
    assert {"Kundsteg", "Roller", "Invändningar", "Enighet", "Åtgärder", "Aktuella affärer"} <= set(wb.sheetnames)
    header, _ = records(wb["Köpfaser"])
    assert header[:3] == ["Kundsegment", "Ordning", "Köpfas"]
    assert wb["Läs mig"]["A1"].value == demo.example("kommun")["workshop"]["title"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sheet_names_follow_excels_rules(lang):
    keys = ["readme", "columns", *[s.key for s in SHEETS]]
    names = [sheet_name(k, lang) for k in keys]
    assert len(set(names)) == len(names)
    for key, name in zip(keys, names):
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
        assert name == t(f"xlsx.sheet.{key}", lang)  # the catalogue's names need no repair
    doc = demo.example("fleet")
    doc["workshop"]["language"] = lang
    assert workbook(doc).sheetnames == names


@pytest.mark.parametrize("name", sorted(MAPS))
def test_every_column_of_every_sheet_is_documented(name):
    doc = MAPS[name]()
    lang = doc["workshop"].get("language", "en")
    wb = workbook(doc)
    header, rows = records(sheet(wb, "columns", lang))
    assert len(header) == 4
    documented = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert len(documented) == len(rows)  # one row per column
    for ws in wb.worksheets[1:]:
        columns, _ = records(ws)
        for column in columns:
            kind, meaning = documented[(ws.title, column)]
            assert kind and meaning and len(meaning) > 10, (ws.title, column)
    assert len(rows) == 4 + sum(len(s.columns) for s in SHEETS)
    assert all(ws.freeze_panes == "A2" and ws.auto_filter.ref for ws in wb.worksheets[1:])
    assert all(ws.cell(1, 1).font.b for ws in wb.worksheets[1:])


def test_cells_have_real_types():
    doc = demo.example("fleet")
    doc["notes"][0]["created_at"] = "2026-10-14T09:30:00Z"
    doc["notes"][1]["created_at"] = "2026-10-14T11:45:00+02:00"
    wb = workbook(doc)
    for spec in SHEETS:
        ws = sheet(wb, spec.key, "en")
        _, rows = records(ws)
        for c, column in enumerate(spec.columns):
            for row in rows:
                value = row[c]
                if value is None:
                    continue
                if column.kind == NUMBER:
                    assert isinstance(value, (int, float)) and not isinstance(value, bool), (spec.key, column.key, value)
                elif column.kind == BOOL:
                    assert isinstance(value, bool), (spec.key, column.key, value)
                elif column.kind in (DATE, DATETIME):
                    assert isinstance(value, datetime), (spec.key, column.key, value)
                else:
                    assert isinstance(value, str), (spec.key, column.key, value)
    _, notes = records(wb["Notes"])
    assert [n[3] for n in notes] == [datetime(2026, 10, 14, 9, 30), datetime(2026, 10, 14, 9, 45)]  # UTC
    assert wb["Notes"]["D2"].is_date and wb["Notes"]["D2"].number_format == "yyyy-mm-dd hh:mm"
    _, actions = records(wb["Actions"])
    assert actions[0][4] == datetime(2026, 12, 15) and wb["Actions"]["E2"].is_date
    _, roles = records(wb["Roles"])
    assert {type(r[4]) for r in roles} == {int} and {type(r[5]) for r in roles} == {int}
    assert min(r[5] for r in roles) < 0  # a stance of -1 or -2 stays a number
    _, steps = records(wb["Customer steps"])
    assert {r[6] for r in steps} == {True, False}
    assert wb["Read me"]["B5"].is_date or any(c.is_date for row in wb["Read me"].iter_rows() for c in row)


@pytest.mark.parametrize("name", sorted(MAPS))
def test_references_are_shown_by_name_not_by_id(name):
    doc = MAPS[name]()
    lang = doc["workshop"].get("language", "en")
    ids = ids_of(doc)
    wb = workbook(doc)
    segment_names = {s["name"] for s in doc["segments"]}
    for spec in SHEETS:
        _, rows = records(sheet(wb, spec.key, lang))
        for c, column in enumerate(spec.columns):
            if column.key in ID_COLUMNS:
                continue
            for row in rows:
                value = row[c]
                parts = value.split("; ") if isinstance(value, str) else [value]
                assert not any(p in ids for p in parts), (spec.key, column.key, value)
            if column.key == "segment":
                assert {row[c] for row in rows} <= segment_names, spec.key
    # the id column stays, last, for joining
    _, steps = records(sheet(wb, "steps", lang))
    all_steps = [st["id"] for seg in doc["segments"] for stage in seg.get("stages", []) for st in stage.get("steps", [])]
    assert [r[-1] for r in steps] == all_steps


def test_choices_are_labels_in_the_workshops_language():
    wb = workbook(demo.example("kommun"))
    _, segments = records(wb["Segment"])
    assert segments[0][2] == t("option.procurement.formal_tender", "sv")
    _, consensus = records(wb["Enighet"])
    assert {r[1] for r in consensus} == {t(f"consensus.{c}", "sv") for c in
                                         ("shared_problem", "decision_roles_visible", "why_now", "procurement_early", "success_measured", "decision_package")}
    assert {r[2] for r in consensus} <= {t(f"option.status.{s}", "sv") for s in ("yes", "partly", "no", "unknown")}


@pytest.mark.parametrize("name", ["fleet", "kommun", "synthetic"])
def test_findings_as_sentences_and_the_risk_with_its_parts(name):
    doc = MAPS[name]()
    lang = doc["workshop"].get("language", "en")
    result = analyze(doc, lang)
    wb = workbook(doc)
    _, findings = records(sheet(wb, "findings", lang))
    assert [r[3] for r in findings] == [f.message for f in result.all_findings()]
    assert [r[-1] for r in findings] == [f.code for f in result.all_findings()]
    assert all(r[2] != r[-1] and " " in r[3] for r in findings)  # a heading and a sentence, not the code
    _, segments = records(sheet(wb, "segments", lang))
    _, parts = records(sheet(wb, "risk", lang))
    for seg, row in zip(result.segments, segments):
        assert row[4] == seg.risk and row[5] == len(seg.findings)
        mine = [p for p in parts if p[0] == row[0]]
        assert [(p[2], p[5]) for p in mine] == [(line.count, line.points) for line in seg.breakdown]
        assert min(100, sum(p[5] for p in mine)) == seg.risk
        assert all(p[5] == min(p[4], p[2] * p[3]) for p in mine)


def hostile_with_formulas() -> dict:
    doc = demo.hostile_map()
    seg = doc["segments"][0]
    seg["stages"][0]["steps"][0]["text"] = FORMULAS[0]
    seg["roles"][0]["name"] = FORMULAS[1]
    seg["motives"][0]["text"] = FORMULAS[2]
    seg["objections"][0]["text"] = FORMULAS[3]
    seg["stages"][0]["exit_criteria"] = [FORMULAS[4]]
    doc["workshop"]["title"] = FORMULAS[5]
    doc["actions"][0]["owner"] = FORMULAS[0]
    return doc


def test_hostile_text_stays_literal_text_never_a_formula():
    doc = hostile_with_formulas()
    data = render(doc, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    values = {c.value for c in cells}
    for text in FORMULAS[:4]:
        [cell] = [c for c in cells if c.value == text and c.parent.title != "Findings"][:1] or [None]
        assert cell is not None and cell.data_type == "s", text
        assert cell.quotePrefix, text  # stays text when edited in Excel
    assert FORMULAS[4] in values and FORMULAS[5] in values
    shown = "\n".join(str(v) for v in values)
    for text in demo.HOSTILE_TEXTS:
        assert text in shown  # as written: no markup is interpreted or escaped


def test_characters_no_file_can_carry_are_dropped_and_the_file_opens():
    doc = copy.deepcopy(demo.example("fleet"))
    doc["segments"][0]["roles"][0]["name"] = "Fleet\x00\x07\x1b\ud800\uffff manager"
    doc["segments"][0]["stages"][0]["name"] = "_x0041_ stays as written"
    wb = workbook(doc)
    _, roles = records(wb["Roles"])
    assert roles[0][1] == "Fleet manager"
    _, stages = records(wb["Buying stages"])
    assert stages[0][2] == "_x0041_ stays as written"


def test_the_same_map_gives_the_same_bytes():
    assert render(demo.example("fleet"), "xlsx") == render(demo.example("fleet"), "xlsx")


def test_command_line_writes_a_workbook_that_opens(tmp_path, capsys):
    db = str(tmp_path / "k.duckdb")
    assert main(["import", str(demo_path("kommun")), "--db", db]) == 0
    out = tmp_path / "kommun.xlsx"
    assert main(["export", "kommun-lansering", "--format", "xlsx", "--out", str(out), "--db", db]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Läs mig" and "Fynd" in wb.sheetnames


def demo_path(name: str):
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "workshop" / "data" / demo.EXAMPLES[name]


@pytest.mark.parametrize(("title", "name"), [
    ("Så köper kommuner vår bokningstjänst", "så-köper-kommuner-vår-bokningstjänst.xlsx"),
    ("../../etc/passwd", "etc-passwd.xlsx"),
    ("a/b:c*?\"<>|d\u200f\x00e", "a-b-c-d-e.xlsx"),
    (" ... ", "fallback-id.xlsx"),
])
def test_file_names_come_from_the_title(title, name):
    """The workbook is named like every download (workshop.exports.names): from the title."""
    doc = {"workshop": {"id": "fallback-id", "title": title}, "segments": []}
    assert file_name(doc, "xlsx", "en") == name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headers_are_unique_within_each_sheet(lang):
    """The columns sheet names a column by its sheet and header, so a header is never used twice."""
    for spec in SHEETS:
        headers = [t(f"xlsx.col.{c.key}", lang) for c in spec.columns]
        assert len(set(headers)) == len(headers), (lang, spec.key, headers)


def test_dates_excel_cannot_hold_stay_as_written():
    """Excel's date cells start at 1900; an older (valid) date is kept as its text, not lost."""
    doc = demo.example("fleet")
    doc["workshop"]["created_at"] = "1899-12-31T23:00:00Z"
    doc["notes"][0]["created_at"] = "1899-12-31T23:00:00Z"
    doc["notes"][1]["created_at"] = "2026-10-14t09:00:00+14:00"
    doc["actions"][0]["due"] = "1800-01-01"
    wb = workbook(doc)
    _, notes = records(wb["Notes"])
    assert [n[3] for n in notes] == ["1899-12-31T23:00:00Z", datetime(2026, 10, 13, 19, 0)]
    _, actions = records(wb["Actions"])
    assert actions[0][4] == "1800-01-01"
