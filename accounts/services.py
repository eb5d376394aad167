"""Writes about users: creation with a role, role changes. Each writes the audit log."""

import secrets
import string

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_log_write, model_snapshot

from .models import DEPARTMENT_ROLES, Department, Role, Unit, User
from .permissions import is_credit_office
from .validators import password_character_classes

USER_AUDIT_FIELDS = [
    "username",
    "full_name",
    "role",
    "department",
    "unit",
    "subject",
    "is_active",
    "is_staff",
]

# Django admin access per role: the credit office maintains the reference data (SPEC §1); the audit
# log is read-only for everyone. Department staff work in the web forms, not in the admin.
ROLE_GROUP_PERMISSIONS: dict[str, list[str]] = {
    Role.CREDIT_OFFICE: [
        "accounts.view_department",
        "accounts.add_department",
        "accounts.change_department",
        "accounts.view_unit",
        "accounts.add_unit",
        "accounts.change_unit",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "subjects.view_subject",
        "subjects.add_subject",
        "subjects.change_subject",
        "audit.view_auditlog",
        "audit.view_audithead",
        "workcalendar.view_dayadjustment",
        "workcalendar.add_dayadjustment",
        "workcalendar.change_dayadjustment",
        "workcalendar.delete_dayadjustment",
        "records.view_recordkind",
        "records.add_recordkind",
        "records.change_recordkind",
        "records.view_sanctionkind",
        "records.add_sanctionkind",
        "records.change_sanctionkind",
        "records.view_creditrecord",
        "records.view_importbatch",
        "grading.view_scheme",
        "grading.change_scheme",
        "grading.view_schemeversion",
        "grading.add_schemeversion",
        "grading.change_schemeversion",
        "grading.view_grade",
        "grading.change_grade",
        "grading.view_evaluationrun",
        "objections.view_subjectaccountrequest",
        "objections.change_subjectaccountrequest",
        "objections.view_objection",
        "exchange.view_outboxitem",
        "exchange.change_outboxitem",
        "exchange.view_deliverybatch",
        "measures.view_listentry",
        "measures.add_listentry",
        "measures.change_listentry",
        "measures.view_measure",
        "measures.add_measure",
        "measures.change_measure",
        "measures.view_measureapplication",
        "repair.view_repairapplication",
        "commitments.view_commitmenttemplate",
        "commitments.view_commitment",
        "commitments.view_voluntaryentry",
        "reports.view_yearlyreport",
        # Login lock-outs: see them, and lift one by deleting its attempt row (GB/T 22239-2019).
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
    ],
}


def role_group_sync(*, role: str) -> Group:
    """Create or refresh the permission group of a role; idempotent."""
    group, _created = Group.objects.get_or_create(name=f"role:{role}")
    wanted = []
    for dotted in ROLE_GROUP_PERMISSIONS.get(role, []):
        app_label, codename = dotted.split(".")
        wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    group.permissions.set(wanted)
    return group


def _validate_membership(*, role: str, department: Department | None, unit: Unit | None) -> None:
    errors = {}
    if role not in Role.values:
        errors["role"] = _("Unknown role: %(role)s.") % {"role": role}
    elif role in DEPARTMENT_ROLES and department is None:
        errors["department"] = _("Department clerks and reviewers must belong to a department.")
    if unit is not None and unit.department_id != getattr(department, "pk", None):
        errors["unit"] = _("The unit %(unit)s does not belong to the chosen department.") % {
            "unit": unit.name
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    department: Department | None = None,
    unit: Unit | None = None,
    phone: str = "",
    email: str = "",
    subject=None,
) -> User:
    """Create a staff or subject user. Only the credit office creates accounts (``actor=None`` is the
    system itself: migrations, demo data, the command line)."""
    if actor is not None and not is_credit_office(actor):
        raise PermissionDenied(_("Only credit office staff can create user accounts."))
    _validate_membership(role=role, department=department, unit=unit)
    if subject is not None and role != Role.SUBJECT:
        raise ValidationError({"subject": _("Only a subject user is linked to a subject.")})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name %(name)s is taken.") % {"name": username}})
    user = User(
        username=username,
        role=role,
        full_name=full_name,
        department=department,
        unit=unit,
        phone=phone,
        email=email,
        subject=subject,
        is_staff=role == Role.CREDIT_OFFICE,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(role_group_sync(role=role))
    audit_log_write(
        actor=actor, action="user.create", target=user, after=model_snapshot(user, USER_AUDIT_FIELDS)
    )
    return user


# --- logins (GB/T 22239-2019 level 3; SPEC §6, §7) ----------------------------------------------------


def login_lockout_record(*, request, username: str | None, ip_address: str | None) -> None:
    """Audit a lock-out by django-axes (``user_locked_out``): one entry when the lock starts, not one per
    attempt refused while it lasts (those are counted in axes' own attempt table)."""
    if getattr(request, "creditreg_already_locked", False):
        return
    user = User.objects.filter(username=username).first() if username else None
    audit_log_write(
        actor=None,
        action="user.login_locked_out",
        target=user,
        after={
            "username": (username or "")[:150],
            "ip_address": ip_address or "",
            "failure_limit": settings.LOGIN_FAILURE_LIMIT,
            "account_failure_limit": settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
            "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        },
        reason=_("Too many failed logins."),
    )


@transaction.atomic
def totp_device_begin(*, user: User) -> TOTPDevice:
    """A new, unconfirmed TOTP device for ``user`` to scan; the same one while it stays unconfirmed, so
    reloading the set-up page does not change the QR code. A confirmed device is replaced only when the
    new one is confirmed (``totp_device_confirm``)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a device by a code from it; the user's other devices are removed (one authenticator per
    person). Returns False, changing nothing else, when the code is wrong."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied(_("This device is not being set up by you."))
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit_log_write(
        actor=user, action="user.second_factor_set_up", target=user, after={"device": device.name}
    )
    return True


@transaction.atomic
def totp_device_install(*, user: User, key_hex: str, name: str) -> TOTPDevice:
    """Give ``user`` a confirmed TOTP device with a known secret, replacing any other: the demo accounts
    (``load_demo``), whose secrets the README prints. Idempotent."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=key_hex).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=name, key=key_hex, confirmed=True)
        audit_log_write(actor=None, action="user.second_factor_set_up", target=user, after={"device": name})
    return device


@transaction.atomic
def user_second_factor_reset(*, actor: User, user: User) -> int:
    """The credit office removes the TOTP devices of a user who lost theirs; at the next login the user
    sets up a new one. Returns the number of devices removed."""
    if not is_credit_office(actor):
        raise PermissionDenied(_("Only credit office staff can reset another user's second factor."))
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    audit_log_write(actor=actor, action="user.second_factor_reset", target=user, after={"removed": removed})
    return removed


def _temporary_password() -> str:
    """12 characters with every class present: passes every validator in AUTH_PASSWORD_VALIDATORS."""
    alphabet = string.ascii_letters + string.digits + "@#%+=?"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _i in range(12))
        if len(password_character_classes(candidate)) == 4:
            return candidate


@transaction.atomic
def user_password_temporary_set(*, actor: User, user: User) -> str:
    """The credit office resets a password (SPEC §6; the other way is the reset mail): a random
    temporary password, shown once to the officer, that the user must change at the next login. A lock-out
    of the user name is lifted, and every session of the user ends (Django's session hash changes with
    the password). Returns the temporary password."""
    if not is_credit_office(actor):
        raise PermissionDenied(_("Only credit office staff can reset another user's password."))
    if user.pk == actor.pk:
        raise PermissionDenied(_("Change your own password on your account page."))
    password = _temporary_password()
    user.set_password(password)
    user.password_change_required = True
    user.save(update_fields=["password", "password_change_required"])
    axes_reset(username=user.username)
    audit_log_write(
        actor=actor,
        action="user.password_temporary_set",
        target=user,
        after={"password_change_required": True},
    )
    return password


@transaction.atomic
def user_password_changed(*, user: User, how: str) -> None:
    """After the user chose a new password (``how``: ``change`` on the account page, ``reset`` by the
    mailed link): a temporary password no longer needs changing. A reset by mail also lifts a lock-out
    of the user name: whoever guessed at it, the holder of the mailbox on record now has a new
    password."""
    if user.password_change_required:
        user.password_change_required = False
        user.save(update_fields=["password_change_required"])
    if how == "reset":
        axes_reset(username=user.username)
    audit_log_write(actor=user, action=f"user.password_{how}", target=user)
