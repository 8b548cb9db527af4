"""Workshops as wholes: import a map (new or over an existing one), delete, join codes, keys
and participants' tokens.

An import is one job: the whole flattened map is written, or nothing is (the reader validated
it before). A new workshop gets a join code and a facilitator key; only the key's hash is
stored, and so is a participant token's (the token is in the participant's link).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from ..errors import Conflict, Locked, NotFound
from ..model.elements import Element, Flattened
from ..ports import Created, Transaction
from . import editing

#: Join codes use letters and digits that cannot be mistaken for each other when read off a
#: projector or typed on a phone (no 0/O, 1/I/L, 2/Z, 5/S, 8/B); small letters, spaces and
#: hyphens are forgiven (:func:`normalise_code`).
JOIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
#: 7 characters: 25**7 = 6.1e9 codes. Under the guard's limit (400 wrong codes an hour per
#: address, :mod:`workshop.services.guard`) a guesser with 1,000 addresses needs about 64 days
#: to hit any of 10 open workshops; with 6 characters it was 2.5 days, for one character less
#: to type (most phones scan the QR code instead). README "Guessing" has the sums.
JOIN_LENGTH = 7


def hash_key(key: str) -> str:
    """The stored form of a facilitator key or a participant token.

    Both are 144 random bits (``secrets.token_urlsafe(18)``), so a plain SHA-256 is enough:
    slow password hashes exist to protect guessable secrets, and these are not guessable.
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_secret(nbytes: int = 18) -> str:
    """A random secret for a link or key: 18 bytes (144 bits) unless asked for more."""
    return secrets.token_urlsafe(nbytes)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")


def import_map(tx: Transaction, flat: Flattened, replace: bool, actor: str | None, key: str) -> Created | None:
    """Store a whole (validated, flattened) map as one event. A new workshop gets a join code
    and the facilitator key ``key`` (returned); with ``replace`` an existing workshop's content
    is swapped and it keeps its code and key (``None`` is returned); without it an existing id
    is refused."""
    wid = flat.workshop["id"]
    code = tx.join_code_of(wid)
    if code is not None and not replace:
        raise Conflict(f"a workshop with id '{wid}' already exists (replace it, or import it as new)")
    before = None
    if code is not None:
        data, lists, count = tx.workshop_doc(wid)
        before = {"workshop": data, "lists": list(lists), "elements": count}
        tx.replace_workshop(wid, flat.workshop, flat.lists)
    else:
        code = _fresh_code(tx)
        tx.insert_workshop(wid, code, hash_key(key), flat.workshop, flat.lists)
    seq = tx.record(wid, actor, "import", "workshop", wid, before, {"elements": len(flat.elements), "replace": before is not None})
    for e in flat.elements:
        tx.insert(wid, e, seq, actor)
    return None if before is not None else Created(wid, code, key)


def delete_workshop(tx: Transaction, workshop_id: str, actor: str | None) -> None:
    if not tx.workshop_exists(workshop_id):
        raise NotFound(f"no workshop '{workshop_id}'")
    tx.delete_workshop(workshop_id)
    tx.record(workshop_id, actor, "delete_workshop", "workshop", workshop_id, None, None)


def add_participant(tx: Transaction, workshop_id: str, data: dict[str, Any], actor: str | None, token: str) -> Element:
    """Add a participant and store the hash of the token its browser will carry; an ended
    workshop's join code adds no one (checked in the job, so no one slips in as it ends)."""
    if tx.facilitation(workshop_id).ended:
        raise Locked("the workshop has ended: its join code adds no one new", key="error.join_ended")
    participant = editing.add(tx, workshop_id, "participant", dict(data), None, actor, None)
    tx.add_token(hash_key(token), workshop_id, participant.eid)
    return participant


def _fresh_code(tx: Transaction) -> str:
    taken = tx.join_codes()
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
        if code not in taken:
            return code
