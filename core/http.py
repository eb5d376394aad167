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


# An IPv6 subscriber line gets a whole /64: counting single addresses would give one client 2^64 budgets.
IPV6_PREFIX = 64


def client_rate_key(request: HttpRequest) -> str:
    """The counting key of rate limits: the client's IPv4 address, or the /64 network of an IPv6 one
    (an IPv4-mapped IPv6 address counts as its IPv4 address); ``"unknown"`` without an address."""
    value = client_address(request)
    if value is None:
        return "unknown"
    address = ipaddress.ip_address(value)
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
