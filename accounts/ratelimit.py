"""Rate limits keyed on the real client address (SPEC §6; GB/T 22239-2019 level 3).

The address is ``REMOTE_ADDR``: the peer of the connection, which a client cannot choose. Behind
reverse proxies (``TRUSTED_PROXY_COUNT`` = N > 0, environment ``CREDITREG_TRUSTED_PROXY_COUNT``) it is
the address the outermost trusted proxy saw: each proxy appends the address it received the request
from to ``X-Forwarded-For``, so the client is the N-th entry from the right; whatever a client wrote
further left is its own invention and never read. With N = 0 (the default: the embedded mode and a
deployment without a proxy) ``X-Forwarded-For`` is ignored entirely. DRF's ``get_ident`` without
``NUM_PROXIES`` trusted the whole header, so a forged one bought a fresh budget per request.

An IPv6 client is counted per /64 network, the block one subscriber line gets: counting single
addresses would give one client 2^64 budgets.

Logged-in staff (credit office, department clerks and reviewers) are never limited by address: a
county's offices share one exit address, and staff are accountable by their account (SPEC §6).
Everyone else — the public, and subject accounts, which anyone can register — is.

The public pages and API (and the public pages of other apps, such as the commitments') share three
budgets per period — settings ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, environment
``CREDITREG_PUBLIC_API_RATE``, ``CREDITREG_PUBLIC_PAGES_RATE`` and ``CREDITREG_PUBLIC_IDENTITY_RATE``. A
look-up by a natural person's identity number has a budget of its own, shared by the pages and the API
and far lower (default 6 a minute, about as fast as a person types 18 characters): SPEC §6, "no public
page or API lets anyone test whether an identity number is registered faster than a person could
type". Each well-formed identity number asked about counts, found or not.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user
from django.shortcuts import render
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.http import client_rate_key

from .permissions import is_staff_member


def _session_user(request):
    """The user of the session, also under a DRF request whose view authenticates nobody (the public
    API: DRF has then replaced ``request.user`` with an anonymous user)."""
    django_request = getattr(request, "_request", request)
    if not hasattr(django_request, "session"):
        return None
    return get_user(django_request)


def _token_user(request):
    """The user of a valid ``Authorization: Token …`` header, or ``None``; never raises, so a bad token
    on a public page is simply not staff."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _sep, key = header.partition(" ")
    if keyword != "Token" or not key.strip():
        return None
    token = Token.objects.select_related("user").filter(key=key.strip()).first()
    return token.user if token is not None and token.user.is_active else None


def is_exempt(request) -> bool:
    """Logged-in staff (by session or API token) are not limited by address."""
    for user in (_session_user(request), _token_user(request)):
        if user is not None and is_staff_member(user):
            return True
    return False


class AddressRateThrottle(SimpleRateThrottle):
    """Requests per real client address in the default cache, at the rate of ``scope`` in
    ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``. Works on a DRF request and on a plain Django one."""

    scope = "public_api"

    def get_rate(self) -> str | None:
        # Read at request time, not at import, so a changed setting takes effect (and tests can set it).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_rate_key(request)

    def get_cache_key(self, request, view) -> str | None:
        if is_exempt(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicRateThrottle(AddressRateThrottle):
    scope = "public_api"


class PublicPagesThrottle(AddressRateThrottle):
    scope = "public_pages"


class PublicIdentityThrottle(AddressRateThrottle):
    scope = "public_identity"


def throttled_page(request, throttle: SimpleRateThrottle):
    seconds = max(1, int(throttle.wait() or 1))
    return render(request, "public/throttled.html", {"seconds": seconds}, status=429)


def rate_limited(throttle_class: type[AddressRateThrottle]) -> Callable:
    """A page view decorator: a 429 page in the reader's language once the client address has used
    the budget of ``throttle_class``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
                return throttled_page(request, throttle)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
