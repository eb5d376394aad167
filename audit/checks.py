"""System checks of the audit chain's settings."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from .chain import ALGORITHMS, sm3_native


@register()
def audit_hash_check(app_configs, **kwargs):
    algorithm = settings.AUDIT_HASH_ALGORITHM
    if algorithm not in ALGORITHMS:
        return [
            Error(
                f"CREDITREG_AUDIT_HASH is {algorithm!r}; use one of {', '.join(ALGORITHMS)}.",
                id="audit.E001",
            )
        ]
    if algorithm == "sm3" and not sm3_native():
        return [
            Warning(
                "This Python's OpenSSL has no SM3: the audit chain falls back to a pure-Python SM3, "
                "about 1.5 ms an entry (verifying 1,000,000 entries takes some 25 minutes).",
                hint="Use a Python built with OpenSSL 1.1.1 or 3.x, or set CREDITREG_AUDIT_HASH=sha256.",
                id="audit.W001",
            )
        ]
    return []
