"""API authentication: a browser session counts only once its login is complete.

SPEC §7: API tokens made with ``drf_create_token`` need no second factor (``TokenAuthentication`` is
unchanged); a session of a user who must give a TOTP code and has not yet given one is refused, so the
API is no way around the second factor of the web login.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .middleware import second_factor_pending


class SecondFactorSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and second_factor_pending(request._request):
            raise AuthenticationFailed(_("Complete the login with your one-time code first."))
        return result


class SecondFactorSessionScheme(SessionScheme):
    """The OpenAPI description: the same session cookie as Django REST framework's own."""

    target_class = "accounts.authentication.SecondFactorSessionAuthentication"
