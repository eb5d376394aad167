"""When a record may be repaired (SPEC §3.4, 国办发〔2025〕22号, NDRC 信用修复管理办法).

| severity | repair may be applied for                  |
|----------|---------------------------------------------|
| minor    | as soon as the obligations are fulfilled    |
| general  | after the minimum publication of 3 months   |
| serious  | after the minimum publication of 1 year     |

Periods count from the decision date the way the Civil Code counts them (Art. 201–202: the first day
is not counted, a period in months ends on the corresponding day of the last month), so the minimum
period of a general record decided on 2026-03-02 ends on 2026-06-02 and repair may be applied for from
2026-06-03. A minor record may be repaired from its decision date: the proof of fulfilled obligations
comes with the application. The months are in ``settings.REPAIR_MIN_MONTHS`` (these defaults otherwise).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from records.models import Polarity, RecordStatus, Severity
from records.publication import add_months

DEFAULT_MIN_MONTHS = {Severity.MINOR: 0, Severity.GENERAL: 3, Severity.SERIOUS: 12}


def repair_min_months(severity: str) -> int | None:
    months = getattr(settings, "REPAIR_MIN_MONTHS", DEFAULT_MIN_MONTHS)
    return months.get(severity)


def repair_eligible_from(*, record) -> datetime.date | None:
    """The first day a repair may be applied for, or None for information that is not repairable
    (positive or neutral information, a negative record without a severity)."""
    if record.kind.polarity != Polarity.NEGATIVE or not record.severity:
        return None
    months = repair_min_months(record.severity)
    if months is None:
        return None
    if months == 0:
        return record.decision_date
    return add_months(record.decision_date, months) + datetime.timedelta(days=1)


@dataclass(frozen=True)
class RepairEligibility:
    eligible: bool
    eligible_from: datetime.date | None
    message: str


def repair_eligibility(
    *, record, has_open_application: bool = False, today: datetime.date | None = None
) -> RepairEligibility:
    """Whether ``record`` may be repaired today, and if not, why — with the date from which it may."""
    today = today or timezone.localdate()
    eligible_from = repair_eligible_from(record=record)
    if eligible_from is None:
        return RepairEligibility(False, None, _("Only negative information can be repaired."))
    if record.status == RecordStatus.REPAIRED:
        return RepairEligibility(False, eligible_from, _("This record has already been repaired."))
    if record.status == RecordStatus.EXPIRED:
        return RepairEligibility(
            False,
            eligible_from,
            _("The publication of this record is already over; there is nothing to repair."),
        )
    if record.status != RecordStatus.EFFECTIVE or not record.is_current:
        return RepairEligibility(
            False,
            eligible_from,
            _("Only a record in force can be repaired; this one is “%(status)s”.")
            % {"status": record.get_status_display()},
        )
    if has_open_application:
        return RepairEligibility(
            False, eligible_from, _("A repair application for this record is already being handled.")
        )
    if today < eligible_from:
        return RepairEligibility(
            False,
            eligible_from,
            _(
                "%(severity)s information can be repaired after its minimum publication period of "
                "%(months)s months: from %(date)s."
            )
            % {
                "severity": record.get_severity_display(),
                "months": repair_min_months(record.severity),
                "date": eligible_from.isoformat(),
            },
        )
    return RepairEligibility(True, eligible_from, "")
