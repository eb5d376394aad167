"""Scheme versions: publication (validated first) and the preview of a draft against the published one.

A new version never changes a grade already given — grades point at the version that gave them — it
only grades from its publication on (SPEC §2)."""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_credit_office
from audit.services import audit_log_write
from records.models import RecordKind

from .models import Grade, SchemeVersion, VersionStatus
from .population import Population
from .rules import validate_rules
from .services import grades_compute, grading_department


def version_problems(*, version: SchemeVersion) -> list[str]:
    known = set(RecordKind.objects.values_list("code", flat=True))
    return validate_rules(
        version.scheme.kind, version.rules, known_kinds=known, scope_kinds=version.scope_kinds
    )


def version_preview(*, version: SchemeVersion, as_of=None) -> dict:
    """How many subjects would move between grades if the draft replaced the published version (of
    its department, for a department scheme): {"total": n, "changed": m, "moves": {(from, to):
    count}} (from the current grades of the scheme's population)."""
    as_of = as_of or timezone.localdate()
    department = grading_department(scheme=version.scheme, department=version.department)
    current = dict(
        Grade.objects.filter(scheme=version.scheme, department=department, is_current=True).values_list(
            "subject_id", "grade"
        )
    )
    moves: Counter = Counter()
    total = 0
    population = Population.of(version=version, department=department)
    for subject_id, outcome in grades_compute(
        version=version, department=department, as_of=as_of, population=population
    ):
        total += 1
        before = current.get(subject_id)
        if before != outcome.grade:
            moves[(before or "", outcome.grade)] += 1
    return {"total": total, "changed": sum(moves.values()), "moves": dict(moves)}


@transaction.atomic
def version_publish(*, actor, version: SchemeVersion) -> SchemeVersion:
    if actor is not None and not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office publishes a scheme version."))
    version = SchemeVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft version can be published."))
    problems = version_problems(version=version)
    if problems:
        raise ValidationError(problems)
    if version.scheme.owner_id is not None and version.department_id is None:
        raise ValidationError(_("A department scheme's version belongs to a department: choose it."))
    if version.scheme.owner_id is None and version.department_id is not None:
        raise ValidationError(_("A county scheme's version belongs to no department."))
    previous = SchemeVersion.objects.filter(
        scheme=version.scheme, department=version.department, status=VersionStatus.PUBLISHED
    ).first()
    if previous is not None:
        previous.status = VersionStatus.RETIRED
        previous.save(update_fields=["status"])
    version.status, version.published_at = VersionStatus.PUBLISHED, timezone.now()
    version.published_by = actor if getattr(actor, "is_authenticated", False) else None
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_log_write(
        actor=actor,
        action="scheme.publish",
        target=version,
        before={"published": previous.number if previous else None},
        after={"published": version.number, "department": getattr(version.department, "code", None)},
    )
    return version


@transaction.atomic
def version_copy(*, actor, version: SchemeVersion) -> SchemeVersion:
    """A new draft with the rules of ``version``, numbered after the last version of its scheme and
    department (the credit office edits it, or gives it to another department, before publishing)."""
    if actor is not None and not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office edits the schemes."))
    last = (
        SchemeVersion.objects.filter(scheme=version.scheme, department=version.department)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    draft = SchemeVersion.objects.create(
        scheme=version.scheme,
        department=version.department,
        number=(last or 0) + 1,
        window_days=version.window_days,
        record_scope=version.record_scope,
        scope_kinds=list(version.scope_kinds or []),
        rules=version.rules,
        note=_("Copied from %(version)s") % {"version": version},
    )
    audit_log_write(actor=actor, action="scheme.copy", target=draft, after={"from": str(version)})
    return draft
