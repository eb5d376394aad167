"""Reference data of intake (record and sanction kinds) for the credit office, and read-only views of
records and import batches. Records change only through the services (web pages, API, import)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.readonly_admin import ReadOnlyAdminMixin

from .models import CreditRecord, ImportBatch, RecordKind, SanctionKind


class NoDeleteAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        # Records point at these; they are deactivated, never deleted (SPEC §2).
        return False


@admin.register(RecordKind)
class RecordKindAdmin(NoDeleteAdmin):
    list_display = [
        "name",
        "code",
        "polarity",
        "default_severity",
        "has_sanctions",
        "is_published",
        "is_active",
    ]
    list_filter = ["polarity", "is_active"]
    search_fields = ["name", "code"]


@admin.register(SanctionKind)
class SanctionKindAdmin(NoDeleteAdmin):
    list_display = ["name", "code", "severity", "rank", "has_fine", "amount_required"]
    list_filter = ["severity"]


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "document_number",
        "matter",
        "subject",
        "kind",
        "department",
        "severity",
        "status",
        "decision_date",
    ]
    list_filter = ["status", "kind", "department", "severity", "source"]
    search_fields = ["document_number", "subject__name", "=subject__code"]
    list_select_related = ["subject", "kind", "department"]
    date_hierarchy = "decision_date"
    # 000 Art. 13: never in lists; the detail view is for the credit office, who may see it.
    exclude = ["matter_key"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "file_name",
        "department",
        "uploaded_by",
        "template",
        "status",
        "rows_total",
        "rows_created",
        "rows_duplicate",
        "rows_rejected",
        "seconds",
        "created_at",
    ]
    list_filter = ["department", "template"]
    list_select_related = ["department", "uploaded_by"]
