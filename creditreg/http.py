"""What a request says about where it came from.

SPEC §6 and 等保 2.0 ask that rate limits and the access log (003 §5(1) 查询使用) key on the real client
address, never on a header a client can write. ``REMOTE_ADDR`` is the peer of our server; behind
``TRUSTED_PROXY_COUNT`` reverse proxies that each append the address they received the request from to
``X-Forwarded-For``, the client is the entry that many places from the right. Entries further left were
written by the client and are ignored.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address as far as trusted hops can tell it, or ``None`` if there is none.

    With no trusted proxy (the default) this is ``REMOTE_ADDR`` and ``X-Forwarded-For`` is ignored. With
    ``n`` trusted proxies it is the ``n``-th entry from the right of ``X-Forwarded-For``; if the header
    has fewer entries, or that entry is not an address, the request did not come through the proxies as
    configured and ``REMOTE_ADDR`` is used."""
    remote = _valid_address(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _valid_address(hops[-proxies]) or remote
