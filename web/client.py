"""Who is asking, as the guard counts them (:mod:`workshop.services.guard`): the client's address.

Behind a proxy (HAProxy in ``scripts/serve.sh``) every connection comes from the proxy, so the
client's own address is in the ``X-Forwarded-For`` header the proxy adds; a header sent by
anyone else is a lie that costs nothing. uvicorn, which serves the app, puts the forwarded
address in place of the peer's only for the proxies named in ``FORWARDED_ALLOW_IPS`` (the last
address in the header that is not such a proxy), and reads it when it starts, before it loads
``app.py``: so the scripts set it from ``KOPKARTA_TRUSTED_PROXY`` (addresses or networks,
comma-separated). ``scripts/serve.sh`` trusts ``127.0.0.1``, where its HAProxy connects from;
``scripts/start.sh`` trusts no one unless told, so a forged header counts for nothing (uvicorn's
own default, when neither is set, trusts local processes only). The pages get the same address
from Streamlit (``st.context.ip_address``, :mod:`ui.client`), the routes here.
"""

from __future__ import annotations

from starlette.requests import Request

from workshop.services.guard import Caller

TRUSTED_ENV = "KOPKARTA_TRUSTED_PROXY"
#: uvicorn's setting of the proxies whose X-Forwarded-For it believes
UVICORN_ENV = "FORWARDED_ALLOW_IPS"


def route_caller(request: Request) -> Caller:
    """The caller of an HTTP route: no browser session, the client's address."""
    client = request.client
    return Caller(session=None, address=client.host if client else None)
