"""Every text colour the app shows meets a contrast of 4.5:1 with its background (WCAG 2.1 AA,
1.4.3; issue 17, item 7), computed from the colours themselves, not from a browser.

The theme is read from ``.streamlit/config.toml``, with what Streamlit 1.67 derives from it: a
caption is the text colour at 60 % opacity; a selected pill or segment is the primary colour on
a 10 % (20 % when hovered) tint of itself; a primary button is white on the primary colour;
coloured text (``:red[...]``, badges) is Streamlit's ``<colour>TextColor`` on its
``<colour>BackgroundColor``. Beside it the app's own colours: the badges of
:mod:`workshop.render.tables`, the buying group's stance pills, the projector's CSS
(:mod:`ui.projector`), and the live parts' CSS, whose text colours come from the theme.
axe checks the rendered pages as well (``tests/e2e/test_a11y_browser.py``).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from workshop.render import charts, tables

ROOT = Path(__file__).resolve().parents[1]
AA = 4.5
WHITE = "#ffffff"
CAPTION_OPACITY = 0.6  # Streamlit 1.67: theme.opacities.secondary on st.caption
PILL_TINTS = (0.1, 0.2)  # a selected pill/segment's background: the primary colour at 10 %, 20 % hovered
COLOURS = ("red", "orange", "yellow", "blue", "green", "violet", "gray")


def rgb(colour: str) -> tuple[int, int, int]:
    h = colour.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def luminance(colour: str) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def over(colour: str, alpha: float, background: str) -> str:
    """``colour`` at ``alpha`` opacity over ``background``, as one colour."""
    mixed = (round(c * alpha + b * (1 - alpha)) for c, b in zip(rgb(colour), rgb(background)))
    return "#" + "".join(f"{v:02x}" for v in mixed)


def test_the_arithmetic():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert over("#000000", 0.5, "#ffffff") in ("#808080", "#7f7f7f")


def theme() -> dict[str, str]:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return config["theme"]


def theme_pairs() -> list[tuple[str, str, str]]:
    th = theme()
    text, bg, side, primary = th["textColor"], th["backgroundColor"], th["secondaryBackgroundColor"], th["primaryColor"]
    pairs = [
        ("text on the page", text, bg),
        ("text in the sidebar", text, side),
        ("caption on the page", over(text, CAPTION_OPACITY, bg), bg),
        ("caption in the sidebar", over(text, CAPTION_OPACITY, side), side),
        ("primary (links, selected tab) on the page", primary, bg),
        ("primary in the sidebar", primary, side),
        ("white on a primary button", WHITE, primary),
    ]
    pairs += [(f"selected pill, {int(a * 100)} % tint", primary, over(primary, a, bg)) for a in PILL_TINTS]
    for c in COLOURS:
        fg, tint = th[f"{c}TextColor"], th[f"{c}BackgroundColor"]
        pairs += [(f"{c} text on its background", fg, tint), (f"{c} text on the page", fg, bg), (f"{c} text in the sidebar", fg, side)]
    return pairs


def test_the_theme_is_set_and_the_default_would_fail():
    """The theme is the app's own: Streamlit's default caption (#2F2D2B at 60 %) was 3.88:1."""
    th = theme()
    assert th["base"] == "light"
    assert contrast(over("#2f2d2b", CAPTION_OPACITY, WHITE), WHITE) < AA


@pytest.mark.parametrize("what, fg, bg", theme_pairs(), ids=lambda v: v if " " in str(v) else "")
def test_theme_text_meets_4_5(what, fg, bg):
    assert contrast(fg, bg) >= AA, f"{what}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"


def badge_pairs() -> list[tuple[str, str, str]]:
    pairs = [(f"status badge {s}", WHITE, c) for s, c in tables.STATUS_COLOURS.items()]
    pairs += [(f"action badge {s}", WHITE, c) for s, c in tables.ACTION_COLOURS.items()]
    pairs += [(f"severity {n}", fg, bg) for n, (bg, fg) in tables.SEVERITY_COLOURS.items()]
    unset = re.search(r'bg="(#[0-9a-f]{6})", fg="(#[0-9a-f]{6})"', (ROOT / "workshop/render/tables.py").read_text())
    pairs.append(("severity not rated", unset.group(2), unset.group(1)))
    group = ast.parse((ROOT / "views" / "group.py").read_text(encoding="utf-8"))
    stance_text = next(
        ast.literal_eval(node.value) for node in group.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "STANCE_TEXT"
    )
    pairs += [(f"stance pill {s}", stance_text[s], charts.STANCE_COLOURS[s]) for s in charts.STANCE_COLOURS]
    return pairs


@pytest.mark.parametrize("what, fg, bg", badge_pairs(), ids=lambda v: v if " " in str(v) else "")
def test_badges_and_pills_meet_4_5(what, fg, bg):
    assert contrast(fg, bg) >= AA, f"{what}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"


def _blocks(css: str) -> list[tuple[str, str]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [(sel.strip(), body) for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


def test_the_projector_s_text_colours_meet_4_5_on_its_backgrounds():
    """Every text colour of the projector's CSS on every background it declares of the other
    lightness (dark text on the white page, the traffic lights, the table head; white on the
    chevrons). A ``::before`` dot carries no text."""
    from ui.projector import CSS

    texts, backgrounds = set(), {theme()["backgroundColor"]}
    for selector, body in _blocks(CSS):
        texts |= set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body))
        if "::before" not in selector:
            backgrounds |= set(re.findall(r"background:\s*(#[0-9a-fA-F]{3,6})", body))
    assert texts and len(backgrounds) > 3
    failing = [
        f"{fg} on {bg}: {contrast(fg, bg):.2f}:1"
        for fg in sorted(texts) for bg in sorted(backgrounds)
        if (luminance(fg) < 0.5) != (luminance(bg) < 0.5) and contrast(fg, bg) < AA
    ]
    assert not failing, failing


def test_the_live_parts_take_their_text_colours_from_the_theme():
    """``web/component/live.css`` sets text only in the theme's colours (``var(--st-...)``),
    ``inherit``, or white on the primary colour (checked with the theme above)."""
    css = (ROOT / "web" / "component" / "live.css").read_text(encoding="utf-8")
    for selector, body in _blocks(css):
        for value in re.findall(r"(?<![-\w])color:\s*([^;]+);", body):
            value = value.strip()
            if value in ("#fff", "#ffffff"):
                assert "var(--st-primary-color" in body, f"{selector}: white text off the primary colour"
            else:
                assert value.startswith("var(--st-") or value == "inherit", f"{selector}: color {value}"
