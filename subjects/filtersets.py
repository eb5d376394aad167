"""One filter set for the staff list page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Subject, SubjectKind
from .selectors import subjects_matching


class SubjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SubjectKind.choices)

    class Meta:
        model = Subject
        fields = ["q", "kind"]

    def filter_q(self, queryset, name, value):
        return subjects_matching(queryset, value)
