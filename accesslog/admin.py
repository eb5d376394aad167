from django.contrib import admin

from accounts.permissions import is_credit_office
from core.readonly_admin import ReadOnlyAdminMixin

from .models import AccessEntry


@admin.register(AccessEntry)
class AccessEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, and for the credit office only: the log is evidence of who read what (003 §5(1))."""

    list_display = ["at", "user_label", "department", "subject", "kind", "purpose", "description", "address"]
    list_filter = ["kind", "purpose", "at"]
    search_fields = ["user_label", "description", "purpose_detail"]
    date_hierarchy = "at"
    list_select_related = ["department", "subject"]
    raw_id_fields = ["user", "subject"]
    readonly_fields = [f.name for f in AccessEntry._meta.fields]
    show_full_result_count = False

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(is_credit_office(request.user))

    def has_module_permission(self, request) -> bool:
        return bool(is_credit_office(request.user))
