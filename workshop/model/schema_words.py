"""A schema error in words a workshop user understands, in every language of the app.

Why its own module: both the map file's reader and the check of one element a page adds or
edits (:mod:`.element_schema`) report jsonschema's errors. jsonschema speaks English ("'status'
is a required property"); a Swedish screen must not. So each error is described once here as
an English message (the command line's) *and* an i18n key with its values
(``problem.*`` in ``workshop/i18n/texts/problems.json``), which a screen turns into its
language (:func:`workshop.i18n.error_text`).
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema

#: (path, English message, i18n key, the key's values)
Described = tuple[tuple[str | int, ...], str, str, dict[str, Any]]

_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}
ID_PATTERN = "^[A-Za-z0-9_.:-]{1,64}$"
_ID_HINT = "an id is 1 to 64 letters (A-Z, a-z), digits or _ . : -"
_FORMAT_EXAMPLES = {"date": "2026-12-15", "date-time": "2026-10-14T09:00:00Z"}


def short(value: Any, limit: int = 60) -> str:
    """A value as a user would recognise it, never the whole of a huge one."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(error: jsonschema.ValidationError) -> list[Described]:
    """The problems one jsonschema error stands for."""
    path = tuple(error.absolute_path)
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if "propertyNames" in error.relative_schema_path:
        return [(path, f"the key {short(value)} is not a valid id; {_ID_HINT}", "problem.bad_id", {"value": short(value)})]
    if keyword == "required":
        return [((*path, key), "is required but missing", "problem.required", {}) for key in expected if key not in value]
    if keyword == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        return [
            ((*path, key), "is not part of the map format (unexpected key)", "problem.unexpected", {})
            for key in value if key not in allowed
        ]
    if keyword == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return [(path, f"should be {wanted}, not {short(value)}", "problem.type", {"value": short(value)})]
    if keyword == "enum":
        choices = ", ".join(str(c) for c in expected)
        return [(path, f"{short(value)} is not one of: {choices}", "problem.enum", {"value": short(value), "choices": choices})]
    if keyword == "const":
        return [(path, f"should be {short(expected)}, not {short(value)}", "problem.const", {"value": short(value), "expected": short(expected)})]
    if keyword == "pattern":
        if expected == ID_PATTERN:
            return [(path, f"{short(value)} is not a valid id; {_ID_HINT}", "problem.bad_id", {"value": short(value)})]
        return [(path, f"{short(value)} does not have the expected form", "problem.pattern", {"value": short(value)})]
    if keyword == "minLength":
        return [(path, "must not be empty", "problem.empty", {})]
    if keyword == "maxLength":
        return [(path, f"is {len(value)} characters long; the limit is {expected}", "problem.too_long", {"length": len(value), "limit": expected})]
    if keyword == "minimum":
        return [(path, f"{short(value)} is too small; the lowest allowed is {expected}", "problem.minimum", {"value": short(value), "limit": expected})]
    if keyword == "maximum":
        return [(path, f"{short(value)} is too large; the highest allowed is {expected}", "problem.maximum", {"value": short(value), "limit": expected})]
    if keyword == "minItems":
        return [(path, f"needs at least {expected} item{'s' if expected != 1 else ''}", "problem.min_items", {"count": expected})]
    if keyword == "uniqueItems":
        return [(path, "lists the same value more than once", "problem.unique", {})]
    if keyword == "format":
        example = _FORMAT_EXAMPLES.get(expected, "")
        hint = f" (for example {example})" if example else ""
        return [(path, f"{short(value)} is not a valid {expected}{hint}", "problem.format", {"value": short(value), "example": example or "—"})]
    message = error.message if len(error.message) <= 120 else error.message[:119] + "…"
    return [(path, message, "problem.other", {"message": message})]
