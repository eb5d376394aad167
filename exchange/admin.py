"""The exchange in the admin (issue item 6): the outbox with each item's attempts and the platform's
error, the delivery log, a "queue again" action for failed items, and the dashboard — backlog, last
delivery, failures and per-day volumes."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from audit.services import audit_action_label

from .delivery import outbox_retry
from .models import DeliveryBatch, OutboxItem
from .selectors import exchange_dashboard


class ReadOnly:
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The change permission only serves the changelist's actions; items are never edited by hand.
        return obj is None and super().has_change_permission(request, obj)


@admin.register(OutboxItem)
class OutboxItemAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "idempotency_key",
        "type_label",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
        "error",
    ]
    list_filter = ["status", "type"]
    search_fields = ["=idempotency_key"]
    show_full_result_count = False
    actions = ["queue_again"]

    @admin.display(description=_("type"), ordering="type")
    def type_label(self, obj) -> str:
        # The event's readable name (issue 19: its code was shown as it is); the code stays the filter.
        return audit_action_label(obj.type)

    readonly_fields = [
        "idempotency_key",
        "type",
        "status",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "batch",
        "created_at",
        "delivered_at",
        "last_error",
        "payload",
    ]
    fields = readonly_fields

    @admin.display(description=_("platform's error"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(120)

    @admin.action(description=_("Queue the selected failed items again"), permissions=["change"])
    def queue_again(self, request, queryset):
        try:
            count = outbox_retry(actor=request.user, item_ids=list(queryset.values_list("pk", flat=True)))
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("%(count)s failed items are queued again.") % {"count": count})

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="exchange_outboxitem_dashboard",
            )
        ] + super().get_urls()

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Platform exchange"),
            "opts": self.model._meta,
            "data": exchange_dashboard(),
        }
        return TemplateResponse(request, "admin/exchange/dashboard.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "dashboard_url": reverse("admin:exchange_outboxitem_dashboard"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(DeliveryBatch)
class DeliveryBatchAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "transport",
        "status",
        "items",
        "started_at",
        "finished_at",
        "worker",
        "short_error",
    ]
    list_filter = ["status", "transport"]
    show_full_result_count = False
    fields = [
        "transport",
        "status",
        "items",
        "worker",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "lease_until",
        "location",
        "error",
    ]
    readonly_fields = fields

    @admin.display(description=_("platform's error"))
    def short_error(self, obj):
        return format_html("<span title='{}'>{}</span>", obj.error, Truncator(obj.error).chars(80))
