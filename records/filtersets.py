"""One filter set for the department's record list page and the records API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter

from .models import CreditRecord, RecordKind, RecordStatus, Severity
from .selectors import record_search, records_publication_overdue, records_published


class RecordSearchFilter(django_filters.CharFilter):
    """The search box of a list of records, or of rows about one record each (reminders, repair
    applications: ``document_number="record__document_number"``)."""

    def __init__(self, *, document_number: str = "document_number", **kwargs):
        kwargs.setdefault("label", _("Document number, subject name or code"))
        super().__init__(**kwargs)
        self.document_number = document_number

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.filter(record_search(value, document_number=self.document_number)) if value else qs


class CreditRecordFilterSet(django_filters.FilterSet):
    q = RecordSearchFilter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RecordStatus.choices)
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind"), queryset=RecordKind.objects.filter(is_active=True), to_field_name="code"
    )
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    decision_date_from = django_filters.DateFilter(
        label=_("Decided from"), field_name="decision_date", lookup_expr="gte"
    )
    decision_date_to = django_filters.DateFilter(
        label=_("Decided until"), field_name="decision_date", lookup_expr="lte"
    )
    overdue = YesNoFilter(label=_("Publication overdue"), method="filter_overdue")
    published = YesNoFilter(label=_("Published today"), method="filter_published")

    class Meta:
        model = CreditRecord
        fields = [
            "q",
            "status",
            "kind",
            "severity",
            "decision_date_from",
            "decision_date_to",
            "overdue",
            "published",
        ]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = records_publication_overdue(queryset=queryset)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_published(self, queryset, name, value):
        if value is None:
            return queryset
        published = records_published(queryset=queryset)
        return published if value else queryset.exclude(pk__in=published.values("pk"))
