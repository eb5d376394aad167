"""Attempt limits of the account-linking steps (registration, one-time codes).

Keyed on the real client address (``REMOTE_ADDR``, never a header a client can write) and on the
subject aimed at, so that neither one address nor many addresses against one subject can guess
(SPEC §6: rate limits keyed on the real client address). Fixed windows counted in the cache (Redis in
production, shared by every process); the limits are settings::

    CREDITREG_ACCOUNT_LINK_RATES = {"register_address": "10/hour", ...}

Every attempt counts, right or wrong, so the limit itself tells nothing about the guess.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_RATES = {
    # Applications from one address, and applications naming one subject (whatever address).
    "register_address": "10/hour",
    "register_subject": "5/hour",
    # Codes sent: per address and per subject (each one mails the subject's contact).
    "code_send_address": "10/hour",
    "code_send_subject": "5/hour",
    # Codes entered: per address and per subject, on top of the attempts allowed per code.
    "code_check_address": "20/hour",
    "code_check_subject": "20/hour",
}

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


class AttemptsExceeded(ValidationError):
    """Too many attempts: the caller answers 429 and changes nothing."""

    def __init__(self):
        super().__init__(_("Too many attempts. Try again later."), code="throttled")


def rate_of(scope: str) -> tuple[int, int]:
    """``(limit, window in seconds)`` of a scope, e.g. ``"10/hour"`` → ``(10, 3600)``."""
    rates = {**DEFAULT_RATES, **getattr(settings, "CREDITREG_ACCOUNT_LINK_RATES", {})}
    number, _slash, period = rates[scope].partition("/")
    return int(number), PERIODS[period.strip().rstrip("s")]


def attempt_count(*, scope: str, key: str) -> bool:
    """Count one attempt of ``scope`` by ``key``; False when the limit of the window is passed."""
    limit, window = rate_of(scope)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"creditreg:attempts:{scope}:{digest}:{int(time.time() // window)}"
    if cache.add(cache_key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


def attempts_check(*pairs: tuple[str, str]) -> None:
    """Count an attempt under each ``(scope, key)`` with a key; raise ``AttemptsExceeded`` if any limit
    is passed (all are counted, so a refused attempt still counts)."""
    allowed = [attempt_count(scope=scope, key=key) for scope, key in pairs if key]
    if not all(allowed):
        raise AttemptsExceeded()
