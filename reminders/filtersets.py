"""One filter set for the department's list of reminders and interviews."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter
from subjects.identifiers import normalize_identifier

from .models import Reminder, ReminderKind, ReminderStatus


class ReminderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Document number, subject name or code"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReminderStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("what is due"), choices=ReminderKind.choices)
    overdue = YesNoFilter(label=_("Overdue only"), method="filter_overdue")

    class Meta:
        model = Reminder
        fields = ["q", "status", "kind", "overdue"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(record__document_number__icontains=value)
            | Q(subject__name__icontains=value)
            | Q(subject__code=normalize_identifier(value))
        )

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=ReminderStatus.DUE, due_date__lt=timezone.localdate())
