"""One filter set for the objection list page (and the objections API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, YesNoFilter

from .models import Objection, ObjectionStatus, ObjectionTarget


class ObjectionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ObjectionStatus.choices)
    target = django_filters.ChoiceFilter(label=_("Objection against"), choices=ObjectionTarget.choices)
    overdue = YesNoFilter(label=_("Overdue"), method="filter_overdue")
    record = IdFilter(label=_("Record number"), field_name="record_id")

    class Meta:
        model = Objection
        fields = ["status", "target", "overdue", "record"]

    def filter_overdue(self, queryset, name, value):
        # ``overdue`` is annotated by objections.selectors.objections_visible_to.
        if value is None:
            return queryset
        return queryset.filter(overdue=value)
