from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditLog
from .services import audit_action_label


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only for everyone: the log is evidence, so nobody edits or deletes it in the admin."""

    list_display = ["created_at", "actor_label", "action_label", "target_type", "target_repr", "reason"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_label", "target_repr", "target_id", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["target_type"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj: AuditLog) -> str:
        return audit_action_label(obj.action)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
