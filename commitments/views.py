"""Pages of credit commitments and voluntary registration. Every write calls a service; every read goes
through a selector scoped to the user (another subject's commitment or registration answers 404).
The public list of commitments needs no login and masks natural persons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import is_department_staff, is_reviewer, is_subject_user
from accounts.ratelimit import PublicPagesThrottle, rate_limited
from core.actions import Action, ActionView
from core.files import file_download_view, held_files_keep, held_files_restore
from core.pages import PAGE_SIZE, form_save, found_or_404, paginate, require
from core.routers import lagging_reads
from documents.letters import letter_pdf_response
from records.selectors import record_shown_to
from subjects.selectors import subject_get_by_code, subject_public_list_code

from . import services
from .forms import BreachForm, FulfilForm, ReasonForm, SignForm, TemplateForm, VoluntaryForm
from .letters import commitment_document
from .models import CommitmentStatus, VoluntaryStatus
from .permissions import (
    can_maintain_template,
    can_record_outcome,
    can_use_commitment_pages,
    can_verify_voluntary,
    can_withdraw_voluntary,
)
from .selectors import (
    commitment_get,
    commitment_template_get,
    commitment_templates_for,
    commitments_materials_overdue,
    commitments_public,
    commitments_visible_to,
    public_subject_name,
    voluntary_entries_visible_to,
    voluntary_entry_get,
    voluntary_queue,
)


@login_required
def commitments_home(request):
    """Subject users: the templates they can sign and their commitments. Staff: the department's
    commitments, those with missing materials overdue flagged."""
    user = request.user
    require(can_use_commitment_pages(user))
    visible = commitments_visible_to(user=user)
    status = request.GET.get("status", "")
    listed = visible.filter(status=status) if status in CommitmentStatus.values else visible
    page, query = paginate(request, listed)
    return render(
        request,
        "commitments/commitment_list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": CommitmentStatus.choices,
            "is_subject_user": is_subject_user(user),
            # Subject users sign, department staff register paper ones; the credit office only reads.
            "templates": list(commitment_templates_for(user=user).filter(is_active=True)[:200])
            if is_subject_user(user) or is_department_staff(user)
            else [],
            "overdue_count": commitments_materials_overdue(queryset=visible).count(),
            "today": timezone.localdate(),
            "is_staff": is_department_staff(user),
        },
    )


@login_required
def template_list(request):
    """The department's templates, and a new one."""
    require(is_department_staff(request.user))
    form = TemplateForm(request.POST or None)
    created = form_save(
        request,
        form,
        lambda: services.commitment_template_create(
            actor=request.user, **{k: v for k, v in form.cleaned_data.items() if k != "is_active"}
        ),
    )
    if created is not None:
        messages.success(request, _("The template is saved."))
        return redirect("commitments:templates")
    templates = commitment_templates_for(user=request.user)
    return render(request, "commitments/template_list.html", {"form": form, "templates": templates[:500]})


@login_required
def template_edit(request, pk: int):
    template = found_or_404(commitment_template_get(user=request.user, pk=pk), _("No such template."))
    require(can_maintain_template(request.user, template))
    initial = {
        k: getattr(template, k) for k in ("matter", "title", "text", "materials_working_days", "is_active")
    }
    form = TemplateForm(request.POST or None, initial=initial)
    saved = form_save(
        request,
        form,
        lambda: services.commitment_template_update(
            actor=request.user, template=template, **form.cleaned_data
        ),
    )
    if saved is not None:
        messages.success(request, _("The template is saved."))
        return redirect("commitments:templates")
    return render(request, "commitments/template_form.html", {"form": form, "template": template})


@login_required
def commitment_sign(request, template_pk: int):
    """Sign online (subject user) or register a paper commitment (staff of the template's department)."""
    user = request.user
    template = commitment_template_get(user=user, pk=template_pk)
    if template is None or not template.is_active:
        raise Http404(_("No such template."))
    online = is_subject_user(user)
    require(online or can_maintain_template(user, template))
    form = SignForm(request.POST or None, with_subject=not online)

    def sign():
        subject = None
        if not online:
            subject = subject_get_by_code(user=user, code=form.cleaned_data["subject_code"])
            if subject is None:
                raise ValidationError({"subject_code": _("No registered subject has this code.")})
        return services.commitment_sign(
            actor=user,
            template=template,
            subject=subject,
            missing_materials=form.cleaned_data["missing_materials"],
            materials_due=form.cleaned_data["materials_due"],
        )

    commitment = form_save(request, form, sign)
    if commitment is not None:
        messages.success(request, _("The commitment is signed."))
        return redirect("commitments:detail", pk=commitment.pk)
    return render(request, "commitments/commitment_sign.html", {"form": form, "template": template})


def _commitment_or_404(request, pk: int):
    return found_or_404(commitment_get(user=request.user, pk=pk), _("No such commitment."))


@login_required
def commitment_pdf(request, pk: int):
    """The signed commitment as a PDF document (``/verify/NUMBER/``)."""
    commitment = _commitment_or_404(request, pk)
    return letter_pdf_response(commitment_document(commitment=commitment, actor=request.user))


@login_required
def commitment_detail(request, pk: int):
    commitment = _commitment_or_404(request, pk)
    can_outcome = (
        can_record_outcome(request.user, commitment) and commitment.status == CommitmentStatus.SIGNED
    )
    return render(
        request,
        "commitments/commitment_detail.html",
        {
            "commitment": commitment,
            "breach_record": record_shown_to(user=request.user, record=commitment.breach_record),
            "transitions": commitment.transitions.select_related("actor"),
            "can_outcome": can_outcome,
            "fulfil_form": FulfilForm(),
            "today": timezone.localdate(),
        },
    )


commitment_action = ActionView.as_view(
    actions={
        "fulfil": Action(services.commitment_fulfil, gettext_lazy("Recorded as fulfilled."), reason="note")
    },
    object_name="commitment",
    lookup=_commitment_or_404,
    detail_url="commitments:detail",
    reason_field="note",
)


@login_required
def commitment_breach(request, pk: int):
    commitment = _commitment_or_404(request, pk)
    require(can_record_outcome(request.user, commitment))
    form = BreachForm(request.POST or None)
    breached = form_save(
        request,
        form,
        lambda: services.commitment_breach(actor=request.user, commitment=commitment, **form.cleaned_data),
    )
    if breached is not None:
        messages.success(
            request, _("Recorded as breached; the record of the breach awaits review in your department.")
        )
        return redirect("commitments:detail", pk=commitment.pk)
    return render(request, "commitments/commitment_breach.html", {"form": form, "commitment": commitment})


@rate_limited(PublicPagesThrottle)
@lagging_reads
def commitments_public_list(request):
    """No login: every signed commitment (004 §3(1)); natural persons by family name and the region of
    their number only (SPEC §6, README "Natural persons on public pages"); rate limited per client
    address like every public page."""
    q = request.GET.get("q", "")
    page, query = paginate(request, commitments_public(q=q))
    rows = [
        {
            "name": public_subject_name(c.subject),
            "code": subject_public_list_code(c.subject),
            "matter": c.matter,
            "department": c.department.name,
            "signed_at": c.signed_at,
            "status": c.get_status_display(),
        }
        for c in page
    ]
    return render(
        request, "commitments/public_list.html", {"page": page, "rows": rows, "query": query, "q": q}
    )


# --- voluntary registration ---------------------------------------------------------------------


@login_required
def voluntary_list(request):
    user = request.user
    require(can_use_commitment_pages(user))
    page, query = paginate(request, voluntary_entries_visible_to(user=user))
    return render(
        request,
        "commitments/voluntary_list.html",
        {
            "page": page,
            "query": query,
            "queue": list(voluntary_queue(user=user)[:PAGE_SIZE]) if is_reviewer(user) else [],
            "is_subject_user": is_subject_user(user),
        },
    )


@login_required
def voluntary_create(request):
    require(is_subject_user(request.user) and bool(request.user.subject_id))
    form = VoluntaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST":  # a file chosen before the form came back with an error is kept
        held_files_restore(request=request, form=form, fields=["file"])

    def register():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        return services.voluntary_register(actor=request.user, files=[upload] if upload else [], **data)

    entry = form_save(request, form, register)
    if entry is not None:
        messages.success(request, _("Registered; it is shown once verified."))
        return redirect("commitments:voluntary_detail", pk=entry.pk)
    held = held_files_keep(request=request, form=form, fields=["file"]) if request.method == "POST" else []
    return render(request, "commitments/voluntary_form.html", {"form": form, "held_files": held})


def _entry_or_404(request, pk: int):
    return found_or_404(voluntary_entry_get(user=request.user, pk=pk), _("No such registration."))


@login_required
def voluntary_detail(request, pk: int):
    entry = _entry_or_404(request, pk)
    open_ = entry.status == VoluntaryStatus.SUBMITTED
    return render(
        request,
        "commitments/voluntary_detail.html",
        {
            "entry": entry,
            "positive_record": record_shown_to(user=request.user, record=entry.positive_record),
            "files": entry.files.all(),
            "transitions": entry.transitions.select_related("actor"),
            "can_verify": can_verify_voluntary(request.user, entry) and open_,
            "can_withdraw": can_withdraw_voluntary(request.user, entry) and open_,
            "reason_form": ReasonForm(),
        },
    )


SAVED = gettext_lazy("Saved.")
voluntary_action = ActionView.as_view(
    actions={
        "verify": Action(services.voluntary_verify, SAVED, reason="note"),
        "reject": Action(services.voluntary_reject, SAVED),
        "withdraw": Action(services.voluntary_withdraw, SAVED, reason=None),
    },
    object_name="entry",
    lookup=_entry_or_404,
    detail_url="commitments:voluntary_detail",
)


voluntary_file = file_download_view(lookup=_entry_or_404, files="files", file_kwarg="file_pk")
