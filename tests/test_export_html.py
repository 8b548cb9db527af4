"""The html export: one self-contained file, no remote reference, hostile text only as text; and,
in headless Chromium opened from disk with the network off, the graph draws and nothing runs."""

from __future__ import annotations

import html
import json
import re

import pytest

from workshop import demo
from workshop.analysis import analyze, title
from workshop.exports import FORMATS, available, render
from workshop.exports.html_map import esc, script_json, to_html

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]

MAPS = {
    "fleet": lambda: demo.example("fleet"),
    "kommun": lambda: demo.example("kommun"),
    "hostile": demo.hostile_map,
    "synthetic": lambda: demo.synthetic_map(segments=2, stages=6, steps=5, roles=15),
}


def _page(name: str) -> tuple[dict, str]:
    doc = MAPS[name]()
    return doc, to_html(doc, doc["workshop"].get("language", "en")).decode("utf-8")


def _drawn(page: str) -> list[tuple[list, list]]:
    """(nodes, edges) handed to each ``new vis.DataSet(...)`` pair of the page's drawings."""
    found = re.findall(r"var ns = new vis\.DataSet\((\[.*?\])\);\n  var es = new vis\.DataSet\((\[.*?\])\);\n", page)
    return [(json.loads(n), json.loads(e)) for n, e in found]


def test_registered_and_rendered_through_the_registry():
    assert "html" in available() and FORMATS["html"].extension == "html"
    doc = demo.example("fleet")
    assert render(doc, "html") == to_html(doc, "en")


@pytest.mark.parametrize("name", list(MAPS))
def test_no_remote_reference_at_all(name):
    _, page = _page(name)
    assert "http://" not in page.lower() and "https://" not in page.lower()
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", page, re.IGNORECASE)
    assert "sourceMappingURL" not in page and "bootstrap" not in page.lower()
    assert page.count("vis-network") >= 1 and "vis.Network" in page  # the library is inlined, once
    assert page.count("* vis-network\n") == 1


@pytest.mark.parametrize("name", list(MAPS))
def test_one_drawing_per_segment_with_findings_and_summary(name):
    doc, page = _page(name)
    lang = doc["workshop"].get("language", "en")
    drawings = _drawn(page)
    assert len(drawings) == len(doc["segments"])
    for seg, (nodes, _) in zip(doc["segments"], drawings):
        assert {s["id"] for s in seg["stages"]} <= {n["id"] for n in nodes}
        assert {r["id"] for r in seg.get("roles", [])} <= {n["id"] for n in nodes}
    result = analyze(doc, lang)
    for i, seg in enumerate(result.segments):
        assert f'id="segment-{i}"' in page and f'href="#segment-{i}"' in page
        for f in seg.findings:
            assert esc(f.message) in page
            assert esc(title(f.code, lang)) in page
    assert esc(doc["workshop"]["title"]) in page
    if doc["workshop"].get("question"):
        assert esc(doc["workshop"]["question"]) in page
    assert f'<html lang="{lang}">' in page


def test_in_the_workshops_language():
    page = to_html(demo.example("kommun"), "sv").decode("utf-8")
    assert "Sammanfattning" in page and "Risk för inget beslut" in page
    assert "Summary" not in page


def test_hostile_payloads_appear_only_escaped():
    _, page = _page("hostile")
    for payload in demo.HOSTILE_TEXTS:
        if "<" in payload or '"' in payload:
            assert payload not in page
    assert "<img src=x" not in page and "<svg onload" not in page
    assert "</script><script>window" not in page
    assert html.escape(demo.HOSTILE_TEXTS[0]) in page  # shown, as text
    # the only user text inside <script> is JSON, and it comes back unchanged
    nodes = [n for ns, _ in _drawn(page) for n in ns]
    labels = " ".join(n["label"] for n in nodes)
    assert "</script><script>window.__kopkarta_xss=3</script>" in labels
    for block in re.findall(r"<script[^>]*>(.*?)</script>", page, re.DOTALL):
        assert "<script>window.__kopkarta_xss" not in block and "<img" not in block


def test_long_rtl_emoji_and_links_stay_text():
    doc = demo.example("fleet")
    doc["workshop"]["title"] = "x" * 4000
    doc["segments"][0]["name"] = "\u202eRTL \u200f🚚 https://evil.example/x.js"
    doc["segments"][0]["stages"][0]["name"] = "see http://evil.example/ \u2028 </script>"
    page = to_html(doc, "en").decode("utf-8")
    assert "https://" not in page and "http://" not in page
    assert "x" * 4000 in page
    assert "https:&#47;&#47;evil.example" in page
    nodes = _drawn(page)[0][0]
    assert any(n["label"].startswith("1. see http://evil.example/") for n in nodes)  # JSON reads back the same text


def test_script_json_cannot_end_a_script():
    text = script_json({"a": "</script><!-- <script> & \u2028 https://x"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text and "https://" not in text
    assert json.loads(text) == {"a": "</script><!-- <script> & \u2028 https://x"}


def test_an_empty_segment_gets_no_drawing():
    doc = demo.example("fleet")
    doc["segments"].append({"id": "empty", "name": "Nothing yet", "stages": []})
    page = to_html(doc, "nb").decode("utf-8")
    assert len(_drawn(page)) == len(doc["segments"]) - 1
    assert "Nothing yet" in page


def test_same_map_same_bytes():
    assert to_html(demo.example("fleet"), "en") == to_html(demo.example("fleet"), "en")


# -- in a browser, from disk, offline ----------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("no system Chromium")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", list(MAPS))
def test_opens_offline_from_disk_draws_and_runs_nothing(chromium, name, tmp_path):
    doc, page_html = _page(name)
    path = tmp_path / f"{name}.html"
    path.write_text(page_html, encoding="utf-8")
    context = chromium.new_context(offline=True, viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    dialogs: list[str] = []
    context.route("**/*", lambda r: r.abort() if not r.request.url.startswith("file:") else r.continue_())
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        for i in range(len(doc["segments"])):
            page.wait_for_selector(f"#kk-net-{i} canvas", state="attached", timeout=15000)
            size = page.evaluate(f"() => {{ const c = document.querySelector('#kk-net-{i} canvas'); return [c.width, c.height]; }}")
            assert size[0] > 100 and size[1] > 100
        # interact: a click on a drawing runs the highlight without errors
        page.locator("#kk-net-0 canvas").click(position={"x": 200, "y": 150})
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.__kopkarta_xss") is None
        assert errors == []
        assert dialogs == []
        assert [u for u in requests if not u.startswith("file:")] == []
        if name == "hostile":
            shown = page.inner_text("body")
            assert demo.HOSTILE_TEXTS[0] in shown  # the payload is visible, literally
    finally:
        context.close()
