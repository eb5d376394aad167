"""One filter set for the repair application lists (pages and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from records.filtersets import RecordSearchFilter

from .models import RepairApplication, RepairStatus


class RepairApplicationFilterSet(django_filters.FilterSet):
    q = RecordSearchFilter(document_number="record__document_number")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RepairStatus.choices)

    class Meta:
        model = RepairApplication
        fields = ["q", "status"]
