"""The credit office's admin views: subject account requests (verified through the service, as on
the verification page) and a read-only view of objections, which change only through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from core.readonly_admin import ReadOnlyAdminMixin

from .models import AccountRequestStatus, Objection, SubjectAccountRequest
from .services import subject_account_verify


@admin.register(SubjectAccountRequest)
class SubjectAccountRequestAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "contact_name",
        "phone",
        "status",
        "verified_by_method",
        "created_at",
    ]
    list_filter = ["status", "verified_by_method"]
    search_fields = ["name", "=code", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in SubjectAccountRequest._meta.fields]
    actions = ["verify_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Verify and link the selected accounts"), permissions=["change"])
    def verify_selected(self, request, queryset):
        done = 0
        for account in queryset.filter(status=AccountRequestStatus.PENDING):
            try:
                subject_account_verify(actor=request.user, request=account)
            except (ValidationError, PermissionDenied) as exc:
                for message in getattr(exc, "messages", [str(exc)]):
                    self.message_user(request, f"{account.name}: {message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("%(n)s account(s) verified.") % {"n": done}, messages.SUCCESS)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "subject",
        "target",
        "department",
        "status",
        "submitted_at",
        "deadline",
        "decided_at",
    ]
    list_filter = ["status", "target", "department"]
    search_fields = ["subject__name", "=subject__code", "record__document_number"]
    list_select_related = ["subject", "department"]
    raw_id_fields = ["record", "grade", "correction"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Objection._meta.fields]
