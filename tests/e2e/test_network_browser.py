"""The network map's labels stay readable (issue 17: fitted into its frame, a large map drew
its labels at a few pixels). Opened in real headless Chromium as the page and the HTML export
give it: at the width of the page's main column on a 1440 px screen, the smallest label is at
least 12 px high."""

from __future__ import annotations

import pytest

from workshop import demo
from workshop.graph import View
from workshop.render.network import MIN_LABEL_PX, map_html

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("which", ["fleet", "large"])
def test_labels_are_at_least_12_px(page, tmp_path, which):
    doc = demo.synthetic_map() if which == "large" else demo.example("fleet")
    segment = "g0" if which == "large" else doc["segments"][0]["id"]
    path = tmp_path / "map.html"
    path.write_text(map_html(doc, segment, View(extras=True), "en"), encoding="utf-8")
    page.set_viewport_size({"width": 1100, "height": 900})  # the main column of a 1440 px screen
    page.goto(path.as_uri())
    page.wait_for_function("() => typeof window.kkLabelPx === 'number'", timeout=30000)
    assert page.evaluate("() => window.kkLabelPx") >= MIN_LABEL_PX - 0.01
