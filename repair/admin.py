from django.contrib import admin

from .models import RepairApplication, RepairTransition


class RepairTransitionInline(admin.TabularInline):
    model = RepairTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RepairApplication)
class RepairApplicationAdmin(admin.ModelAdmin):
    """Read-only for the credit office: applications change only through the repair services."""

    list_display = ["id", "subject", "record", "department", "status", "channel", "due_on", "decided_at"]
    list_filter = ["status", "channel", "department"]
    search_fields = ["subject__name", "subject__code", "record__document_number"]
    list_select_related = ["subject", "record", "department"]
    inlines = [RepairTransitionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
