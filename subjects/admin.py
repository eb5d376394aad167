"""The registry in the admin, for the credit office. Saving goes through the services, so the admin
validates codes, refuses duplicates and writes the audit log like every other entry point."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accesslog.models import AccessKind
from accesslog.services import access_log_record

from .models import Subject
from .services import subject_code_clean, subject_register, subject_update


class SubjectAdminForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Subject
        fields = ["kind", "code", "name", "legal_representative", "address", "phone", "email"]

    def clean(self):
        cleaned = super().clean()
        kind, code = cleaned.get("kind"), cleaned.get("code")
        if kind and code:
            try:
                cleaned["code"] = subject_code_clean(kind=kind, code=code)
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    self.add_error(field, errors)
        representative = cleaned.get("legal_representative")
        if representative is not None and self.instance.pk and representative.pk == self.instance.pk:
            self.add_error("legal_representative", _("A subject cannot be its own legal representative."))
        if self.instance.pk and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the change."))
        return cleaned


@admin.register(Subject)
class SubjectAdmin(SimpleHistoryAdmin):
    form = SubjectAdminForm
    list_display = ["name", "code", "kind", "legal_representative", "created_at"]
    list_filter = ["kind"]
    search_fields = ["=code", "name"]
    list_select_related = ["legal_representative"]
    raw_id_fields = ["legal_representative"]
    readonly_fields = ["created_at", "updated_at", "created_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Records are never deleted (SPEC §2) and a subject carries them: no deletion, ever.
        return False

    def _log_numbers(self, request, subjects) -> None:
        """The admin shows identity numbers whole: each one shown is logged (003 §5(1))."""
        people = [s for s in subjects if s is not None and s.is_natural_person]
        if people:
            access_log_record(
                user=request.user,
                kind=AccessKind.IDENTITY_NUMBER,
                subjects=people,
                description="admin",
                request=request,
            )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._log_numbers(request, changelist.result_list)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        self._log_numbers(request, [original])
        return response

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        representative = data.get("legal_representative")
        common = {
            "kind": data["kind"],
            "code": data["code"],
            "name": data["name"],
            "legal_representative_id_number": representative.code if representative else "",
            "legal_representative_name": representative.name if representative else "",
            "address": data.get("address", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
        }
        # The form has already checked everything the services check, so these do not refuse.
        if change:
            saved = subject_update(
                actor=request.user, subject=Subject.objects.get(pk=obj.pk), reason=data["reason"], **common
            )
        else:
            saved = subject_register(actor=request.user, **common)
        obj.pk = saved.pk
