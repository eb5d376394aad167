from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.readonly_admin import ReadOnlyAdminMixin

from .models import AuditHead, AuditLog
from .services import audit_action_label


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone: the log is evidence, so nobody edits or deletes it in the admin."""

    list_display = [
        "seq",
        "created_at",
        "actor_label",
        "action_label",
        "target_type",
        "target_repr",
        "reason",
        "short_hash",
    ]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_label", "target_repr", "target_id", "reason", "=seq"]
    date_hierarchy = "created_at"
    list_select_related = ["target_type"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj: AuditLog) -> str:
        return audit_action_label(obj.action)

    @admin.display(description=_("chain hash"))
    def short_hash(self, obj: AuditLog) -> str:
        # The first 12 hex digits tell entries apart at a glance; the detail page shows the whole hash.
        return f"{obj.hash_algorithm}:{obj.chain_hash[:12]}" if obj.chain_hash else "—"


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The chain heads sent to the platform, one a day; read-only like the log."""

    list_display = ["day", "seq", "hash_algorithm", "chain_hash", "sent_at"]
    readonly_fields = [f.name for f in AuditHead._meta.fields]
