"""Read-side queries on grades."""

from .models import Grade
from .presentation import reasons_text


def grades_current(*, subject) -> list[Grade]:
    """The subject's current grades, each with its reasons worded in the reader's language."""
    grades = list(
        Grade.objects.filter(subject=subject, is_current=True)
        .select_related("scheme", "version", "department")
        .order_by("scheme__owner_id", "scheme__code", "department__code")
    )
    for grade in grades:
        grade.reason_texts = reasons_text(grade.reasons)
    return grades
