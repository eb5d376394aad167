"""Encryption of confidential fields at rest (000 Art. 13: the identity of a complainant or
whistleblower is kept confidential).

Keys come from the environment: ``CREDITREG_FIELD_KEYS`` is a comma-separated list of Fernet keys; the
first encrypts, all decrypt (MultiFernet), so keys can be rotated. Without it the embedded mode derives
a key from ``SECRET_KEY`` and ``check --deploy`` warns.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.db import models


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.CREDITREG_FIELD_KEYS if k.strip()]
    if not keys:
        digest = hashlib.sha256(("creditreg-field-key:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt_text(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a confidential field: wrong CREDITREG_FIELD_KEYS") from exc


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; the empty string stays empty (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt_text(value)


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys(app_configs, **kwargs):
    if settings.CREDITREG_FIELD_KEYS:
        return []
    return [
        checks.Warning(
            "CREDITREG_FIELD_KEYS is not set: confidential fields are encrypted with a key derived from "
            "SECRET_KEY.",
            hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'",
            id="creditreg.W001",
        )
    ]
