"""Writes about users: creation with a role, role changes. Each writes the audit log."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log_write, model_snapshot

from .models import DEPARTMENT_ROLES, Department, Role, Unit, User
from .permissions import is_credit_office

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
