"""One filter set for the applied-measures page, the counts page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from subjects.identifiers import normalize_identifier

from .models import DepartmentListing, ListingStatus, ListType, Measure, MeasureApplication, MeasureKind


class MeasureApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Subject name or code"), method="filter_q")
    measure = django_filters.ModelChoiceFilter(
        label=_("Measure"), queryset=Measure.objects.order_by("sort_order", "code"), to_field_name="code"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of measure"), field_name="measure__kind", choices=MeasureKind.choices
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.order_by("sort_order", "code"),
        to_field_name="code",
    )
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=MeasureApplication.Outcome.choices)
    applied_from = django_filters.DateFilter(
        label=_("Applied from"), field_name="applied_on", lookup_expr="gte"
    )
    applied_to = django_filters.DateFilter(
        label=_("Applied until"), field_name="applied_on", lookup_expr="lte"
    )

    class Meta:
        model = MeasureApplication
        fields = ["q", "measure", "kind", "department", "outcome", "applied_from", "applied_to"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__name__icontains=value) | Q(subject__code=normalize_identifier(value))
        )


class DepartmentListingFilterSet(django_filters.FilterSet):
    """The department listings page: by subject, status, list and (for the credit office) department."""

    q = django_filters.CharFilter(label=_("Subject name or code"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ListingStatus.choices)
    list_type = django_filters.ChoiceFilter(label=_("List"), choices=ListType.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.order_by("sort_order", "code"),
        to_field_name="code",
    )

    class Meta:
        model = DepartmentListing
        fields = ["q", "status", "list_type", "department"]

    def __init__(self, *args, show_department: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_department:
            del self.filters["department"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__name__icontains=value)
            | Q(subject__code=normalize_identifier(value))
            | Q(document_number__icontains=value)
        )
