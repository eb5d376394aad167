"""Read-side queries about departments and users."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Department, Role, User


def departments_active():
    return Department.objects.filter(is_active=True)


# --- second factor (SPEC §6: a second factor for the credit office and reviewers) ----------------------

SECOND_FACTOR_ROLES = (Role.CREDIT_OFFICE, Role.REVIEWER)


def second_factor_mandatory(*, user: User) -> bool:
    """The credit office and reviewers (SPEC §6), and anyone who may use the admin, must pass a TOTP
    code after the password; clerks and subject users may choose to."""
    return bool(
        user.is_authenticated and (user.role in SECOND_FACTOR_ROLES or user.is_staff or user.is_superuser)
    )


def second_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if one was set up."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def second_factor_wanted(*, user: User) -> bool:
    """Whether a login of this user must be completed with a code: always for the mandatory roles, and
    for anyone else who set up a device (a factor that could be skipped would protect nothing)."""
    return second_factor_mandatory(user=user) or second_factor_device(user=user) is not None
