"""Participants' tokens: how a browser is recognised as the same participant after a reload.

A session dies on a page reload and a sleeping phone drops it after a couple of minutes, so
the app keeps a random token in the page's address. Only the token's hash is stored; the token
names one participant of one workshop.
"""

from __future__ import annotations

import secrets

from ..errors import NotFound
from ..model.elements import Element
from .editing import add_in
from .rows import utc_now
from .workshops import hash_key


class ParticipantTokens:
    def add_participant(self, workshop_id: str, data: dict, *, actor: str | None = None) -> tuple[Element, str]:
        """Add a participant to the workshop and return it with a fresh token for its browser."""
        token = secrets.token_urlsafe(18)

        def job(tx):
            participant = add_in(tx, workshop_id, "participant", dict(data), None, actor, None)
            tx.write(
                "INSERT INTO participant_tokens (token_hash, workshop_id, participant_id, created_at) VALUES (?, ?, ?, ?)",
                [hash_key(token), workshop_id, participant.eid, utc_now()],
            )
            return participant

        return self._writer.submit(job), token

    def participant_for_token(self, token: str) -> tuple[str, str]:
        """(workshop id, participant id) of a token; an unknown token reveals nothing."""
        rows = self._query(
            "looking up a participant",
            "SELECT t.workshop_id, t.participant_id FROM participant_tokens t "
            "JOIN workshops w ON w.id = t.workshop_id WHERE t.token_hash = ?",
            [hash_key(token or "")],
        )
        if not rows:
            raise NotFound("this link is no longer valid: join the workshop again")
        return rows[0][0], rows[0][1]
