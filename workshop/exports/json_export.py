"""The map file itself: the interchange format, exported exactly as it was imported (rule 6)."""

from __future__ import annotations

import json
from typing import Any


def to_json(doc: dict[str, Any], lang: str) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
