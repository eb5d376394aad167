from django.contrib import admin

from accounts.permissions import is_credit_office
from core.readonly_admin import ReadOnlyAdminMixin

from .models import Document


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, for the credit office: what was issued, when, for whom, and its SHA-256. The
    verification code is not shown: whoever holds it reads the document's content at the public check."""

    list_display = ["number", "kind", "title", "office", "holder_name", "issued_at", "size"]
    list_filter = ["kind", "issued_at"]
    search_fields = ["number", "holder_name", "title"]
    date_hierarchy = "issued_at"
    exclude = ["verification_code"]
    readonly_fields = [f.name for f in Document._meta.fields if f.name != "verification_code"]
    raw_id_fields = ["issued_by"]
    show_full_result_count = False

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(is_credit_office(request.user))

    def has_module_permission(self, request) -> bool:
        return bool(is_credit_office(request.user))
