"""The documents for people (issue 19, item 4): the decision package as PDF and Word, the one-page
summary and the battle card, read back by independent readers (pypdf, python-docx).

They are in the workshop's language with its letters, show hostile text literally, leave the
personal risk noted for the customer's people out of the package, keep the summary to one page,
and are made per segment (one segment chosen, or the only one).
"""

from __future__ import annotations

import copy
import io

import docx
import pytest
from pypdf import PdfReader

from workshop import demo
from workshop.errors import BadInput
from workshop.exports import render
from workshop.exports.names import file_name, slug
from workshop.i18n import t

PERSONAL = "PERSONLIG-RISK-Xyzzy: rädd att bli av med jobbet"
HOSTILE = ("<script>alert(1)</script>", "#set page(width: 1pt)", "[link](javascript:x)", "$x^2$ *b* _i_ @ref <lbl> \\")
PDFS = ("pdf", "onepager", "battlecard")


def _squash(text: str) -> str:
    """Text without whitespace: a PDF reader puts line breaks where the typesetter wrapped."""
    return "".join(text.split())


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def _marked(name: str = "kommun") -> dict:
    """An example map with a distinctive personal risk and hostile text where the documents show it."""
    doc = demo.example(name)
    seg = doc["segments"][0]
    seg["roles"][0]["personal_risk"] = PERSONAL
    seg["roles"][0]["name"] = "Förvaltningschef " + HOSTILE[0]
    seg["stages"][0]["exit_criteria"] = [*seg["stages"][0].get("exit_criteria", []), HOSTILE[1]]
    seg["objections"][0]["text"] = "Ändringar är svåra " + HOSTILE[2]
    seg["objections"][0]["responses"] = ["Ett svar med æøå " + HOSTILE[3]]
    seg["objections"][0]["severity"] = 5
    return doc


def _two_segments() -> dict:
    """The marked map with a second segment, "Små kommuner": a copy of the first under new ids."""
    doc = _marked()
    first = doc["segments"][0]
    ids: set[str] = set()

    def collect(node):
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                ids.add(node["id"])
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    def rename(node):
        if isinstance(node, dict):
            return {(f"b-{k}" if k in ids else k): rename(v) for k, v in node.items()}
        if isinstance(node, list):
            return [rename(v) for v in node]
        return f"b-{node}" if isinstance(node, str) and node in ids else node

    collect(first)
    second = rename(copy.deepcopy(first))
    second["name"] = "Små kommuner"
    doc["segments"].append(second)
    return doc


@pytest.mark.parametrize("fmt", PDFS)
def test_pdfs_in_the_workshops_language_with_hostile_text_literal(fmt):
    doc = _marked()
    data = render(doc, fmt)
    assert data.startswith(b"%PDF-")
    text, pages = pdf_text(data)
    flat = _squash(text)
    assert "åäö" in flat or "ö" in flat
    assert b"/Lang(sv)" in data  # the document's language, for readers and screen readers
    for payload in (HOSTILE[2],) + ((HOSTILE[1], HOSTILE[0]) if fmt == "pdf" else ()):
        assert _squash(payload) in flat, payload
    if fmt != "onepager":  # the summary may cut a text short, the others show it whole
        assert _squash("Ett svar med æøå " + HOSTILE[3]) in flat
    assert pages >= 1


@pytest.mark.parametrize("fmt", PDFS + ("docx",))
def test_the_hostile_map_is_printed_as_written(fmt):
    """Every hostile text (HTML, script, Markdown, Hebrew between direction marks, an emoji)."""
    data = render(demo.hostile_map(), fmt)
    text = docx_text(data) if fmt == "docx" else pdf_text(data)[0]
    for payload in demo.HOSTILE_TEXTS:
        assert _squash(payload.replace("\u200f", "").replace("\u200e", "")) in _squash(text.replace("\u200f", "").replace("\u200e", "")), payload


def test_package_pdf_has_the_headings_and_no_personal_risk():
    doc = _marked()
    text, _ = pdf_text(render(doc, "pdf"))
    flat = _squash(text)
    for key in ("package.situation", "package.goal", "package.options", "package.recommended", "package.takes",
                "package.risks", "package.safe"):
        assert _squash(t(key, "sv")) in flat, key
    assert "Xyzzy" not in text and "rädd att bli av" not in text


def test_package_docx_reads_back_editable_without_personal_risk():
    doc = _marked()
    data = render(doc, "docx")
    document = docx.Document(io.BytesIO(data))
    text = docx_text(data)
    assert t("package.title", "sv", offering=doc["workshop"]["offering"]) in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert t("package.risks", "sv") in headings and t("package.safe", "sv") in headings
    for payload in HOSTILE:
        assert payload in text, payload
    assert "Xyzzy" not in text and "rädd att bli av" not in text
    assert document.core_properties.language == "sv-SE"
    assert b"Xyzzy" not in data


def test_onepager_is_one_page_with_its_four_parts():
    for name, lang in (("kommun", "sv"), ("fleet", "en")):
        text, pages = pdf_text(render(demo.example(name), "onepager"))
        assert pages == 1
        for key in ("documents.onepager.risk", "documents.onepager.gaps", "documents.onepager.objections",
                    "documents.onepager.actions"):
            assert _squash(t(key, lang)) in _squash(text), key
    text, _ = pdf_text(render(demo.example("fleet"), "onepager"))
    assert "Build the fuel-cost self-assessment" in text  # the next actions


def test_onepager_of_long_hostile_texts_stays_on_one_page():
    doc = demo.hostile_map()
    long = "Å" + "ganska lång text med åäö och " * 120
    for obj in doc["segments"][0]["objections"]:
        obj["text"] = long[:3999]
        obj["responses"] = [long[:3999]] * 3
    text, pages = pdf_text(render(doc, "onepager"))
    assert pages == 1
    assert "…" in text  # long texts cut short, with a mark that they are
    assert "&lt;" not in text and "\\<" not in text  # nothing escaped for another format


def test_battlecard_lists_objections_with_answers_for_every_segment():
    doc = _two_segments()
    text, _ = pdf_text(render(doc, "battlecard"))
    flat = _squash(text)
    assert _squash("Mellanstora kommuner") in flat and _squash("Små kommuner") in flat
    assert _squash(t("documents.battlecard.answers", "sv")) in flat
    one, _ = pdf_text(render(doc, "battlecard", segment="kommun"))
    assert _squash("Små kommuner") not in _squash(one)


def test_nordic_letters_in_norwegian():
    doc = _marked()
    doc["workshop"]["language"] = "nb"
    data = render(doc, "pdf")
    text, _ = pdf_text(data)
    assert b"/Lang(nb)" in data
    assert _squash(t("package.safe", "nb")) in _squash(text)
    assert "æøå" in text


def test_a_map_with_several_segments_needs_a_choice():
    doc = _two_segments()
    for fmt in ("pdf", "docx", "onepager"):
        with pytest.raises(BadInput, match="--segment"):
            render(doc, fmt)
    with pytest.raises(BadInput, match="no segment 'nope'"):
        render(doc, "pdf", segment="nope")
    with pytest.raises(BadInput, match="whole map"):
        render(doc, "md", segment="kommun")
    text, _ = pdf_text(render(doc, "pdf", segment="b-kommun"))
    assert _squash(t("package.for_segment", "sv", name="Små kommuner")) in _squash(text)


def test_file_names_come_from_the_title():
    doc = _marked()
    assert slug("Så köper kommuner / 2026: <b>") == "så-köper-kommuner-2026-b"
    assert file_name(doc, "pdf", "sv", "kommun") == "så-köper-kommuner-vår-bokningstjänst-paket-mellanstora-kommuner.pdf"
    assert file_name(doc, "onepager", "en", "kommun").endswith("-summary-mellanstora-kommuner.pdf")
    assert file_name(doc, "json", "sv") == "så-köper-kommuner-vår-bokningstjänst.json"
    assert file_name(doc, "package", "sv") == "så-köper-kommuner-vår-bokningstjänst-package.md"
    doc["workshop"]["title"] = "../../"
    assert file_name(doc, "json", "sv") == f"{doc['workshop']['id']}.json"


# -- the command line ---------------------------------------------------------------------
def _cli_db(tmp_path, doc) -> str:
    import json

    from workshop.cli import main

    db = str(tmp_path / "docs.duckdb")
    src = tmp_path / "map.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(src), "--db", db]) == 0
    return db


@pytest.mark.parametrize("fmt", ["pdf", "docx", "onepager", "battlecard"])
def test_cli_writes_each_document_of_a_one_segment_map(tmp_path, capsys, fmt):
    from workshop.cli import main

    doc = _marked()
    db = _cli_db(tmp_path, doc)
    out = tmp_path / f"out.{fmt}"
    assert main(["export", doc["workshop"]["id"], "--format", fmt, "--out", str(out), "--db", db]) == 0
    data = out.read_bytes()
    if fmt == "docx":
        assert "Xyzzy" not in docx_text(data)
    else:
        text, pages = pdf_text(data)
        assert "Xyzzy" not in text or fmt != "pdf"
        assert pages == 1 or fmt != "onepager"


def test_cli_several_segments_need_segment_exit_2(tmp_path, capsys):
    from workshop.cli import main

    doc = _two_segments()
    db = _cli_db(tmp_path, doc)
    wid = doc["workshop"]["id"]
    capsys.readouterr()
    out = tmp_path / "p.pdf"
    assert main(["export", wid, "--format", "pdf", "--out", str(out), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "--segment" in err and "b-kommun" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    assert main(["export", wid, "--format", "onepager", "--segment", "nope", "--out", str(out), "--db", db]) == 2
    assert "no segment 'nope'" in capsys.readouterr().err
    assert main(["export", wid, "--format", "json", "--segment", "kommun", "--out", str(out), "--db", db]) == 2
    assert main(["export", wid, "--format", "pdf", "--segment", "b-kommun", "--out", str(out), "--db", db]) == 0
    text, _ = pdf_text(out.read_bytes())
    assert _squash("Små kommuner") in _squash(text)
    assert main(["export", wid, "--format", "battlecard", "--out", str(out), "--db", db]) == 0  # every segment


@pytest.mark.parametrize("name", ["fleet", "kommun"])
def test_word_package_holds_what_the_markdown_package_holds(name):
    """The Word (and PDF) package is the Markdown package's content: the customer's words
    for every stage, step, motive, objection, answer and role are in it."""
    doc = demo.example(name)
    text = docx_text(render(doc, "docx"))
    seg = doc["segments"][0]
    wanted = [seg["name"], *(m["text"] for m in seg.get("motives", [])), *(r["name"] for r in seg.get("roles", []))]
    for stage in seg.get("stages", []):
        wanted += [stage["name"], *stage.get("exit_criteria", []), *(s["text"] for s in stage.get("steps", []))]
    for obj in seg.get("objections", []):
        wanted += [obj["text"], *obj.get("responses", [])]
    wanted += [r["success_measure"] for r in seg.get("roles", []) if r.get("success_measure")]
    for words in wanted:
        assert " ".join(words.split()) in text, words
