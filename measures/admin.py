"""The credit office's screens in the admin: the measures catalogue (versioned, audited), the red and
black lists (listing with reason, authority and dates; removal), and the applied measures (read-only).
Saving goes through the services, so the admin refuses what they refuse, with the same messages, and
writes the audit log and the platform's outbox like every other entry point."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.readonly_admin import ReadOnlyAdminMixin

from .models import DepartmentListing, ListEntry, ListingTransition, ListScope, Measure, MeasureApplication
from .services import (
    list_entry_add,
    list_entry_add_clean,
    list_entry_remove,
    list_entry_remove_clean,
    measure_clean,
    measure_save,
)


def _errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    fields = set(form.fields)
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in fields else None, errors)
    else:
        form.add_error(None, exc)


class ListEntryAddForm(forms.ModelForm):
    class Meta:
        model = ListEntry
        fields = [
            "list_type",
            "subject",
            "reason",
            "authority",
            "document_number",
            "level",
            "department",
            "listed_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            list_entry_add_clean(
                list_type=cleaned.get("list_type"),
                subject=cleaned.get("subject"),
                reason=cleaned.get("reason"),
                authority=cleaned.get("authority"),
                listed_on=cleaned.get("listed_on"),
                level=cleaned.get("level"),
                document_number=cleaned.get("document_number") or "",
            )
        except ValidationError as exc:
            _errors_to_form(self, exc)
        return cleaned


class ListEntryRemoveForm(forms.ModelForm):
    class Meta:
        model = ListEntry
        fields = ["removed_on", "removal_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["removed_on"].required = True
        self.fields["removal_reason"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        current = ListEntry.objects.get(pk=self.instance.pk)
        try:
            list_entry_remove_clean(
                entry=current, removed_on=cleaned.get("removed_on"), reason=cleaned.get("removal_reason")
            )
        except ValidationError as exc:
            _errors_to_form(self, exc)
        return cleaned


@admin.register(ListEntry)
class ListEntryAdmin(SimpleHistoryAdmin):
    list_display = [
        "subject",
        "list_type",
        "scope",
        "reason_short",
        "authority",
        "level",
        "source",
        "listed_on",
        "ends_on",
        "removed_on",
    ]
    list_filter = ["list_type", "scope", "level", "source", ("removed_on", admin.EmptyFieldListFilter)]
    search_fields = ["=subject__code", "subject__name", "authority", "document_number"]
    list_select_related = ["subject"]
    date_hierarchy = "listed_on"
    raw_id_fields = ["subject"]
    readonly_fields_all = [
        "list_type",
        "subject",
        "reason",
        "authority",
        "document_number",
        "level",
        "source",
        "external_id",
        "department",
        "listed_on",
        "scope",
        "ends_on",
        "exit_kind",
        "record",
        "created_by",
        "created_at",
        "removed_by",
    ]

    @admin.display(description=_("reason for listing"))
    def reason_short(self, obj) -> str:
        return obj.reason if len(obj.reason) <= 40 else obj.reason[:40] + "…"

    def has_delete_permission(self, request, obj=None) -> bool:
        # A listing is ended by removal, never deleted: the public list and the platform keep its history.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A department's own listing is ended by that department (SPEC §3.6): shown here, not changed.
        if obj is not None and obj.scope == ListScope.DEPARTMENT:
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ListEntryAddForm if obj is None else ListEntryRemoveForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ListEntryAddForm.Meta.fields
        return self.readonly_fields_all + ["removed_on", "removal_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.removed_on is not None:
            return self.readonly_fields_all + ["removed_on", "removal_reason"]
        return self.readonly_fields_all

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        # The form has already run the services' checks, so these do not refuse.
        if change:
            saved = list_entry_remove(
                actor=request.user,
                entry=ListEntry.objects.get(pk=obj.pk),
                removed_on=data["removed_on"],
                reason=data["removal_reason"],
            )
        else:
            saved = list_entry_add(
                actor=request.user,
                list_type=data["list_type"],
                subject=data["subject"],
                reason=data["reason"],
                authority=data["authority"],
                listed_on=data["listed_on"],
                level=data["level"],
                department=data.get("department"),
                document_number=data.get("document_number") or "",
            )
        obj.pk = saved.pk


class MeasureAdminForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Measure
        fields = [
            "code",
            "name",
            "kind",
            "category",
            "description",
            "scheme",
            "grades",
            "grade_department",
            "list_type",
            "legal_basis",
            "departments",
            "extends_to_legal_representative",
            "parameters",
            "is_active",
            "sort_order",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the change."))
        if {"grades", "parameters", "scheme", "list_type", "grade_department"} & set(self.errors):
            return cleaned
        try:
            measure_clean(
                scheme=cleaned.get("scheme"),
                grades=cleaned.get("grades"),
                list_type=cleaned.get("list_type") or "",
                parameters=cleaned.get("parameters"),
                grade_department=cleaned.get("grade_department"),
            )
        except ValidationError as exc:
            _errors_to_form(self, exc)
        return cleaned


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    form = MeasureAdminForm
    list_display = [
        "name",
        "code",
        "kind",
        "category",
        "scheme",
        "grade_department",
        "grades_text",
        "list_type",
        "extends_to_legal_representative",
        "is_active",
    ]
    list_filter = [
        "kind",
        "category",
        "scheme",
        "grade_department",
        "list_type",
        "is_active",
        "extends_to_legal_representative",
    ]
    search_fields = ["code", "name", "legal_basis"]
    list_select_related = ["scheme", "grade_department"]
    filter_horizontal = ["departments"]

    @admin.display(description=_("grades"))
    def grades_text(self, obj) -> str:
        return "、".join(obj.grades or [])

    def has_delete_permission(self, request, obj=None) -> bool:
        # Applications point at measures: a measure no longer used is deactivated, never deleted.
        return False

    def save_model(self, request, obj, form, change):
        # The form has already run the catalogue's checks.
        measure_save(
            actor=request.user,
            measure=obj,
            departments=form.cleaned_data.get("departments") or [],
            reason=form.cleaned_data.get("reason", ""),
        )

    def save_related(self, request, form, formsets, change):
        # The service has set the departments (and audited them); only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(MeasureApplication)
class MeasureApplicationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # Entered by the departments through the staff pages and the API (audited there); read-only here.
    list_display = ["applied_on", "measure", "subject", "department", "outcome", "created_by"]
    list_filter = ["outcome", "department", "measure__kind"]
    search_fields = ["=subject__code", "subject__name", "measure__name", "measure__code"]
    list_select_related = ["measure", "subject", "department", "created_by"]
    date_hierarchy = "applied_on"


class ListingTransitionInline(admin.TabularInline):
    model = ListingTransition
    fields = ["at", "actor", "from_status", "to_status", "reason", "office_read_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DepartmentListing)
class DepartmentListingAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # The departments' own lists (SPEC §3.6) are decided on the staff pages (/measures/lists/), with
    # four eyes and the subject's statement; the credit office reads them here too.
    list_display = [
        "subject",
        "department",
        "list_type",
        "status",
        "document_number",
        "ends_on",
        "proposed_at",
    ]
    list_filter = ["status", "list_type", "department"]
    search_fields = ["=subject__code", "subject__name", "document_number"]
    list_select_related = ["subject", "department"]
    date_hierarchy = "proposed_at"
    inlines = [ListingTransitionInline]
