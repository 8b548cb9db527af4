"""Small coloured badges the friction, consensus, deals and actions pages share: severity on a
light-to-dark red scale, consensus statuses and action statuses.

They return HTML for ``st.markdown(..., unsafe_allow_html=True)``. No user text ever goes in:
a badge is built from a number or a fixed status and a label from the i18n catalogue, and even
that label is escaped here.
"""

from __future__ import annotations

import html

#: severity 1-5, light to dark red (background, text colour)
SEVERITY_COLOURS: dict[int, tuple[str, str]] = {
    1: ("#fee2e2", "#7f1d1d"),
    2: ("#fca5a5", "#7f1d1d"),
    3: ("#f87171", "#450a0a"),
    4: ("#dc2626", "#ffffff"),
    5: ("#7f1d1d", "#ffffff"),
}

#: consensus statuses: yes green, partly amber, no red, unknown grey (each with white text at 4.5:1
#: or more: the amber is a dark one, #d97706 gave 3.18:1)
STATUS_COLOURS: dict[str, str] = {"yes": "#15803d", "partly": "#b45309", "no": "#dc2626", "unknown": "#64748b"}

#: action statuses: open grey, in progress blue, done green (white text on each at 4.5:1 or more)
ACTION_COLOURS: dict[str, str] = {"open": "#64748b", "doing": "#2563eb", "done": "#15803d"}

_PILL = (
    "display:inline-block;padding:0.15em 0.7em;border-radius:999px;font-weight:600;"
    "font-size:0.9em;line-height:1.5;white-space:nowrap;background:{bg};color:{fg}"
)


def severity_colour(level: int) -> str:
    """The background colour of a severity (clamped to 1-5)."""
    return SEVERITY_COLOURS[min(5, max(1, int(level)))][0]


def severity_badge(level: int | None, label: str, unset: str = "") -> str:
    """A pill showing ``level`` of 5 as filled dots, coloured light (1) to dark (5) red; a
    severity nobody rated (``None``) is a grey pill saying so (``unset``), not a 3 of 5 that
    looks judged (issue 17; the analysis still counts it as the format's default)."""
    if level is None:
        return f'<span style="{_PILL.format(bg="#e2e8f0", fg="#334155")}" title="{html.escape(label)}">○○○○○&nbsp;{html.escape(unset)}</span>'
    level = min(5, max(1, int(level)))
    bg, fg = SEVERITY_COLOURS[level]
    dots = "●" * level + "○" * (5 - level)
    return f'<span style="{_PILL.format(bg=bg, fg=fg)}" title="{html.escape(label)}">{dots}&nbsp;{level}/5</span>'


def status_badge(status: str, label: str, colours: dict[str, str] | None = None) -> str:
    """A pill with a status's colour and its (translated) label."""
    bg = (colours or STATUS_COLOURS).get(status, "#64748b")
    return f'<span style="{_PILL.format(bg=bg, fg="#ffffff")}">{html.escape(label)}</span>'


def share_bar(parts: list[tuple[str, int, str]], colours: dict[str, str] | None = None) -> str:
    """A horizontal bar split into coloured parts (status, count, translated label): a tally
    seen at a glance from the back of the room."""
    colours = colours or STATUS_COLOURS
    cells = "".join(
        f'<div style="flex:{int(n)};background:{colours.get(s, "#64748b")}" title="{html.escape(label)}: {int(n)}"></div>'
        for s, n, label in parts
        if n > 0
    )
    return f'<div style="display:flex;height:14px;border-radius:7px;overflow:hidden;background:#e2e8f0;width:100%">{cells}</div>'
