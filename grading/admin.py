"""The credit office's screens in the admin: schemes and versions (validated, previewed, published),
the yearly evaluation runs under review (distribution against last year, changed subjects, each
subject's reasons, adjustment with a reason, publication), and grades."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from core.readonly_admin import ReadOnlyAdminMixin
from records.models import RecordKind

from .models import (
    EvaluationRun,
    Grade,
    GradeInForce,
    GradeInForceChange,
    RunChunk,
    RunStatus,
    Scheme,
    SchemeVersion,
    VersionStatus,
)
from .presentation import reasons_text
from .rules import LEVELS, RulesError, validate_rules
from .runs import grade_adjust, run_changes, run_distribution, run_publish
from .versions import version_copy, version_preview, version_publish


class SchemeVersionForm(forms.ModelForm):
    class Meta:
        model = SchemeVersion
        fields = [
            "scheme",
            "department",
            "number",
            "window_days",
            "record_scope",
            "scope_kinds",
            "rules",
            "note",
        ]

    def clean(self):
        cleaned = super().clean()
        scheme, rules = cleaned.get("scheme"), cleaned.get("rules")
        department = cleaned.get("department")
        # SPEC §3.6: a department scheme's versions belong to a department each; the county's to none.
        if scheme and scheme.owner_id is not None and department is None:
            self.add_error(
                "department", _("A department scheme's version belongs to a department: choose it.")
            )
        elif scheme and scheme.owner_id is None and department is not None:
            self.add_error("department", _("A county scheme's version belongs to no department."))
        number = cleaned.get("number")
        if scheme and number is not None:
            taken = SchemeVersion.objects.filter(scheme=scheme, department=department, number=number).exclude(
                pk=self.instance.pk
            )
            if taken.exists():
                self.add_error("number", _("This version number is taken; choose the next one."))
        if scheme and isinstance(rules, dict):
            known = set(RecordKind.objects.values_list("code", flat=True))
            problems = validate_rules(
                scheme.kind, rules, known_kinds=known, scope_kinds=cleaned.get("scope_kinds")
            )
            if problems:
                raise forms.ValidationError(problems)
        elif scheme and rules is not None:
            raise forms.ValidationError(_("The rules must be a JSON object."))
        return cleaned


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "owner"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    form = SchemeVersionForm
    list_display = ["scheme", "department", "number", "status", "window_days", "record_scope", "published_at"]
    list_filter = ["scheme", "department", "status"]
    list_select_related = ["scheme", "department"]
    actions = ["publish_versions", "copy_versions"]

    def get_readonly_fields(self, request, obj=None):
        # A published or retired version is evidence for the grades it gave: it never changes.
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return [f.name for f in SchemeVersion._meta.fields] + ["preview"]
        return ["status", "published_at", "published_by", "preview"]

    @admin.display(description=_("Preview against the published version"))
    def preview(self, obj):
        if obj is None or obj.pk is None or obj.status != VersionStatus.DRAFT:
            return "—"
        try:
            moves = version_preview(version=obj)
        except RulesError as exc:  # a draft saved before its rules were checked as they are now
            return str(exc)
        if not moves["moves"]:
            return _("No subject would change its grade (%(total)s subjects).") % {"total": moves["total"]}
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>→</td><td>{}</td><td>{}</td></tr>",
            ((a or "—", b or "—", n) for (a, b), n in sorted(moves["moves"].items())),
        )
        return format_html(
            "<p>{}</p><table>{}</table>", _("%(changed)s of %(total)s subjects would change:") % moves, rows
        )

    @admin.action(description=_("Publish the selected draft versions"))
    def publish_versions(self, request, queryset):
        for version in queryset:
            try:
                version_publish(actor=request.user, version=version)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(version)s is published.") % {"version": version})

    @admin.action(description=_("Copy the selected versions as new drafts"))
    def copy_versions(self, request, queryset):
        """A new draft from a version, to edit — or, with another department chosen on the draft, to
        switch that department on with its own version (SPEC §3.6: others start from the fgw rules)."""
        for version in queryset:
            draft = version_copy(actor=request.user, version=version)
            self.message_user(request, _("%(version)s is a new draft.") % {"version": draft})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnly:
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "scheme",
        "department",
        "as_of",
        "status",
        "subjects_total",
        "subjects_graded",
        "duration",
        "published_at",
    ]
    list_filter = ["scheme", "status", "as_of"]
    actions = ["publish_runs"]
    fields = [
        "scheme",
        "version",
        "department",
        "as_of",
        "status",
        "subjects_total",
        "subjects_graded",
        "chunks_total",
        "chunks_not_done",
        "started_at",
        "finished_at",
        "published_at",
        "published_by",
        "errors",
        "distribution",
        "changes",
        "grades_link",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("grading.view_evaluationrun") and obj is None

    @admin.display(description=_("Duration (seconds)"))
    def duration(self, obj):
        return obj.seconds

    @admin.display(description=_("Chunks not done"))
    def chunks_not_done(self, obj):
        """What a crash left: each chunk not done, with its attempts, its last worker and its last beat
        (a "running" chunk whose beat is older than CREDITREG_CHUNK_STALE_SECONDS is sent again)."""
        chunks = obj.chunks.exclude(status=RunChunk.Status.DONE).order_by("first_subject_id")[:50]
        if not chunks:
            return _("all done")
        rows = format_html_join(
            "",
            "<tr><td>{}–{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    c.first_subject_id,
                    c.last_subject_id,
                    c.get_status_display(),
                    c.attempts,
                    c.worker or "—",
                    date_format(localtime(c.heartbeat_at), "Y-m-d H:i:s") if c.heartbeat_at else "—",
                )
                for c in chunks
            ),
        )
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("subjects"),
            _("status"),
            _("attempts"),
            _("worker"),
            _("last heartbeat"),
            rows,
        )

    @admin.display(description=_("Distribution (this run / previous published run)"))
    def distribution(self, obj):
        rows = format_html_join(
            "",
            "<tr><td><strong>{}</strong></td><td>{}</td><td>{}</td></tr>",
            ((g or "—", now, before) for g, now, before in run_distribution(run=obj)),
        )
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("Grade"),
            _("This run"),
            _("Previous run"),
            rows,
        )

    @admin.display(description=_("Subjects whose grade changed"))
    def changes(self, obj):
        changes = run_changes(run=obj, limit=200)
        if not changes:
            return "—"
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>→ {}</td></tr>',
            (
                (
                    reverse("admin:grading_grade_change", args=[g.pk]),
                    g.subject.name,
                    before or "—",
                    g.grade or "—",
                )
                for g, before in changes
            ),
        )
        return format_html("<table>{}</table>", rows)

    @admin.display(description=_("Grades"))
    def grades_link(self, obj):
        return format_html(
            '<a href="{}?run__id__exact={}">{}</a>',
            reverse("admin:grading_grade_changelist"),
            obj.pk,
            _("All grades of this run, with filters and reasons"),
        )

    @admin.action(description=_("Publish the selected runs (their grades become the official ones)"))
    def publish_runs(self, request, queryset):
        # Irreversible (issue 19): the admin asks first, as its delete action does.
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/grading/evaluationrun/publish_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Publish the selected runs?"),
                    "runs": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for run in queryset:
            try:
                run_publish(actor=request.user, run=run)
            except ValidationError as exc:
                self.message_user(request, f"{run}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(run)s is published.") % {"run": run})


class GradeAdjustForm(forms.ModelForm):
    new_grade = forms.ChoiceField(
        label=_("Adjusted grade"), choices=[(g, g) for g in LEVELS] + [("", _("not graded"))], required=False
    )
    reason = forms.CharField(label=_("Reason for the adjustment"), widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Grade
        fields = []

    def clean(self):
        cleaned = super().clean()
        if "reason" in cleaned:
            try:
                grade_adjust(
                    actor=self.user,
                    grade=self.instance,
                    new_grade=cleaned.get("new_grade", ""),
                    reason=cleaned["reason"],
                    dry_run=True,
                )
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from None
        return cleaned


@admin.register(Grade)
class GradeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "subject",
        "scheme",
        "department",
        "grade",
        "score",
        "as_of",
        "source",
        "is_current",
        "published",
        "reason_summary",
    ]
    list_filter = [
        "scheme",
        "grade",
        "is_current",
        "published",
        "source",
        "department",
        "subject__kind",
        "run",
    ]
    search_fields = ["subject__name", "=subject__code"]
    list_select_related = ["subject", "scheme", "department"]
    form = GradeAdjustForm
    readonly_fields = [
        "subject",
        "scheme",
        "version",
        "department",
        "as_of",
        "grade",
        "score",
        "source",
        "published",
        "run",
        "reason_list",
    ]

    @admin.display(description=_("Why"))
    def reason_summary(self, obj):
        return "；".join(reasons_text(obj.reasons))[:200]

    @admin.display(description=_("Why"))
    def reason_list(self, obj):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((t,) for t in reasons_text(obj.reasons)))
        )

    def has_change_permission(self, request, obj=None) -> bool:
        # Only a grade of a run under review or published is adjusted (after publication it also
        # corrects the grade in force), and only by the credit office.
        if obj is None:
            return request.user.has_perm("grading.change_grade")
        return (
            request.user.has_perm("grading.change_grade")
            and obj.run_id is not None
            and obj.run.status in (RunStatus.COMPLETED, RunStatus.PUBLISHED)
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        grade_adjust(
            actor=request.user,
            grade=obj,
            new_grade=form.cleaned_data.get("new_grade", ""),
            reason=form.cleaned_data["reason"],
        )


@admin.register(GradeInForce)
class GradeInForceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The grades in force, as every reader shows them; written only by the grade writer."""

    list_display = [
        "subject",
        "scheme",
        "department",
        "grade",
        "basis",
        "as_of",
        "since",
        "decision",
        "reason",
    ]
    list_filter = ["scheme", "basis", "grade", "department"]
    search_fields = ["subject__name", "=subject__code"]
    list_select_related = ["subject", "scheme", "department"]


@admin.register(GradeInForceChange)
class GradeInForceChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every change of a grade in force: from what, to what, when, why, by whom, by which decision."""

    list_display = [
        "changed_at",
        "subject",
        "scheme",
        "department",
        "previous",
        "grade",
        "basis",
        "decided_by",
        "decision",
        "reason",
    ]
    list_filter = ["scheme", "basis", "department"]
    search_fields = ["subject__name", "=subject__code"]
    list_select_related = ["subject", "scheme", "department", "decided_by"]
