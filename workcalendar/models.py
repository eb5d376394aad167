"""The credit office's copy of the State Council's yearly holiday notice.

Deadlines in working days (objections, publication, repair) must follow the official schedule, which
is only announced late in the previous year. The ``chinesecalendar`` package ships the schedules it
knew when it was released; for a later year the office enters the notice here, day by day. Once a year
has at least one row, this table is the whole truth for that year (``workcalendar.workdays``): every
holiday of the notice must be entered, not only the ones that fall on weekdays.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (day off)")
    WORKDAY = "workday", _("Make-up working day")


class DayAdjustment(models.Model):
    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("type of day"), max_length=16, choices=DayKind.choices)
    # The holiday the day belongs to, as the notice names it (春节, 国庆节 …): it lets the office
    # compare the table with the notice line by line.
    note = models.CharField(_("holiday name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working-day adjustment")
        verbose_name_plural = _("working-day adjustments")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        # The notice only ever moves work onto a Saturday or Sunday; a make-up working day on a
        # weekday is a typing mistake (usually the wrong year or month) that would go unnoticed.
        if self.kind == DayKind.WORKDAY and self.day and self.day.weekday() < 5:
            raise ValidationError(
                {"day": _("A make-up working day falls on a Saturday or Sunday; this day is a weekday.")}
            )
