"""How a workshop is shared in the room: the join link and its QR code, drawn offline.

The link must work on the participants' phones. The address the facilitator's browser used is
often ``localhost`` (the laptop runs the app), which on a phone means the phone itself (issue
17). So the link uses, in order: ``$KOPKARTA_PUBLIC_URL`` (the address the organisation
publishes, e.g. behind HAProxy with TLS); the address the browser used, when it is not this
machine's loopback; else this machine's address on the local network, with the port the
browser used. Only when none is known does the link stay on ``localhost``, and the page warns
the facilitator (:attr:`Share.local_only`).
"""

from __future__ import annotations

import io
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno

#: the address the organisation publishes the app at (e.g. https://kopkarta.example.org)
PUBLIC_URL_ENV = "KOPKARTA_PUBLIC_URL"
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


@dataclass(frozen=True)
class Share:
    link: str
    #: only this machine can open the link (no public URL, no network address found)
    local_only: bool


def network_address() -> str | None:
    """This machine's address on its local network (no packet is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 1))  # any private address: picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def share(app_url: str, code: str, *, env: Mapping[str, str] | None = None,
          address: Callable[[], str | None] = network_address) -> Share:
    """The join link of a workshop as phones in the room can open it (see the module's docstring)."""
    env = os.environ if env is None else env
    public = (env.get(PUBLIC_URL_ENV) or "").strip()
    if public:
        return Share(join_link(public, code, keep_path=True), False)
    parts = urlsplit(app_url or "http://localhost:8501/")
    host = (parts.hostname or "").lower()
    if host not in _LOOPBACK:
        return Share(join_link(app_url, code), False)
    found = address()
    if found:
        port = f":{parts.port}" if parts.port else ""
        return Share(join_link(f"{parts.scheme or 'http'}://{found}{port}/", code), False)
    return Share(join_link(app_url, code), True)


def app_base(app_url: str = "", *, env: Mapping[str, str] | None = None,
             address: Callable[[], str | None] = network_address) -> Share:
    """The app's address as others can open it, by the same rules as the join link (for the
    customer's link to a deal plan); ``local_only`` when only this machine can."""
    env = os.environ if env is None else env
    public = (env.get(PUBLIC_URL_ENV) or "").strip()
    if public:
        return Share(public.rstrip("/") + "/", False)
    parts = urlsplit(app_url or "http://localhost:8501/")
    host = (parts.hostname or "").lower()
    if host not in _LOOPBACK:
        return Share(f"{parts.scheme or 'http'}://{parts.netloc}/", False)
    found = address()
    port = f":{parts.port}" if parts.port else ""
    if found:
        return Share(f"{parts.scheme or 'http'}://{found}{port}/", False)
    return Share(f"{parts.scheme or 'http'}://{parts.netloc or 'localhost:8501'}/", True)


def join_link(app_url: str, code: str, *, keep_path: bool = False) -> str:
    """``<app>/?join=CODE`` for the app at ``app_url`` (any page's address will do; with
    ``keep_path`` the app lives under that path, as a published address may)."""
    parts = urlsplit(app_url or "http://localhost:8501/")
    path = parts.path.rstrip("/") + "/" if keep_path else "/"
    return urlunsplit((parts.scheme or "http", parts.netloc or "localhost:8501", path, urlencode({"join": code}), ""))


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of ``text`` as PNG bytes (segno draws it with no network and no Pillow)."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()
