from django.contrib import admin

from core.readonly_admin import ReadOnlyAdminMixin

from .models import Commitment, CommitmentTemplate, VoluntaryEntry


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for the credit office: these change only through the services."""


@admin.register(CommitmentTemplate)
class CommitmentTemplateAdmin(ReadOnlyAdmin):
    list_display = ["matter", "title", "department", "materials_working_days", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["matter", "title"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "subject",
        "matter",
        "department",
        "channel",
        "status",
        "materials_due",
        "signed_at",
    ]
    list_filter = ["status", "channel", "department"]
    search_fields = ["subject__name", "subject__code", "matter"]
    list_select_related = ["subject", "department"]


@admin.register(VoluntaryEntry)
class VoluntaryEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "subject", "category", "title", "department", "status", "decided_at"]
    list_filter = ["status", "category", "department"]
    search_fields = ["subject__name", "subject__code", "title"]
    list_select_related = ["subject", "department"]
