"""Schemes and their versions for the credit office. A version is validated before it is saved as
published, so a scheme with overlapping thresholds, missing levels or unknown kinds never grades."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from records.models import RecordKind

from .engine import validate_rules
from .models import Grade, Scheme, SchemeVersion, VersionStatus


class SchemeVersionForm(forms.ModelForm):
    class Meta:
        model = SchemeVersion
        fields = ["scheme", "number", "status", "window_days", "record_scope", "scope_kinds", "rules", "note"]

    def clean(self):
        cleaned = super().clean()
        scheme, rules = cleaned.get("scheme"), cleaned.get("rules")
        if scheme and isinstance(rules, dict):
            known = set(RecordKind.objects.values_list("code", flat=True))
            problems = validate_rules(scheme.kind, rules, known_kinds=known)
            unknown_scope = sorted(set(cleaned.get("scope_kinds") or []) - known)
            if unknown_scope:
                problems.append(
                    str(_("Unknown record kinds: %(kinds)s.") % {"kinds": ", ".join(unknown_scope)})
                )
            if problems:
                raise forms.ValidationError(problems)
        elif scheme and rules is not None:
            raise forms.ValidationError(_("The rules must be a JSON object."))
        return cleaned


@admin.register(Scheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "owner"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SchemeVersion)
class SchemeVersionAdmin(SimpleHistoryAdmin):
    form = SchemeVersionForm
    list_display = ["scheme", "number", "status", "window_days", "record_scope", "published_at"]
    list_filter = ["scheme", "status"]

    def get_readonly_fields(self, request, obj=None):
        # A published or retired version is evidence for the grades it gave: it never changes.
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return [f.name for f in SchemeVersion._meta.fields]
        return ["published_at", "published_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["subject", "scheme", "department", "grade", "score", "as_of", "source", "is_current"]
    list_filter = ["scheme", "grade", "is_current", "source", "department"]
    search_fields = ["subject__name", "=subject__code"]
    list_select_related = ["subject", "scheme", "department"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
