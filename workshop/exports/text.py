r"""User text made safe for the text formats the exports write (and the pages render).

Two escapers, for two kinds of reader:

- :func:`md_escape`, for the pages: Streamlit's Markdown adds its own syntax to CommonMark
  (``:material/icon:`` shortcodes, ``$`` for formulas, colour directives), so every ASCII
  punctuation mark gets a backslash. Nobody reads that text raw.
- :func:`md_text`, for the Markdown files people receive (playbook, package, coaching sheet,
  Kumu descriptions): escapes only what CommonMark *and* Python-Markdown would turn into
  markup in running text, so the file reads as written (issue 19: ``\-``, ``\(``, ``\.``
  and ``\:`` were everywhere, and Python-Markdown, which knows fewer escapes, left 298
  backslashes in a hostile map). Emphasis, code, links and images need ``* _ ` [ ]``: those
  get a backslash, which both understand. Raw HTML and autolinks need ``<``, and an entity
  ``&name;``: those become ``&lt;`` and ``&amp;`` (Python-Markdown has no ``\<``). A marker
  that only counts at the start of a line (``#``, ``>``, ``+``, ``-``, ``1.``) is escaped
  there. In a table cell ``|`` is escaped too.

Line breaks become spaces where one line is expected.
"""

from __future__ import annotations

import re

_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&\"'=^%")
#: one table look-up per character (every page run escapes every text on it)
_MD_TABLE = str.maketrans({ch: "\\" + ch for ch in _MD_SPECIAL})


def md_escape(text: str, one_line: bool = True) -> str:
    out = str(text).translate(_MD_TABLE)
    return out.replace("\n", " ") if one_line else out


#: what makes markup anywhere in running text, for CommonMark and Python-Markdown alike
_TEXT_TABLE = str.maketrans({"\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "<": "&lt;"})
_CELL_TABLE = str.maketrans({"|": "\\|"})
#: an ampersand that would start an entity (&amp; &#38; &#x26;)
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
#: what counts only at a line's start: a heading, a quote, a list item, a rule
_LINE_START = re.compile(r"^([ \t]*)(?:([#>+\-])|([0-9]{1,9})([.)]))")


def _line_start(match: re.Match) -> str:
    indent, marker, digits, closing = match.groups()
    if marker:
        return f"{indent}\\{marker}"
    return f"{indent}{digits}\\{closing}"


def md_text(text: str, one_line: bool = True, *, cell: bool = False) -> str:
    """``text`` as literal Markdown text for a file people read raw; ``cell``: in a table."""
    out = _ENTITY.sub("&amp;", str(text)).translate(_TEXT_TABLE)
    if cell:
        out = out.translate(_CELL_TABLE)
    if one_line:
        return _LINE_START.sub(_line_start, " ".join(out.split("\n")).lstrip())
    return "\n".join(_LINE_START.sub(_line_start, line) for line in out.split("\n"))
