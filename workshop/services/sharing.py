"""How a workshop is shared in the room: the join link and its QR code, drawn offline."""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno


def join_link(app_url: str, code: str) -> str:
    """``<app>/?join=CODE`` for the app at ``app_url`` (any page's address will do)."""
    parts = urlsplit(app_url or "http://localhost:8501/")
    return urlunsplit((parts.scheme or "http", parts.netloc or "localhost:8501", "/", urlencode({"join": code}), ""))


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of ``text`` as PNG bytes (segno draws it with no network and no Pillow)."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()
