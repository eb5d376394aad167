"""Read-side queries on grades.

Every reader of "the subject's grade" — the staff subject page, the portal, the public pages and API,
the measures that apply, the yearly summary, the inspection strata — reads the grade in force (SPEC
§3.5) through ``grades_in_force`` (or, inside a larger query, ``grades_in_force_rows``): one value per
subject, scheme and department, the same everywhere."""

from collections.abc import Iterable

from django.db.models import F, QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .models import GradeInForce, GradeInForceChange, InForceBasis
from .presentation import reasons_text


def grades_in_force_rows(
    *, subject_ids: Iterable[int] | None = None, scheme_code: str = ""
) -> QuerySet[GradeInForce]:
    """The rows in force of ``subject_ids`` (every subject: None), under one scheme or every one."""
    qs = GradeInForce.objects.all()
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    if scheme_code:
        qs = qs.filter(scheme__code=scheme_code)
    return qs


def correction_text(grade: GradeInForce) -> str:
    """ "Corrected on … by decision …" with its reason: what the subject and the credit office see of a
    correction (the public sees only the value)."""
    if grade.basis != InForceBasis.CORRECTED:
        return ""
    return _("Corrected on %(date)s by decision %(decision)s: %(reason)s") % {
        "date": date_format(localtime(grade.since), "Y-m-d"),
        "decision": grade.decision or _("of the credit office"),
        "reason": grade.reason,
    }


# Per subject: county schemes first (on every database), then by scheme and department.
GRADE_IN_FORCE_ORDER = (
    "subject_id",
    F("scheme__owner_id").asc(nulls_first=True),
    "scheme__code",
    "department__sort_order",
    "department__code",
)


def grades_in_force(
    *, subject_ids: Iterable[int], scheme_code: str = "", with_reasons: bool = True
) -> list[GradeInForce]:
    """The grades in force of the subjects, ordered per subject (county schemes first, then by scheme
    and department), each with the grade row it stands on and — ``with_reasons`` — its reasons
    worded in the reader's language (a correction's first) as ``reason_texts``."""
    grades = list(
        grades_in_force_rows(subject_ids=subject_ids, scheme_code=scheme_code)
        .select_related("scheme", "department", "stands_on__version", "decision_run")
        .order_by(*GRADE_IN_FORCE_ORDER)
    )
    if with_reasons:
        for grade in grades:
            correction = correction_text(grade)
            grade.correction_text = correction
            grade.reason_texts = ([correction] if correction else []) + reasons_text(grade.stands_on.reasons)
    return grades


def grade_in_force_changes(*, subject_id: int, limit: int = 50) -> list[GradeInForceChange]:
    """The subject's changes of grades in force, newest first (SPEC §3.5: each change is kept with when,
    why, by whom and which decision, and shown to the subject and the credit office)."""
    return list(
        GradeInForceChange.objects.filter(subject_id=subject_id)
        .select_related("scheme", "department", "decided_by")
        .order_by("-changed_at", "-id")[:limit]
    )
