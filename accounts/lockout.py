"""Failed logins locked out per user name and address (GB/T 22239-2019 8.1.4.1 b, 登录失败处理; SPEC §7:
"failed logins lock out per user and address"), on django-axes.

Two limits, both within the cool-off window (``LOGIN_LOCKOUT_MINUTES`` after the last failure):

- ``LOGIN_FAILURE_LIMIT`` failures of one user name from one address lock that user name at that
  address. A stranger guessing from elsewhere does not lock a clerk out of the office (county offices
  share one exit address, so the address alone is not a key either).
- ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures of one user name from all addresses together lock the user
  name everywhere: a guess spread over many addresses is stopped too.

django-axes counts and refuses (its ``AxesStandaloneBackend`` comes first among the authentication
backends, so the admin login, the web login and any other password check are all covered); this
module adds the second limit; the client address is ``core.http.client_address``.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class LoginLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a per-account limit beside the per-(account, address) one.

    Axes compares one number with one limit (``AXES_FAILURE_LIMIT``); the number given here is the
    failures of this user name from this address, raised to that limit once the user name as a whole
    has reached ``LOGIN_ACCOUNT_FAILURE_LIMIT``. It also marks a request made while already locked, so
    the audit log gets one entry per lock-out rather than one per refused attempt.
    """

    def get_failures(self, request, credentials=None) -> int:
        # AXES_LOCKOUT_PARAMETERS: [["username", "ip_address"], "username"], in that order.
        per_address, per_account = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_account >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            return max(per_address, settings.AXES_FAILURE_LIMIT)
        return per_address

    def is_locked(self, request, credentials=None) -> bool:
        locked = super().is_locked(request, credentials)
        if locked and request is not None:
            request.creditreg_already_locked = True
        return locked
