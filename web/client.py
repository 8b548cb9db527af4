"""Who is asking, as the guard counts them (:mod:`workshop.services.guard`): the client's address.

Behind a proxy (HAProxy in ``scripts/serve.sh``) every connection comes from the proxy, so the
client's own address is in the ``X-Forwarded-For`` header the proxy adds; a header sent by
anyone else is a lie that costs nothing. uvicorn, which serves the app, puts the forwarded
address in place of the peer's only for the proxies it is told to trust
(``FORWARDED_ALLOW_IPS``; the last address in the header that is not such a proxy). Its own
default trusts every local process; :func:`trust_proxy` sets it from ``KOPKARTA_TRUSTED_PROXY``
instead (addresses or networks, comma-separated; serve.sh sets ``127.0.0.1``, where HAProxy
connects from), and to nobody when that is unset: then a forged header counts for nothing.
``app.py`` calls it as it is loaded, before uvicorn reads the setting. The pages get the same
address from Streamlit (``st.context.ip_address``, :mod:`ui.client`), the routes here.
"""

from __future__ import annotations

import os

from starlette.requests import Request

from workshop.services.guard import Caller

TRUSTED_ENV = "KOPKARTA_TRUSTED_PROXY"
#: uvicorn's setting of the proxies whose X-Forwarded-For it believes
UVICORN_ENV = "FORWARDED_ALLOW_IPS"


def trust_proxy(environ=os.environ) -> str:
    """Tell uvicorn which proxies to believe (``KOPKARTA_TRUSTED_PROXY``, else none); returns it."""
    trusted = ",".join(part.strip() for part in environ.get(TRUSTED_ENV, "").split(",") if part.strip())
    environ[UVICORN_ENV] = trusted
    return trusted


def route_caller(request: Request) -> Caller:
    """The caller of an HTTP route: no browser session, the client's address."""
    client = request.client
    return Caller(session=None, address=client.host if client else None)
