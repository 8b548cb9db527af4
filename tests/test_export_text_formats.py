"""The text exports: the playbook (md) and the decision package, from the example, hostile and
synthetic maps. Every user text appears escaped (never raw HTML, links or headings), every stage
has its heading, and the package is written for the customer (no seller-only content)."""

from __future__ import annotations

import copy
import json
import re

import pytest

from workshop import demo
from workshop.exports import render
from workshop.exports.lookup import md_line
from workshop.i18n import t

MAPS = {
    "fleet": lambda: demo.example("fleet"),
    "kommun": lambda: demo.example("kommun"),
    "hostile": demo.hostile_map,
    "synthetic": lambda: demo.synthetic_map(segments=2, stages=5, steps=4, roles=10, motives=6, objections=8, votes=50, deals=6),
}
FORMATS = ("md", "package")

#: Markdown characters that would open a link, code or emphasis when not escaped
UNESCAPED = re.compile(r"(?<!\\)[\[\]`]")
#: what rendered user text must never become
MARKUP = re.compile(r"<(script|img|svg|iframe|a\s|b>|/script)|href=|javascript:[^<]*</a", re.I)


def rendered(markdown_text: str) -> list[str]:
    """The text as the two readers people use render it: CommonMark and Python-Markdown."""
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    return [MarkdownIt("commonmark").render(markdown_text), python_markdown.markdown(markdown_text, extensions=["tables"])]


def lang_of(doc: dict) -> str:
    return doc["workshop"].get("language", "en")


def text(doc: dict, fmt: str) -> str:
    return render(doc, fmt).decode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(MAPS))
def test_every_stage_has_a_heading(name, fmt):
    doc = MAPS[name]()
    lang = lang_of(doc)
    out = text(doc, fmt)
    headings = set(re.findall(r"^#{1,6} .*$", out, flags=re.MULTILINE))
    assert out.startswith("# ")
    for seg in doc["segments"]:
        for number, stage in enumerate(seg["stages"], start=1):
            if fmt == "md":
                expected = "### " + t("playbook.stage_heading", lang, number=number, name=md_line(stage["name"]))
            else:
                expected = "#### " + t("package.stage", lang, number=number, name=md_line(stage["name"]))
            assert expected in headings, expected


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(MAPS))
def test_no_user_text_opens_markup(name, fmt):
    out = text(MAPS[name](), fmt)
    assert UNESCAPED.findall(out) == []
    assert "<" not in out.replace("&lt;", "")  # raw HTML never reaches the file
    for html in rendered(out):
        assert MARKUP.search(html) is None, MARKUP.search(html)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_map_reads_as_written_in_both_readers(fmt):
    """Issue 19: every punctuation mark had a backslash, and Python-Markdown, which knows fewer
    escapes than CommonMark, left 298 of them in the hostile map's text."""
    doc = demo.hostile_map()
    out = text(doc, fmt)
    source_backslashes = json.dumps(doc, ensure_ascii=False).count("\\\\")  # each one typed is "\\\\" in JSON
    for html in rendered(out):
        assert MARKUP.search(html) is None, MARKUP.search(html)
        assert html.count("\\") <= source_backslashes  # only the backslashes people typed
    assert "\\-" not in out and "\\(" not in out and "\\." not in out and "\\:" not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_payloads_appear_escaped(fmt):
    doc = demo.hostile_map()
    out = text(doc, fmt)
    for seg in doc["segments"]:
        for stage in seg["stages"]:
            assert md_line(stage["name"]) in out
            for step in stage["steps"]:
                assert md_line(step["text"]) in out
        for role in seg["roles"]:
            assert md_line(role["name"]) in out
        for obj in seg["objections"]:
            assert md_line(obj["text"]) in out
    # the only headings are ours: a user text starting with "#" is escaped
    for line in out.splitlines():
        if line.startswith("#"):
            assert re.match(r"^#{1,6} \S", line), line
    for html in rendered(out):
        assert "href" not in html  # a "javascript:" link in a sticky note stays text


@pytest.mark.parametrize("fmt", FORMATS)
def test_long_text_and_line_breaks_stay_in_their_line(fmt):
    doc = demo.example("fleet")
    step = doc["segments"][0]["stages"][0]["steps"][0]
    step["text"] = "x" * 3980 + "\r# heading\n- item\r\n<b>"
    doc["segments"][0]["roles"][0]["name"] = "Name 🚚 \u200fשלום\u200e \x07bell"
    out = text(doc, fmt)
    assert not any(line.startswith(("# heading", "- item", "<b>")) for line in out.splitlines())
    assert "\r" not in out and "\x07" not in out
    assert "x" * 3980 in out and "🚚" in out


def test_playbook_has_every_section():
    doc = demo.example("fleet")
    out = text(doc, "md")
    for key in ("playbook.customer_steps", "playbook.exit_criteria", "playbook.must_be_true", "playbook.involved",
                "playbook.questions", "playbook.seller", "playbook.material", "playbook.group", "playbook.motives",
                "playbook.objections", "playbook.risks", "playbook.causes", "playbook.findings"):
        assert t(key, "en") in out, key
    assert t("playbook.behind_the_scenes", "en") in out
    assert "| Fleet manager |" in out  # the buying group table
    assert "Anna" in out  # our contact is the seller's business: in the playbook
    assert "Prospect" in out  # the mirrored seller stage


def test_playbook_in_the_workshops_language():
    doc = demo.example("kommun")
    out = text(doc, "md")
    assert t("playbook.title", "sv", title=md_line(doc["workshop"]["title"])) in out
    assert t("playbook.customer_steps", "sv") in out and t("playbook.customer_steps", "en") not in out


@pytest.mark.parametrize("name", ["fleet", "kommun"])
def test_package_is_for_the_customer(name):
    doc = MAPS[name]()
    lang = lang_of(doc)
    out = text(doc, "package")
    assert t("package.intro", lang) in out
    for key in ("package.situation", "package.goal", "package.options", "package.recommended", "package.takes",
                "package.risks", "package.safe"):
        assert out.count(t(key, lang)) == len(doc["segments"]), key
    for seg in doc["segments"]:
        for role in seg["roles"]:
            if role.get("our_contact"):
                assert md_line(role["our_contact"]) not in out
        for stage in seg["stages"]:
            if stage.get("seller_stage"):
                assert md_line(stage["seller_stage"]) not in out
            for activity in stage.get("seller_activities") or []:
                assert md_line(activity) not in out
            for criterion in stage.get("exit_criteria") or []:
                assert md_line(criterion) in out  # milestones of the track
    # no findings jargon and no seller ratings
    for forbidden in ("finding", t("playbook.findings", lang), t("field.role.stance", lang), t("field.role.our_contact", lang)):
        assert forbidden not in out


def test_package_options_name_the_offering_and_how_it_serves_motives():
    doc = demo.example("fleet")
    out = text(doc, "package")
    assert t("package.option_offering", "en", offering=md_line(doc["workshop"]["offering"])) in out
    assert md_line("Fuel analytics that cut consumption 8-12 %") in out
    assert md_line("Fastest 5G hardware on the market") not in out  # serves no motive: not an argument for the customer


def test_package_without_offering_or_content():
    doc = copy.deepcopy(demo.example("kommun"))
    doc["workshop"].pop("offering", None)
    seg = doc["segments"][0]
    for key in ("roles", "motives", "objections"):
        seg[key] = []
    for stage in seg["stages"]:
        stage["steps"] = []
    doc["deals"] = []
    doc["usps"] = []
    out = text(doc, "package")
    assert t("package.default_offering", "sv") in out
    assert t("package.to_agree", "sv") in out
    assert text(doc, "md").count(t("playbook.empty", "sv")) > 0
