"""User text made safe for the text formats the exports write (and the pages render).

Markdown: CommonMark lets a backslash escape every ASCII punctuation mark, so escaping them all
shows the text literally: no link, image, emphasis or HTML can come out of a participant's
words. Line breaks become spaces where one line is expected.
"""

from __future__ import annotations

_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&\"'=^%")
#: one table look-up per character (every page run escapes every text on it)
_MD_TABLE = str.maketrans({ch: "\\" + ch for ch in _MD_SPECIAL})


def md_escape(text: str, one_line: bool = True) -> str:
    out = str(text).translate(_MD_TABLE)
    return out.replace("\n", " ") if one_line else out
