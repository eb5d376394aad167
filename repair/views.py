"""Pages of credit repair: the subject's records and applications, the department's queue and paper
registration, the application with its history, and the handler's actions. Every write calls a service;
every read goes through a selector scoped to the user (another subject's application answers 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import is_department_staff, is_reviewer, is_subject_user
from core.actions import Action, ActionView
from core.files import file_download_view, held_files_keep, held_files_restore
from core.pages import PAGE_SIZE, form_save, found_or_404, paginate, require
from documents.letters import letter_pdf_response

from . import services
from .filtersets import RepairApplicationFilterSet
from .forms import PROOF_FIELD_PREFIX, ReasonForm, RepairApplicationForm
from .letters import DECIDED, repair_decision_document
from .models import RepairStatus
from .permissions import can_handle_application, can_use_repair_pages, can_withdraw_application
from .selectors import (
    repair_application_get,
    repair_applications_visible_to,
    repair_candidates_for_department,
    repair_candidates_for_subject,
    repair_queue,
    repair_record_eligibility,
    repair_record_for_application,
)


@login_required
def repair_home(request):
    """Subject users: their records (repairable now, or from when) and their applications. Staff:
    the open queue, all applications of the department, and the look-up for a paper application."""
    user = request.user
    require(can_use_repair_pages(user))
    filterset = RepairApplicationFilterSet(
        request.GET, queryset=repair_applications_visible_to(user=user), request=request
    )
    page, query = paginate(request, filterset.qs)
    q = request.GET.get("record_q", "")
    return render(
        request,
        "repair/application_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "is_subject_user": is_subject_user(user),
            "candidates": repair_candidates_for_subject(user=user) if is_subject_user(user) else [],
            "queue": list(repair_queue(user=user)[:PAGE_SIZE]) if is_reviewer(user) else [],
            "can_register": is_department_staff(user),
            "record_q": q,
            "found": repair_candidates_for_department(user=user, q=q),
            "today": timezone.localdate(),
        },
    )


@login_required
def repair_apply(request, record_pk: int):
    """File an application for one record (online, or a paper one registered by the department)."""
    require(can_use_repair_pages(request.user))
    record = found_or_404(
        repair_record_for_application(user=request.user, pk=record_pk), _("No such record.")
    )
    eligibility = repair_record_eligibility(record=record)
    form = RepairApplicationForm(request.POST or None, request.FILES or None)
    proof_fields = [name for name in form.fields if name.startswith(PROOF_FIELD_PREFIX)]
    if request.method == "POST":
        # Proofs chosen before the form came back with an error are kept (issue 19).
        held_files_restore(request=request, form=form, fields=proof_fields)
    application = form_save(
        request,
        form,
        lambda: services.repair_apply(
            actor=request.user,
            record=record,
            statement=form.cleaned_data["statement"],
            contact=form.cleaned_data["contact"],
            proofs=form.proofs(),
        ),
        fields={"proofs": PROOF_FIELD_PREFIX + "commitment"},
    )
    if application is not None:
        messages.success(request, _("The repair application is filed."))
        return redirect("repair:detail", pk=application.pk)
    held = (
        held_files_keep(request=request, form=form, fields=proof_fields) if request.method == "POST" else []
    )
    return render(
        request,
        "repair/application_form.html",
        {"record": record, "eligibility": eligibility, "form": form, "held_files": held},
    )


def _application_or_404(request, pk: int):
    return found_or_404(repair_application_get(user=request.user, pk=pk), _("No such application."))


@login_required
def repair_decision_pdf(request, pk: int):
    """The decision of an approved or refused application as a PDF document (``/verify/NUMBER/``)."""
    application = _application_or_404(request, pk)
    if application.status not in DECIDED:
        raise Http404(_("Only a decided application has a decision."))
    return letter_pdf_response(repair_decision_document(application=application, actor=request.user))


@login_required
def repair_detail(request, pk: int):
    application = _application_or_404(request, pk)
    user = request.user
    open_ = application.is_open
    return render(
        request,
        "repair/application_detail.html",
        {
            "application": application,
            "proofs": application.proofs.all(),
            "transitions": application.transitions.select_related("actor"),
            "can_accept": can_handle_application(user, application)
            and application.status == RepairStatus.SUBMITTED,
            "can_decide": can_handle_application(user, application) and open_,
            "can_approve": can_handle_application(user, application)
            and application.status == RepairStatus.ACCEPTED,
            "can_withdraw": can_withdraw_application(user, application) and open_,
            "refuse_form": ReasonForm(auto_id="refuse_%s"),
            "approve_form": ReasonForm(auto_id="approve_%s"),
        },
    )


ACTIONS = {
    "accept": Action(
        services.repair_accept, gettext_lazy("Accepted: decide by the date shown."), reason=None
    ),
    "approve": Action(
        services.repair_approve, gettext_lazy("Repair approved: the record is no longer published.")
    ),
    "refuse": Action(services.repair_refuse, gettext_lazy("Repair refused; the subject sees the reasons.")),
    "withdraw": Action(services.repair_withdraw, gettext_lazy("The application is withdrawn.")),
}

repair_action = ActionView.as_view(
    actions=ACTIONS, object_name="application", lookup=_application_or_404, detail_url="repair:detail"
)


proof_download = file_download_view(lookup=_application_or_404, files="proofs", file_kwarg="proof_pk")
