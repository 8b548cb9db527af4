"""What the server checks before it serves a page, and where it reports what goes wrong later.

Why at start-up: a server whose database cannot be opened (held by another process, corrupt,
read-only, unreachable) can only fail on every page. Before issue 18 it started all the same:
``/_stcore/health`` said ``ok`` and every visitor got a traceback with file paths and the other
process's PID. Now ``app.py`` calls :func:`open_or_exit` as it is loaded, before uvicorn
listens: on failure one line on stderr says what failed, which file and what to do, and the
process exits with status 1. The same goes for an admin key too short to stand guessing.

And :func:`log_to_stderr` gives the project's loggers a handler on the server, so every store
error (logged where it is made, :class:`workshop.errors.StoreError`) reaches the terminal or
the service's journal while the page shows a short message in the viewer's language.
"""

from __future__ import annotations

import logging
import os
import sys

from workshop.errors import DatabaseLocked, KopkartaError
from workshop.ports import Storage
from workshop.services.access import check_admin_key

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_to_stderr() -> None:
    """The project's log ("workshop.*": store errors, the change feed) on stderr, once."""
    logger = logging.getLogger("workshop")
    if not any(getattr(h, "_kopkarta", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._kopkarta = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def startup_problem(exc: KopkartaError, where: str) -> str:
    """The one line the server prints when it cannot start because of ``exc``."""
    if isinstance(exc, DatabaseLocked):
        return (
            f"Köpkarta cannot start: the database {where} is held by another process "
            "(another Köpkarta server, or a command such as backup still running). "
            "Stop that process, or set KOPKARTA_DB to another database."
        )
    return f"Köpkarta cannot start: {str(exc).rstrip('.!')}. Check KOPKARTA_DB (now {where}) and the file's permissions, or restore a backup."


def listening_line(address: str, port: int, database: str) -> str:
    """What the server says once it is ready to listen: where, and what that exposes."""
    from workshop.services.sharing import PUBLIC_URL_ENV, network_address

    public = os.environ.get(PUBLIC_URL_ENV)
    if address in ("", "0.0.0.0", "::", "*"):
        lan = network_address()
        where = f"every interface of this machine, port {port}"
        reach = f"in this room: http://{lan}:{port}" if lan else f"http://localhost:{port} (no network address found)"
        note = "plain HTTP: anyone on this network can open the join page; see the README, \"Running it in a room\""
    else:
        where = f"{address}, port {port}"
        reach = f"http://{'localhost' if address in ('127.0.0.1', 'localhost') else address}:{port}"
        note = "this machine alone" if address in ("127.0.0.1", "localhost", "::1") else "this address alone"
    if public:
        reach += f"; join links use {public}"
    return f"Köpkarta listens on {where} ({note}); open {reach}; database: {database}"


def open_or_exit(open_store, admin_key, address: str, port: int) -> Storage:
    """The process's store, after the start-up checks; exits with one line when one fails.

    ``open_store`` opens (and caches) the store, ``admin_key`` reads the configured admin key
    (both passed in so the checks can be tested without a server); ``address`` and ``port``
    are where the server will listen, for the line it prints once ready.
    """
    from workshop.services.app import default_url, redacted

    where = redacted(default_url())
    try:
        check_admin_key(admin_key())
    except KopkartaError as exc:
        _exit(f"Köpkarta cannot start: {exc}.")
    try:
        opened = open_store()
    except KopkartaError as exc:
        _exit(startup_problem(exc, where))
    print(listening_line(address, port, where), file=sys.stderr, flush=True)
    return opened


def _exit(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
    raise SystemExit(1)
