"""Rate limits of the public look-up: the pages and the API are open to anyone, so each client address
gets a budget of requests per period (settings ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, entries
``public_api`` and ``public_pages``; environment ``CREDITREG_PUBLIC_API_RATE`` /
``CREDITREG_PUBLIC_PAGES_RATE``). Logged-in staff share the same budget: the limit protects the
registry from bulk harvesting, whoever asks."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PublicRateThrottle(SimpleRateThrottle):
    """Requests per client address (``REMOTE_ADDR``, or ``X-Forwarded-For`` as DRF's ``NUM_PROXIES``
    says), counted in the default cache. Works on a DRF request and on a plain Django request."""

    scope = "public_api"

    def get_rate(self) -> str | None:
        # Read at request time, not at import, so a changed setting takes effect (and tests can set it).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicPagesThrottle(PublicRateThrottle):
    scope = "public_pages"
