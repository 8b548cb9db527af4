"""The project's own errors.

Every layer raises these instead of library exceptions, so the command line and the pages can
tell *bad input* (the user can fix it; exit status 2) from *failure* (something broke; exit
status 1) without knowing which library was underneath. ``workshop.store`` turns
``duckdb.Error`` into :class:`StoreError` and its subclasses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

#: where store failures are reported; the server gives it a handler (``web.startup``), the
#: command line does not (it prints its own one line), and the package's ``NullHandler`` keeps
#: the "no handler" fallback from printing it twice there
STORE_LOG = logging.getLogger("workshop.store")


class KopkartaError(Exception):
    """Base of every error this project raises on purpose.

    The message is English (the command line's and the log's language). An error a screen
    shows also names its text in the app's languages: ``key`` (an i18n key) and ``params`` for
    it, so a Swedish screen never shows an English sentence (:func:`workshop.i18n.error_text`).
    """

    #: Exit status the command line uses for this error: 2 bad input, 1 failure.
    exit_status = 1
    #: the i18n key a screen shows when the error names none of its own
    default_key: str | None = None

    def __init__(self, *args: Any, key: str | None = None, **params: Any):
        super().__init__(*args)
        self.key = key or self.default_key
        self.params = params


class BadInput(KopkartaError):
    """The user gave something we refuse (a broken file, an unknown id, a wrong argument)."""

    exit_status = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a map document, and where (``segments[1].flows[3].to``)."""

    place: str
    message: str
    #: the message's i18n key and its values (None: the English message is all there is)
    key: str | None = field(default=None, compare=False)
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class MapFormatError(BadInput):
    """A map document breaks the schema or the rules of ``map-format.md``."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid map"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more != 1 else ''})" if more > 0 else ""
        super().__init__(first + suffix)


class NotFound(BadInput):
    """A workshop, element or join code that does not exist."""


class Forbidden(BadInput):
    """A facilitator-only action without the right key."""


class Locked(Forbidden):
    """A participant's change while the facilitator has locked (or ended) the workshop."""


class StoreError(KopkartaError):
    """The database failed (disk, corruption, an unexpected DuckDB error).

    A screen shows it as "the database failed, nothing was changed" in its language (its
    English message may name files and the database's own words: for the server's log, not for
    visitors). Every one is logged on the server as it is made: they are raised at a score of
    places in two engines and caught at as many on the pages, which show a message and go on;
    logging here is the one place that sees them all (issue 18: a corrupt database showed
    tracebacks to visitors and left nothing in the log).
    """

    default_key = "error.store"

    def __init__(self, *args: Any, key: str | None = None, **params: Any):
        super().__init__(*args, key=key, **params)
        STORE_LOG.error("store error: %s", self)


class DatabaseLocked(StoreError):
    """Another process holds the database file (DuckDB allows one writing process)."""


class Conflict(BadInput):
    """A write that contradicts the current state (an id already taken, an undo that no longer applies)."""


@dataclass
class StaleEditInfo:
    current: dict[str, Any] | None
    version: int | None
    by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StaleEdit(Conflict):
    """An update based on an old version: refused, and carries the current value.

    ``current`` is the element as it is now (``None`` if it was deleted), ``version`` its
    version and ``by`` the participant who made that version, so a page can show the other
    person's version and let the user re-apply theirs.
    """

    def __init__(self, current: dict[str, Any] | None, version: int | None, by: str | None):
        self.current = current
        self.version = version
        self.by = by
        who = f" by {by}" if by else ""
        if current is None:
            msg = "this element was deleted meanwhile"
        else:
            msg = f"this element was changed meanwhile{who} (now version {version})"
        super().__init__(msg)
