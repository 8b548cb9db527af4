"""The kinds of element a buying map is made of, and where each lives in the map file.

The map file nests elements (a step inside a stage inside a segment); the database and the
pages treat every element alike (an id, a kind, a parent, a position, its own fields). This
table is the single description of that nesting, used to flatten a document into elements and
to put it back together, so the two directions cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    #: key of the list (or object, for ``criterion``) that holds this kind in its parent
    list_key: str
    #: kind of the parent element, or ``None`` for the document's top level
    parent: str | None
    #: whether the element carries an ``id`` of its own in the map file
    has_id: bool = True
    #: keys of the parent-owned lists of children, in the schema's order
    children: tuple[str, ...] = ()
    #: child lists the schema requires (written even when empty)
    required: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("participant", "participants", None),
        Kind("usp", "usps", None),
        Kind(
            "segment",
            "segments",
            None,
            children=("stages", "flows", "roles", "relations", "motives", "objections", "consensus"),
            required=("stages",),
        ),
        Kind("stage", "stages", "segment", children=("steps",)),
        Kind("step", "steps", "stage"),
        Kind("flow", "flows", "segment", has_id=False),
        Kind("role", "roles", "segment"),
        Kind("relation", "relations", "segment", has_id=False),
        Kind("motive", "motives", "segment"),
        Kind("objection", "objections", "segment"),
        Kind("criterion", "consensus", "segment", has_id=False),
        Kind("note", "notes", None),
        Kind("vote", "votes", None, has_id=False),
        Kind("deal", "deals", None, children=("plan",)),
        Kind("plan_item", "plan", "deal"),
        Kind("action", "actions", None),
    )
}

#: kinds a brainstorm note can become when the facilitator triages it, each with the field the
#: note's text goes into (a name is cut to one line)
TRIAGE_TEXT: dict[str, str] = {
    "stage": "name",
    "step": "text",
    "role": "name",
    "motive": "text",
    "objection": "text",
    "usp": "text",
    "action": "text",
}

#: the kind of parent each triage target goes into (``None``: the top level), from :data:`KINDS`
TRIAGE_PARENT: dict[str, str | None] = {kind: KINDS[kind].parent for kind in TRIAGE_TEXT}

#: top-level lists of the document, in the schema's order
TOP_LISTS: tuple[str, ...] = tuple(k.list_key for k in KINDS.values() if k.parent is None)

#: kind held by each (parent kind, list key)
KIND_OF_LIST: dict[tuple[str | None, str], str] = {(k.parent, k.list_key): k.name for k in KINDS.values()}

#: the six consensus criteria, in the schema's order (findings are listed in this order)
CONSENSUS_CRITERIA: tuple[str, ...] = (
    "shared_problem",
    "decision_roles_visible",
    "why_now",
    "procurement_early",
    "success_measured",
    "decision_package",
)

#: kinds whose ``id`` a note, vote or action may name in ``about`` (rule 1's namespace)
ADDRESSABLE: tuple[str, ...] = tuple(k.name for k in KINDS.values() if k.has_id)

#: prefix of the internal ids given to elements that have no id in the map file (flows,
#: relations, votes, consensus criteria). ``~`` is outside the id pattern of the schema,
#: so an internal id can never collide with a document id.
INTERNAL_PREFIX = "~"
