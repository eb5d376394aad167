"""The link mailed at registration that confirms the address and activates the account."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """Valid for ``PASSWORD_RESET_TIMEOUT`` and once only: activating the account changes the hash."""

    key_salt = "creditreg.objections.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"


account_activation_token = AccountActivationTokenGenerator()
