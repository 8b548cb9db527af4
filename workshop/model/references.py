"""Which fields of an element name other elements (rule 2 of ``map-format.md``).

One description serves the reader (whole documents) and the store (single edits): for an
element's own fields, :func:`references` lists every id it names, the kinds that id may be, and
whether it must lie in the element's own segment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from .kinds import ADDRESSABLE

SEGMENT = "segment"  # the target must be in the element's own segment
ANYWHERE = "anywhere"


@dataclass(frozen=True)
class Ref:
    place: str  # field path inside the element, e.g. ``roles[1]`` or ``involvement.s1``
    target: str  # the id named
    kinds: tuple[str, ...]  # what it may name
    scope: str  # SEGMENT or ANYWHERE


# kind -> (field, target kinds, scope, shape) with shape one of "one", "many", "keys"
_FIELDS: dict[str, tuple[tuple[str, tuple[str, ...], str, str], ...]] = {
    "step": (("owner", ("role",), SEGMENT, "one"),),
    "flow": (("from", ("step",), SEGMENT, "one"), ("to", ("step",), SEGMENT, "one")),
    "relation": (("from", ("role",), SEGMENT, "one"), ("to", ("role",), SEGMENT, "one")),
    "role": (("involvement", ("stage",), SEGMENT, "keys"),),
    "motive": (("roles", ("role",), SEGMENT, "many"),),
    "objection": (("stage", ("stage",), SEGMENT, "one"), ("roles", ("role",), SEGMENT, "many")),
    "usp": (("motives", ("motive",), ANYWHERE, "many"),),
    "note": (("author", ("participant",), ANYWHERE, "one"), ("about", ADDRESSABLE, ANYWHERE, "one")),
    "vote": (("participant", ("participant",), ANYWHERE, "one"), ("about", ADDRESSABLE, ANYWHERE, "one")),
    "deal": (
        ("segment", ("segment",), ANYWHERE, "one"),
        ("stage", ("stage",), SEGMENT, "one"),
        ("roles_engaged", ("role",), SEGMENT, "many"),
    ),
    "plan_item": (
        ("stage", ("stage",), SEGMENT, "one"),
        ("step", ("step",), SEGMENT, "one"),
        ("role", ("role",), SEGMENT, "one"),
    ),
    "action": (("about", ADDRESSABLE, ANYWHERE, "one"),),
}


#: the kinds whose fields name other elements (searched when something is about to go)
REFERRING_KINDS: tuple[str, ...] = tuple(_FIELDS)


def references(kind: str, data: Mapping[str, Any]) -> Iterator[Ref]:
    """Every id the element's own fields name, in field order."""
    for name, kinds, scope, shape in _FIELDS.get(kind, ()):
        if name not in data:
            continue
        value = data[name]
        if shape == "one":
            yield Ref(name, value, kinds, scope)
        elif shape == "many":
            for i, target in enumerate(value):
                yield Ref(f"{name}[{i}]", target, kinds, scope)
        else:
            for target in value:
                yield Ref(f"{name}.{target}", target, kinds, scope)


def names(kind: str, data: Mapping[str, Any], eid: str) -> bool:
    """Whether the element's fields name ``eid``."""
    return any(ref.target == eid for ref in references(kind, data))
