"""Writing the stored yearly summaries (003 §6(1): reported to the credit office by December 20).

``report_generate`` builds one scope's workbook and stores it as the year's report for that scope,
replacing an earlier one; ``reports_generate_all`` does the county and every active department — the
December 20 beat task and the credit office's button call it, the management command calls the first.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Department
from audit.services import audit_log_write
from core.types import Actor

from .models import YearlyReport
from .permissions import can_generate_reports
from .selectors import MAX_YEAR, MIN_YEAR, summary_build
from .spreadsheet import summary_title, summary_workbook


def year_validate(*, year) -> int:
    """The year as an int between 2000 and 2100, or a clear error."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("The year must be a number such as 2026.")}) from None
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise ValidationError(
            {
                "year": _("The year must be between %(first)s and %(last)s.")
                % {"first": MIN_YEAR, "last": MAX_YEAR}
            }
        )
    return value


def report_file_name(*, year: int, department: Department | None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        scope = department.name if department else _("the whole county")
        return (
            _("Credit grading and classification work summary %(year)s (%(scope)s)")
            % {
                "year": year,
                "scope": scope,
            }
            + ".xlsx"
        )


def report_generate(*, actor: Actor, year: int, department: Department | None = None) -> YearlyReport:
    """Build the year's summary of the scope and store it (one report per year and scope)."""
    if actor is not None and not can_generate_reports(actor):
        raise PermissionDenied(_("Only the credit office generates the yearly summaries."))
    year = year_validate(year=year)
    summary = summary_build(year=year, department=department)
    summary.generated_at = timezone.now()
    content = summary_workbook(summary=summary)
    scope = department.code if department else "county"
    with transaction.atomic():
        # Ordered by pk: the default ordering joins the department, which FOR UPDATE cannot lock.
        existing = YearlyReport.objects.select_for_update().filter(year=year, department=department)
        report = existing.order_by("pk").first() or YearlyReport(year=year, department=department)
        created = report.pk is None
        old_name = report.file.name if not created else ""
        report.file.save(f"yearly-summary-{year}-{scope}.xlsx", ContentFile(content), save=False)
        report.file_name = report_file_name(year=year, department=department)
        report.size = len(content)
        report.sha256 = hashlib.sha256(content).hexdigest()
        report.generated_at = summary.generated_at
        report.generated_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save()
        if old_name and old_name != report.file.name:
            storage = report.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        audit_log_write(
            actor=actor,
            action="report.generate",
            target=report,
            after={
                "year": year,
                "department": scope,
                "sha256": report.sha256,
                "replaced": not created,
                "title": summary_title(summary),
            },
        )
    return report


def reports_generate_all(
    *, actor: Actor, year: int | None = None, today: datetime.date | None = None
) -> list[YearlyReport]:
    """The county's summary and every active department's, for ``year`` (default: this year)."""
    if actor is not None and not can_generate_reports(actor):
        raise PermissionDenied(_("Only the credit office generates the yearly summaries."))
    year = year_validate(year=year if year is not None else (today or timezone.localdate()).year)
    reports = [report_generate(actor=actor, year=year)]
    for department in Department.objects.filter(is_active=True):
        reports.append(report_generate(actor=actor, year=year, department=department))
    return reports
