"""The only way in for a map document from untrusted bytes: parse, then validate.

Map files come from users, mail and other installations, so nothing here trusts them. The
reader refuses, with a message that names the place, anything that is not a version-1
Köpkarta map, and it never lets a library error (``RecursionError``, ``UnicodeDecodeError``,
``json.JSONDecodeError``, ``jsonschema.ValidationError``) escape: every refusal is a
:class:`~workshop.errors.MapFormatError` (bad input, exit status 2).

Limits: a map is at most ``MAX_MAP_BYTES`` (10 MB, 10 * 1024 * 1024 bytes) of UTF-8 and
nests at most ``MAX_DEPTH`` (32) levels of objects and arrays; a real map needs 7. The checks
run in this order, each only when the earlier ones passed: size, encoding, JSON syntax,
top-level object, depth, ``format``, ``version``, the number of elements of each kind
(:mod:`.limits`: counted in milliseconds, so an oversized map is refused before the schema's
slower walk), schema, the rules of ``map-format.md`` (:mod:`.rules`).

Fast: a legal map's schema check runs in ``jsonschema_rs`` (Rust; 36 ms instead of 2.3 s for
the biggest legal map, issue 18, item 5). It only says yes or no: when it says no, the
``jsonschema`` validator, the authority, finds and words every problem (and a map it finds no
problem in is accepted, as before). ``tests/test_reader_fast.py`` checks on generated and
mutated maps that the fast check never accepts what the authority refuses.

Pure: the standard library, jsonschema and jsonschema_rs only.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import jsonschema

from ..errors import BadInput, MapFormatError, Problem
from .elements import FORMAT, VERSION
from .limits import document_problems
from .rules import check_rules, place
from .schema_words import describe, short as _short

#: the largest map accepted, in bytes (10 MB)
MAX_MAP_BYTES = 10 * 1024 * 1024
#: the deepest nesting of objects and arrays accepted (the document itself is level 1)
MAX_DEPTH = 32
#: at most this many problems are reported (the rest are counted)
MAX_PROBLEMS = 50

_BOM = b"\xef\xbb\xbf"


def _fail(message: str, where: str = "") -> MapFormatError:
    return MapFormatError([Problem(where, message)])


# --- bytes to a document -----------------------------------------------------------------


def read_map_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate a map file, checking its size before reading it.

    A missing or unreadable file is :class:`BadInput` naming the path; a file that is not a
    valid map is :class:`MapFormatError`.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_MAP_BYTES:
            raise _too_big(size)
        with p.open("rb") as f:
            # bounded: a file that grows, or a device that reports size 0, cannot flood memory
            data = f.read(MAX_MAP_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(f"cannot read the map file '{p}': there is no such file") from None
    except IsADirectoryError:
        raise BadInput(f"cannot read the map file '{p}': it is a directory") from None
    except PermissionError:
        raise BadInput(f"cannot read the map file '{p}': permission denied") from None
    except OSError as e:
        raise BadInput(f"cannot read the map file '{p}': {e.strerror or e}") from None
    if len(data) > MAX_MAP_BYTES:
        raise _fail(f"the file is more than {MAX_MAP_BYTES // (1024 * 1024)} MB; the limit is 10 MB")
    return read_map(data)


def read_map(data: bytes | str) -> dict[str, Any]:
    """Parse and validate an untrusted map document; return it as plain JSON values."""
    text = _decode(data)
    if not text.strip():
        raise _fail("the file is empty; a map file is a JSON object")
    doc = _parse_json(text)
    validate(doc)
    return doc


def _too_big(size: int) -> MapFormatError:
    mb = size / (1024 * 1024)
    shown = f"{mb:.1f} MB" if round(mb, 1) > 10 else f"{size:,} bytes"
    return _fail(f"the file is {shown}; the limit is 10 MB ({MAX_MAP_BYTES:,} bytes)")


def _decode(data: bytes | str) -> str:
    """Bytes (or text) to text, with the size limit; a UTF-8 byte order mark is accepted."""
    if isinstance(data, str):
        if len(data) > MAX_MAP_BYTES:  # each character is at least one byte
            raise _too_big(len(data))
        try:
            size = len(data.encode("utf-8"))
        except UnicodeEncodeError as e:
            raise _fail(f"the text is not valid Unicode: a lone surrogate at character {e.start}") from None
        if size > MAX_MAP_BYTES:
            raise _too_big(size)
        return data[1:] if data.startswith("\ufeff") else data
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"read_map wants bytes or str, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_MAP_BYTES:
        raise _too_big(len(data))
    skip = len(_BOM) if data.startswith(_BOM) else 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail("the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8")
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as e:
        offset = skip + e.start  # counted from the start of the file, from 0, as hex editors do
        line = data.count(b"\n", 0, offset) + 1
        raise _fail(
            f"the file is not UTF-8 text: the byte at offset {offset} (line {line}) is 0x{data[offset]:02x}, "
            "which UTF-8 does not allow there; save the file as UTF-8"
        ) from None


class _Refused(ValueError):
    """Raised from inside the JSON parser's hooks; turned into a MapFormatError."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = key if len(key) <= 60 else key[:60] + "…"
            raise _Refused(f"the key '{shown}' appears twice in the same object; JSON keys must be unique")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not allowed: a map file holds plain JSON numbers (no NaN or Infinity)")


def _finite_float(s: str) -> float:
    value = float(s)
    if not math.isfinite(value):
        raise _Refused(f"the number {s[:30]} is too large")
    return value


def _parse_json(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as e:
        raise _fail(f"the file is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    except RecursionError:
        raise _fail(f"the document is nested too deeply; the limit is {MAX_DEPTH} levels") from None
    except _Refused as e:
        raise _fail(str(e)) from None
    except ValueError as e:  # an integer with more digits than Python converts (4300)
        if "digits" in str(e):
            raise _fail("the file holds a number with too many digits") from None
        raise _fail(f"the file holds a value that cannot be read: {str(e)[:100]}") from None
    return doc


# --- a document to a valid map -----------------------------------------------------------


def validate(doc: Any) -> None:
    """Raise :class:`MapFormatError` unless ``doc`` is a valid version-1 map.

    Checks the shape (object, depth), ``format`` and ``version``, the limits of each kind of
    element, then the schema, then (only
    when the schema passes) the rules of ``map-format.md``. Changes nothing.
    """
    if not isinstance(doc, dict):
        raise _fail(f"a map file is a JSON object, not {_kind_of(doc)}")
    _check_depth(doc)
    _check_header(doc)
    problems = document_problems(doc)
    if problems:
        raise MapFormatError(_capped(problems))
    problems = _schema_problems(doc)
    if not problems:
        problems = check_rules(doc)
    if problems:
        raise MapFormatError(_capped(problems))


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def _check_depth(doc: dict[str, Any]) -> None:
    """Iteratively (no recursion to exhaust), before jsonschema recurses through the document."""
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(doc, 1, ())]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise _fail(f"nested too deeply: more than {MAX_DEPTH} levels of objects and arrays", place(path[:12]) + "…")
        if isinstance(value, dict):
            stack.extend((v, depth + 1, (*path, k)) for k, v in value.items() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1, (*path, i)) for i, v in enumerate(value) if isinstance(v, (dict, list)))


def _check_header(doc: dict[str, Any]) -> None:
    """``format`` and ``version`` first: a file that is not a v1 map gets that message, not 40 others."""
    if "format" not in doc:
        raise _fail(f'missing; a map file starts with "format": "{FORMAT}"', "format")
    if doc["format"] != FORMAT:
        raise _fail(f"this is not a Köpkarta map: format is {_short(doc['format'])}, not \"{FORMAT}\"", "format")
    if "version" not in doc:
        raise _fail(f"missing; this reader knows version {VERSION}", "version")
    version = doc["version"]
    if type(version) is not int or version != VERSION:
        raise _fail(f"version {_short(version)} is not supported; this reader knows version {VERSION}", "version")


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem("", f"… and {rest} more problem{'s' if rest != 1 else ''}")]


# --- the schema ---------------------------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")

_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date")
def _is_date(value: object) -> bool:
    """RFC 3339 full-date (``2026-12-15``), a real day of the calendar."""
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time: a ``T`` and a time zone (``Z`` or ``+01:00``), so it names one instant."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:  # a day or hour that does not exist, or an offset beyond 24 hours
        return False
    return True


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = resources.files("workshop.model").joinpath("map.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    """Built once: the schema shipped with the package with its ``$ref``s inlined, Draft
    2020-12, with format checks.

    Why inlined: cProfile of a map of 100,000 steps (issue 18, item 5) put a third of the
    schema check in ``referencing``'s lookup of ``#/$defs/id`` and ``#/$defs/text``, done
    again for every field of every element; the map schema has no recursive reference, so
    the references are replaced by what they name once, here (4.0 s to 2.5 s for that map).
    """
    return jsonschema.Draft202012Validator(inline_refs(_schema()), format_checker=_FORMATS)


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every local ``{"$ref": "#/$defs/NAME"}`` replaced by the definition
    (its other keywords, such as ``description``, kept beside it). Only for a schema whose
    references do not recurse, as the map schema's do not (a cycle raises ``ValueError``)."""
    defs = schema.get("$defs", {})

    def inline(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [inline(v, seen) for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and "/" not in ref[len("#/$defs/"):]:
            name = ref[len("#/$defs/"):]
            if name in seen:
                raise ValueError(f"the schema's reference {ref} recurses")
            target = inline(defs[name], (*seen, name))
            rest = {k: inline(v, seen) for k, v in node.items() if k != "$ref"}
            return {**target, **rest}
        return {k: inline(v, seen) for k, v in node.items()}

    return {k: inline(v, ()) for k, v in schema.items() if k != "$defs"}


def schema() -> dict[str, Any]:
    """The map schema (a copy of the one shipped, ``$ref``s and all)."""
    return json.loads(json.dumps(_schema()))


@functools.lru_cache(maxsize=1)
def _fast() -> Callable[[Any], bool] | None:
    """The schema's yes-or-no check in Rust, with the same two format checks (``None`` where
    ``jsonschema_rs`` is not installed: then the authority alone checks, as it did)."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - it is in requirements.txt
        return None
    formats = {"date": _is_date, "date-time": _is_date_time}
    return jsonschema_rs.Draft202012Validator(_schema(), validate_formats=True, formats=formats).is_valid


def schema_valid_fast(doc: Any) -> bool | None:
    """What the fast check says of ``doc`` (``None``: it could not say: not installed, or a
    value it cannot take, such as an integer beyond 64 bits)."""
    fast = _fast()
    if fast is None:
        return None
    try:
        return bool(fast(doc))
    except Exception:  # noqa: BLE001 - any refusal of the Rust side leaves the answer to the authority
        return None


def _schema_problems(doc: dict[str, Any]) -> list[Problem]:
    """Every schema error as a short human problem, in document order."""
    if schema_valid_fast(doc):
        return []
    found: dict[tuple[tuple[int, ...], str, str], Problem] = {}
    for error in _validator().iter_errors(doc):
        for path, message, words, params in describe(error):
            key = (_position(doc, path), place(path), message)
            found.setdefault(key, Problem(place(path), message, words, params))
        if len(found) > 20 * MAX_PROBLEMS:
            break
    return [found[k] for k in sorted(found)]


def _position(doc: Any, path: tuple[str | int, ...]) -> tuple[int, ...]:
    """Where a path is in the document, as numbers that sort in the order of the file."""
    out: list[int] = []
    node = doc
    for step in path:
        if isinstance(node, dict):
            keys = list(node)
            out.append(keys.index(step) if step in node else len(keys))
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            out.append(step)
            node = node[step]
        else:
            out.append(0)
            node = None
    return tuple(out)


