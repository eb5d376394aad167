"""One-time codes for tests, computed from the device's key exactly as an authenticator app does.

The second factor is real in every test: a test that logs in through the login page enters a code
computed here; ``client.force_login`` (which bypasses the login page and its password check by design)
also marks the session as having passed the second factor, through django-otp's own ``login`` with
the user's device (tests/conftest.py). Tests about the second factor itself log in without it.
"""

import secrets
import time

from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import second_factor_device, second_factor_wanted
from accounts.services import totp_device_install

_original_force_login = ClientMixin.force_login


def totp_device_for(user) -> TOTPDevice:
    """The user's confirmed device, set up with a random key if there is none."""
    return second_factor_device(user=user) or totp_device_install(
        user=user, key_hex=secrets.token_hex(20), name="test authenticator"
    )


def totp_code(device: TOTPDevice) -> str:
    """The code the device accepts now: the current time step, or the next one when the current one
    was used already (django-otp refuses a step used before, as RFC 6238 §5.2 asks)."""
    while True:
        device.refresh_from_db()
        now_step = int((time.time() - device.t0) // device.step) + device.drift
        counter = max(now_step, device.last_t + 1)
        if counter <= now_step + device.tolerance:
            return f"{hotp(device.bin_key, counter, device.digits):0{device.digits}d}"
        time.sleep(1)


def totp_code_from_secret(secret_base32: str, *, step: int = 30, digits: int = 6) -> str:
    """What an authenticator app shows for a secret typed in by hand."""
    import base64

    key = base64.b32decode(secret_base32)
    return f"{hotp(key, int(time.time() // step), digits):0{digits}d}"


def force_login_unverified(client, user) -> None:
    """Log in without the password and without the second factor (tests of the second factor)."""
    _original_force_login(client, user)


def force_login_verified(client, user, backend=None) -> None:
    """``force_login`` plus the second factor for a user who needs one: the session is marked as
    verified with the user's device, as ``django_otp.login`` does after a good code."""
    _original_force_login(client, user, backend)
    if second_factor_wanted(user=user):
        device = totp_device_for(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def browser_second_factor(page, username: str) -> None:
    """After the password step in the browser: enter the code on the verify page, or set up the
    authenticator from the secret the set-up page shows, as a user with a phone would."""
    from accounts.models import User

    page.wait_for_load_state()
    if "/accounts/otp/setup/" in page.url:
        secret = page.locator("#otp-secret").inner_text().strip()
        page.fill("input[name=otp_token]", totp_code_from_secret(secret))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    elif "/accounts/otp/" in page.url:
        device = totp_device_for(User.objects.get(username=username))
        page.fill("input[name=otp_token]", totp_code(device))
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def unthrottle(device: TOTPDevice) -> None:
    """Forget a wrong code given just before: django-otp waits 2^(n-1) seconds after the n-th wrong code
    (OTP_TOTP_THROTTLE_FACTOR), which a test that gives a wrong code and then the right one would wait."""
    device.refresh_from_db()
    device.throttle_reset()
