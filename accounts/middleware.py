"""What a logged-in session must hold to, on every request (GB/T 22239-2019 level 3, SPEC §6).

- ``SessionIdleTimeoutMiddleware`` ends a session after ``SESSION_IDLE_MINUTES`` without a request and,
  however active, ``SESSION_COOKIE_AGE`` seconds after the login (an absolute maximum: a session kept
  alive by a forgotten browser tab ends too).
- ``LoginPolicyMiddleware`` keeps a user who has passed the password but not the second factor (and a
  user with a temporary password) on the pages that complete the login: a TOTP code, or setting up a
  device first, or choosing a password. The API is guarded by
  ``accounts.authentication.SecondFactorSessionAuthentication`` instead; token requests need no
  second factor (SPEC §7).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import second_factor_device, second_factor_mandatory, second_factor_wanted

LAST_SEEN_KEY = "creditreg_last_seen"
LOGIN_AT_KEY = "creditreg_login_at"
SECOND_FACTOR_WANTED_KEY = "creditreg_second_factor"
# The last-seen time is written at most once a minute, not on every request.
LAST_SEEN_RESOLUTION_SECONDS = 60


def session_login_started(request, user) -> None:
    """Called on every login: the clocks of the idle and absolute limits start now, and whether this
    user owes a second factor is looked up once for the session."""
    now = int(time.time())
    request.session[LOGIN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    request.session[SECOND_FACTOR_WANTED_KEY] = second_factor_wanted(user=user)


def second_factor_pending(request) -> bool:
    """True while a logged-in user who needs a TOTP code has not given one in this session."""
    user = request.user
    if not user.is_authenticated:
        return False
    if not second_factor_mandatory(user=user):
        wanted = request.session.get(SECOND_FACTOR_WANTED_KEY)
        if wanted is None:
            wanted = second_factor_wanted(user=user)
            request.session[SECOND_FACTOR_WANTED_KEY] = wanted
        if not wanted:
            return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


def second_factor_forget(request) -> None:
    """The cached answer of ``second_factor_wanted`` is stale (a device was set up or removed)."""
    request.session.pop(SECOND_FACTOR_WANTED_KEY, None)


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            login_at = session.get(LOGIN_AT_KEY)
            last_seen = session.get(LAST_SEEN_KEY)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            if login_at is None:
                session[LOGIN_AT_KEY] = login_at = now
            if last_seen is not None and now - last_seen > idle_limit:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity. Please log in again.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
            elif now - login_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("Your session has reached its maximum length. Please log in again."))
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class LoginPolicyMiddleware:
    """Sends a user whose login is not complete to the page that completes it."""

    # Paths under these prefixes answer for themselves: static files, and the API (JSON, not redirects).
    PASS_PREFIXES = ("/static/", "/media/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_while_second_factor: set[str] | None = None
        self._open_while_password_change: set[str] | None = None

    def _paths(self) -> tuple[set[str], set[str]]:
        if self._open_while_second_factor is None:
            completing = {
                reverse("otp_verify"),
                reverse("otp_setup"),
                reverse("logout"),
                reverse("admin:logout"),
                reverse("set_language"),
            }
            self._open_while_second_factor = completing
            self._open_while_password_change = completing | {
                reverse("password_change"),
                reverse("password_change_done"),
            }
        return self._open_while_second_factor, self._open_while_password_change

    def __call__(self, request):
        path = request.path_info
        user = request.user
        if user.is_authenticated and not path.startswith(self.PASS_PREFIXES):
            open_second_factor, open_password = self._paths()
            if path not in open_second_factor and second_factor_pending(request):
                # No device yet: the user sets one up before reaching anything else.
                target = "otp_verify" if second_factor_device(user=user) is not None else "otp_setup"
                return self._redirect(target, request)
            if path not in open_password and user.password_change_required:
                return self._redirect("password_change", request)
        return self.get_response(request)

    @staticmethod
    def _redirect(name: str, request) -> HttpResponseRedirect:
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
