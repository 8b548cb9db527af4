"""User text made safe for the text formats the exports write (and the pages render).

Markdown: CommonMark lets a backslash escape every ASCII punctuation mark, so escaping them all
shows the text literally: no link, image, emphasis or HTML can come out of a participant's
words. Line breaks become spaces where one line is expected.
"""

from __future__ import annotations

_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&\"'=^%")


def md_escape(text: str, one_line: bool = True) -> str:
    out = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))
    return " ".join(out.split("\n")) if one_line else out
