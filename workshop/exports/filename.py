"""A download's file name from the workshop's title, so a file saved to a laptop says what it is
("Så köper kommuner vår bokningstjänst.xlsx") rather than an internal id.

Letters of every script stay (å, ä, ö, æ, ø); what Windows, macOS or a shell would trip on
(``/ \\ : * ? " < > |``, control characters, leading dots) goes; the name is at most 80
characters; a title with nothing left falls back to the workshop's id.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_LENGTH = 80


def title_stem(title: str, fallback: str) -> str:
    """``title`` as a safe file name without its extension (``fallback`` when nothing is left)."""
    text = unicodedata.normalize("NFC", str(title))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # controls, bidi marks, surrogates
    text = _UNSAFE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    return text[:MAX_LENGTH].rstrip(" .") or fallback
