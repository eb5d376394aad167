from django.contrib import admin

from core.readonly_admin import ReadOnlyAdminMixin

from .models import Inspection, InspectionMatter, InspectionPlan, Inspector


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for the credit office: these change only through the services (and their pages)."""


@admin.register(InspectionMatter)
class InspectionMatterAdmin(ReadOnlyAdmin):
    list_display = ["name", "department", "legal_basis", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["name"]


@admin.register(Inspector)
class InspectorAdmin(ReadOnlyAdmin):
    list_display = ["name", "certificate_number", "department", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["name", "certificate_number"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "title",
        "department",
        "year",
        "status",
        "eligible_count",
        "skipped_count",
        "drawn_at",
    ]
    list_filter = ["status", "year", "department"]
    search_fields = ["title", "matter_text"]
    list_select_related = ["department"]
    exclude = ["seed"]  # shown on the plan's pages once drawn, never before


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["id", "plan", "position", "subject", "grade", "status", "inspected_on"]
    list_filter = ["status", "grade"]
    search_fields = ["subject__name", "subject__code"]
    list_select_related = ["plan", "subject"]
    raw_id_fields = ["plan", "subject", "record"]
