"""Defaults of absent fields, exactly as ``map-format.md`` names them.

The map file keeps absent fields absent (round trip, rule 6); code that *reads* a field asks
:func:`get` so the default lives in one place.
"""

from __future__ import annotations

from typing import Any, Mapping

DEFAULTS: dict[str, dict[str, Any]] = {
    "step": {"kind": "action", "behind_the_scenes": False},
    "flow": {"kind": "next"},
    "segment": {"procurement": "informal"},
    "objection": {"no_decision_cause": "none", "severity": 3},
    "motive": {"importance": 3},
    "role": {"influence": 3, "stance": 0},
    "criterion": {"status": "unknown"},
    "vote": {"round": 1},
    "workshop": {"language": "en"},
    "action": {"kind": "other", "status": "open"},
}


def get(kind: str, element: Mapping[str, Any], field: str) -> Any:
    """The field's value, or its documented default, or ``None``."""
    if field in element:
        return element[field]
    return DEFAULTS.get(kind, {}).get(field)
