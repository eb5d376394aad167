"""Department pages for records: entry per kind, the department's list, the reviewer's queue, the
record with its history, and spreadsheet upload. Every write calls a service."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accesslog.services import access_log_export
from accounts.permissions import is_reviewer, is_staff_member
from core.actions import Action, ActionView
from core.files import file_download_view, held_files_keep, held_files_restore
from core.filters import id_from_text
from core.pages import found_or_404, paginate, require
from subjects.identifiers import mask_resident_ids_in_text
from subjects.selectors import identity_numbers_visible_to, subject_get

from . import services
from .blank_templates import FILE_NAMES, blank_template
from .evidence import evidence_attach
from .filtersets import CreditRecordFilterSet, ReviewQueueFilterSet
from .forms import (
    ImportForm,
    ReasonForm,
    RecordForm,
    SanctionFormSet,
    record_initial,
    sanction_initial,
    sanctions_from,
)
from .importing import TEMPLATE_LABELS, error_workbook
from .jobs import import_job_stalled, import_job_start
from .models import ImportBatch, RecordKind, RecordStatus
from .permissions import (
    EDITABLE,
    can_edit_record,
    can_enter_records,
    can_review_record,
    can_see_complainant,
    can_settle_record,
)
from .selectors import (
    record_get,
    record_versions,
    records_publication_overdue,
    records_visible_to,
    review_queue,
)
from .spreadsheets import ImportFileError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _record_or_404(request, pk: int):
    return found_or_404(record_get(user=request.user, pk=pk), _("No such record."))


def _form_errors(form, formset, exc: ValidationError) -> None:
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    for field, errors in items:
        if field == "sanctions" and formset is not None:
            formset._non_form_errors = formset.error_class(
                list(formset.non_form_errors()) + [m for e in errors for m in e.messages]
            )
        elif field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


@login_required
def record_list(request):
    require(is_staff_member(request.user))
    visible = records_visible_to(user=request.user)
    filterset = CreditRecordFilterSet(request.GET, queryset=visible, request=request)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "records/record_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "overdue_count": records_publication_overdue(queryset=visible).count(),
        },
    )


@login_required
def record_review_queue(request):
    """The reviewer's queue with filters and search (``ReviewQueueFilterSet``); a POST approves or
    returns the records ticked on the page, or the whole filtered set, each through the four-eyes
    service, and comes back to the same page and filters with what was done and refused."""
    require(can_enter_records(request.user))
    queue = review_queue(user=request.user)
    filterset = ReviewQueueFilterSet(request.GET, queryset=queue, request=request)
    if request.method == "POST":
        return _review_bulk(request, queue=queue, filtered=filterset.qs)
    records = filterset.qs.select_related("subject", "kind", "created_by")
    page, query = paginate(request, records)
    return render(
        request,
        "records/review_queue.html",
        {
            "page": page,
            "query": query,
            "filter": filterset,
            "total": page.paginator.count,
            "reason_form": ReasonForm(auto_id="bulk_%s"),
        },
    )


# Refusals listed one by one after a bulk review; the rest are counted.
REFUSALS_LISTED = 20


def _review_bulk(request, *, queue, filtered):
    back = request.get_full_path()
    if request.POST.get("scope") == "all":
        chosen = list(filtered.select_related("subject")[: services.BULK_REVIEW_MAX + 1])
    else:
        ids = [pk for pk in (id_from_text(v) for v in request.POST.getlist("ids")) if pk is not None]
        chosen = list(queue.filter(pk__in=ids).select_related("subject").order_by("publish_due", "id"))
    try:
        result = services.records_review_bulk(
            actor=request.user,
            records=chosen,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    if result.done:
        done = (
            _("Approved %(count)s records: they are effective.")
            if result.action == "approve"
            else _("Returned %(count)s records to the clerks.")
        )
        messages.success(request, done % {"count": len(result.done)})
    if result.refused:
        messages.warning(request, _("%(count)s records were not changed:") % {"count": len(result.refused)})
        for record, reason in result.refused[:REFUSALS_LISTED]:
            messages.error(request, f"{record.document_number}（{record.subject.name}）：{reason}")
        if len(result.refused) > REFUSALS_LISTED:
            messages.error(
                request, _("… and %(count)s more.") % {"count": len(result.refused) - REFUSALS_LISTED}
            )
    return redirect(back)


@login_required
def record_kind_choose(request):
    require(can_enter_records(request.user))
    subject_id = request.GET.get("subject_id", "")
    subject_pk = id_from_text(subject_id)
    subject = subject_get(user=request.user, pk=subject_pk) if subject_pk else None
    return render(
        request,
        "records/kind_choose.html",
        {
            "kinds": RecordKind.objects.filter(is_active=True),
            "subject": subject,
        },
    )


def _record_form_page(request, form, formset, *, save, done, context: dict, also_valid: bool = True):
    """The record form page. On a valid POST ``save(record_input)`` runs the service, and the evidence
    is attached, in one transaction; then ``done`` is told and the record saved is shown. Otherwise
    the form again, with the service's refusal on it."""
    if request.method == "POST":
        # Evidence chosen before the form came back with an error is kept (issue 19).
        held_files_restore(request=request, form=form, fields=["evidence"])
    if (
        request.method == "POST"
        and form.is_valid()
        and also_valid
        and (formset is None or formset.is_valid())
    ):
        record_input = form.record_input(sanctions_from(formset) if formset is not None else [])
        try:
            with transaction.atomic():
                record = save(record_input)
                if form.cleaned_data.get("evidence"):
                    evidence_attach(actor=request.user, record=record, uploaded=form.cleaned_data["evidence"])
        except ValidationError as exc:
            _form_errors(form, formset, exc)
        else:
            messages.success(request, done)
            return redirect("records:detail", pk=record.pk)
    held = (
        held_files_keep(request=request, form=form, fields=["evidence"]) if request.method == "POST" else []
    )
    return render(
        request,
        "records/record_form.html",
        {"form": form, "formset": formset, "held_files": held, **context},
    )


@login_required
def record_create(request, kind_code: str):
    require(can_enter_records(request.user))
    kind = get_object_or_404(RecordKind, code=kind_code, is_active=True)
    # Chosen from the subject look-up by row id, so an identity number never travels in an address.
    fixed = None
    subject_id = request.POST.get("subject_id") or request.GET.get("subject_id")
    if subject_pk := id_from_text(subject_id):
        fixed = subject_get(user=request.user, pk=subject_pk)
    data = request.POST if request.method == "POST" else None
    form = RecordForm(data, request.FILES or None, kind=kind, with_subject=fixed is None)
    formset = SanctionFormSet(data, prefix="sanctions") if kind.has_sanctions else None

    def save(record_input):
        return services.record_enter(
            actor=request.user,
            data=record_input,
            subject=fixed,
            subject_code=form.cleaned_data.get("subject_code", ""),
            subject_kind=form.cleaned_data.get("subject_kind", ""),
            subject_name=form.cleaned_data.get("subject_name", ""),
        )

    return _record_form_page(
        request,
        form,
        formset,
        save=save,
        done=_("Saved as a draft. Submit it for review when it is complete."),
        context={"kind": kind, "subject": fixed, "title": _("New record: %(kind)s") % {"kind": kind.name}},
    )


def _existing_record_forms(request, record):
    """The record form (and sanctions) filled from an existing record, or from the posted data."""
    data = request.POST if request.method == "POST" else None
    # 000 Art. 13: a clerk may edit a complaint without ever being shown who complained.
    sees_complainant = bool(can_see_complainant(request.user, record))
    form = RecordForm(
        data,
        request.FILES or None,
        kind=record.kind,
        with_subject=False,
        initial=record_initial(record, with_complainant=sees_complainant),
        stored_complainant=None
        if sees_complainant
        else (record.complainant_name, record.complainant_contact),
    )
    formset = None
    if record.kind.has_sanctions:
        formset = SanctionFormSet(
            data, prefix="sanctions", initial=None if data else sanction_initial(record)
        )
    return data, form, formset


@login_required
def record_edit(request, pk: int):
    record = _record_or_404(request, pk)
    require(can_edit_record(request.user, record))
    if record.status not in EDITABLE:
        messages.error(request, _("Only a draft or a returned record can be changed."))
        return redirect("records:detail", pk=record.pk)
    _data, form, formset = _existing_record_forms(request, record)
    return _record_form_page(
        request,
        form,
        formset,
        save=lambda record_input: services.record_update(
            actor=request.user, record=record, data=record_input
        ),
        done=_("Saved."),
        context={
            "kind": record.kind,
            "record": record,
            "title": _("Change record %(number)s") % {"number": record.document_number},
        },
    )


@login_required
def record_correct(request, pk: int):
    record = _record_or_404(request, pk)
    require(can_settle_record(request.user, record) and can_enter_records(request.user))
    data, form, formset = _existing_record_forms(request, record)
    reason_form = ReasonForm(data)
    return _record_form_page(
        request,
        form,
        formset,
        also_valid=reason_form.is_valid(),
        save=lambda record_input: services.record_correction_start(
            actor=request.user, record=record, data=record_input, reason=reason_form.cleaned_data["reason"]
        ),
        done=_("The correction is a new version; it replaces the record once approved."),
        context={
            "kind": record.kind,
            "record": record,
            "reason_form": reason_form,
            "title": _("Correct record %(number)s") % {"number": record.document_number},
        },
    )


@login_required
def record_detail(request, pk: int):
    record = _record_or_404(request, pk)
    user = request.user
    return render(
        request,
        "records/record_detail.html",
        {
            "record": record,
            "sanctions": record.sanctions.select_related("kind"),
            "evidence": record.evidence.all(),
            "transitions": record.transitions.select_related("actor"),
            "versions": record_versions(record=record),
            "show_complainant": can_see_complainant(user, record),
            "can_edit": can_edit_record(user, record) and record.status in EDITABLE,
            "can_review": can_review_record(user, record) and record.status == RecordStatus.SUBMITTED,
            "can_settle": can_settle_record(user, record) and record.status == RecordStatus.EFFECTIVE,
            "can_correct": (
                can_settle_record(user, record)
                and can_enter_records(user)
                and record.status == RecordStatus.EFFECTIVE
            ),
            # Why the approve button is missing for the reviewer who entered or submitted the record.
            "own_submitted": (
                record.status == RecordStatus.SUBMITTED
                and is_reviewer(user)
                and user.pk in (record.created_by_id, record.submitted_by_id)
            ),
        },
    )


# The lifecycle buttons of the record page, also the API's transition endpoints (records.api.views).
ACTIONS = {
    "submit": Action(services.record_submit, gettext_lazy("Submitted for review."), reason=None),
    "approve": Action(
        services.record_approve, gettext_lazy("Approved: the record is effective."), reason=None
    ),
    "return": Action(services.record_return, gettext_lazy("Returned to the clerk.")),
    "revoke": Action(services.record_revoke, gettext_lazy("Revoked.")),
    "repair": Action(services.record_repair, gettext_lazy("Marked as repaired: publication stopped.")),
}


class RecordActionView(ActionView):
    def done_message(self, step: Action, record) -> str:
        # Said with the record's number: from the queue, the page shows another record next.
        return f"{record.document_number}：{step.done}"

    def redirect_after(self, request, record):
        # Approved or returned from the reviewer's queue: back to the same page of the queue, with its
        # filters.
        target = request.POST.get("next", "")
        if target == "queue":
            return redirect("records:review")
        if target.startswith(reverse("records:review")) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            return redirect(target)
        return super().redirect_after(request, record)


record_action = RecordActionView.as_view(
    actions=ACTIONS, object_name="record", lookup=_record_or_404, detail_url="records:detail"
)


evidence_download = file_download_view(lookup=_record_or_404, files="evidence", file_kwarg="evidence_pk")


def _quote(name: str) -> str:
    return quote(name)


def _xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(file_name)}"
    return response


@login_required
def import_upload(request):
    require(can_enter_records(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_job_start(
                actor=request.user, upload=form.cleaned_data["file"], language=get_language()
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("records:import_result", pk=batch.pk)
    batches = ImportBatch.objects.filter(department=request.user.department).select_related("uploaded_by")[
        :20
    ]
    return render(
        request,
        "records/import_upload.html",
        {
            "form": form,
            "batches": batches,
            "templates": list(TEMPLATE_LABELS.items()),
        },
    )


def _batch_or_404(request, pk: int) -> ImportBatch:
    require(can_enter_records(request.user))
    return get_object_or_404(ImportBatch, pk=pk, department=request.user.department)


# Seconds between two looks of the result page at a running import.
IMPORT_REFRESH_SECONDS = 2


@login_required
def import_result(request, pk: int):
    """The job's state: progress while it runs (the page reloads itself), then the result."""
    batch = _batch_or_404(request, pk)
    stalled = import_job_stalled(batch)
    running = batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING) and not stalled
    errors = list(batch.errors.all()[:500])
    if _batch_masked(request, batch):
        for error in errors:
            error.message = mask_resident_ids_in_text(error.message)
    response = render(
        request,
        "records/import_result.html",
        {
            "batch": batch,
            "errors": errors,
            "running": running,
            "stalled": stalled,
            "refresh_seconds": IMPORT_REFRESH_SECONDS,
        },
    )
    if running:
        response["Refresh"] = str(IMPORT_REFRESH_SECONDS)
    return response


def _batch_masked(request, batch: ImportBatch) -> bool:
    """Identity numbers in a batch's rejected rows are masked for a colleague who neither uploaded the
    file (the uploader had every value already) nor may see identity numbers (SPEC §6; issue 13: a
    clerk read the numbers of a file a reviewer uploaded)."""
    return batch.uploaded_by_id != request.user.pk and not identity_numbers_visible_to(user=request.user)


@login_required
def import_errors_download(request, pk: int):
    batch = _batch_or_404(request, pk)
    name = f"错误行-{batch.file_name.rsplit('.', 1)[0]}.xlsx"
    content = error_workbook(batch, masked=_batch_masked(request, batch))
    # 003 §5(1): the rejected rows (names and codes as uploaded) leave the system.
    access_log_export(user=request.user, request=request, name=name, rows=batch.rows_rejected)
    return _xlsx_response(content, name)


@login_required
def import_template_download(request, template: str):
    require(can_enter_records(request.user))
    if template not in TEMPLATE_LABELS:
        raise Http404(_("No such template."))
    return _xlsx_response(blank_template(template), FILE_NAMES[template])
