"""One filter set for the repair application lists (pages and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from subjects.identifiers import normalize_identifier

from .models import RepairApplication, RepairStatus


class RepairApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Document number, subject name or code"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RepairStatus.choices)

    class Meta:
        model = RepairApplication
        fields = ["q", "status"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(record__document_number__icontains=value)
            | Q(subject__name__icontains=value)
            | Q(subject__code=normalize_identifier(value))
        )
