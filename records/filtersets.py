"""One filter set for the department's record list page and the records API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.filters import YesNoFilter

from .models import CreditRecord, ImportBatch, RecordKind, RecordStatus, Severity
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
        label=_("Kind of information"),
        queryset=RecordKind.objects.filter(is_active=True),
        to_field_name="code",
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


class ReviewQueueFilterSet(django_filters.FilterSet):
    """The reviewer's queue, filtered (issue 19): kind, severity, import batch, who entered it, when it
    was decided or entered, and the search box. Shared by the queue page, its bulk review and the
    API."""

    q = RecordSearchFilter()
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind of information"),
        queryset=RecordKind.objects.filter(is_active=True),
        to_field_name="code",
    )
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    import_batch = django_filters.ModelChoiceFilter(
        label=_("Import batch"), queryset=ImportBatch.objects.none(), empty_label=_("Any")
    )
    created_by = django_filters.ModelChoiceFilter(
        label=_("Entered by"), queryset=User.objects.none(), empty_label=_("Anyone")
    )
    decision_date_from = django_filters.DateFilter(
        label=_("Decided from"), field_name="decision_date", lookup_expr="gte"
    )
    decision_date_to = django_filters.DateFilter(
        label=_("Decided until"), field_name="decision_date", lookup_expr="lte"
    )
    entered_from = django_filters.DateFilter(
        label=_("Entered from"), field_name="created_at", lookup_expr="date__gte"
    )
    entered_to = django_filters.DateFilter(
        label=_("Entered until"), field_name="created_at", lookup_expr="date__lte"
    )

    class Meta:
        model = CreditRecord
        fields = [
            "q",
            "kind",
            "severity",
            "import_batch",
            "created_by",
            "decision_date_from",
            "decision_date_to",
            "entered_from",
            "entered_to",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        department_id = getattr(user, "department_id", None)
        # Only the batches and the colleagues of the reviewer's own department are offered.
        self.filters["import_batch"].queryset = ImportBatch.objects.filter(
            department_id=department_id or 0
        ).order_by("-created_at")
        self.filters["created_by"].queryset = (
            User.objects.filter(department_id=department_id).order_by("username")
            if department_id
            else User.objects.none()
        )
