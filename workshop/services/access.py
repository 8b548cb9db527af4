"""Who may look across workshops: the organisation view needs the server's admin key.

A workshop is reached by its join code; looking *across* workshops (the product manager's
motive explorer, the sales manager's pipeline) would reveal every workshop's content, so it
needs an admin key that only the server's operator can set (``KOPKARTA_ADMIN_KEY`` or
``admin_key`` in Streamlit's secrets; the page reads them, this module only compares). Without
the key a browser session sees only the workshops it has joined. A wrong key is refused; it
never falls back silently to a smaller view, so the person knows their key did not work.
Wrong keys are counted per browser session and address (:mod:`workshop.services.guard`).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import BadInput, Forbidden
from ..ports import Storage
from .guard import Caller, guarded

ADMIN_ENV = "KOPKARTA_ADMIN_KEY"
#: an admin key opens every workshop of the server: at least this long, or the server will not
#: start (20 characters of a random token are past any guessing; a word is not)
ADMIN_KEY_MIN = 20


def check_admin_key(configured: str | None) -> None:
    """Refuse a configured admin key that is too short to stand guessing (none is fine)."""
    if configured is not None and len(configured) < ADMIN_KEY_MIN:
        raise BadInput(
            f"the admin key ({ADMIN_ENV} or admin_key in .streamlit/secrets.toml) has {len(configured)} characters; "
            f"it needs at least {ADMIN_KEY_MIN}: make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(24))'"
        )


@dataclass(frozen=True)
class Scope:
    """The workshops a viewer may see across: every one (admin) or those joined."""

    admin: bool
    joined: frozenset[str]

    def workshop_ids(self, store: Storage) -> list[str]:
        """Ids of the visible workshops that still exist, oldest first."""
        every = [w.id for w in store.list_workshops()]
        return every if self.admin else [w for w in every if w in self.joined]


def is_admin_key(configured: str | None, given: str | None) -> bool:
    """Whether ``given`` is the configured admin key (never true when none is configured)."""
    if not configured or not given:
        return False
    return hmac.compare_digest(configured.encode("utf-8"), given.encode("utf-8"))


def scope(configured: str | None, given: str | None, joined: Iterable[str], *, caller: Caller | None = None) -> Scope:
    """The viewer's scope; a key that is given but wrong raises :class:`Forbidden` (and
    ``TooManyAttempts``, a Forbidden too, once ``caller`` has given too many wrong ones)."""
    if given:
        if not guarded("admin", caller, lambda: is_admin_key(configured, given)):
            raise Forbidden("wrong admin key")
        return Scope(admin=True, joined=frozenset(joined))
    return Scope(admin=False, joined=frozenset(joined))
