"""One filter set for the department's list of reminders and interviews."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter
from records.filtersets import RecordSearchFilter

from .models import Reminder, ReminderKind, ReminderStatus


class ReminderFilterSet(django_filters.FilterSet):
    q = RecordSearchFilter(document_number="record__document_number")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReminderStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("what is due"), choices=ReminderKind.choices)
    overdue = YesNoFilter(label=_("Overdue only"), method="filter_overdue")

    class Meta:
        model = Reminder
        fields = ["q", "status", "kind", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=ReminderStatus.DUE, due_date__lt=timezone.localdate())
