"""Staff pages of measures: what applies to a subject now (printable), recording an applied measure,
the applications list, the credit office's counts per measure, department and month (004 §6(3)), and a
department's own red and black lists (SPEC §3.6): the listings page with the department's queue and
the credit office's to-do, the proposal form, a listing with its steps and actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import is_credit_office, is_department_staff, is_staff_member
from core.actions import Action, ActionView
from core.files import file_download_view, held_files_keep, held_files_restore
from core.filters import id_from_text
from core.pages import PAGE_SIZE as QUEUE_SIZE
from core.pages import form_save, found_or_404, paginate, require
from subjects.models import Subject
from subjects.selectors import subject_get

from . import department_lists
from .filtersets import DepartmentListingFilterSet, MeasureApplicationFilterSet
from .forms import ApplicationForm, ListingConsiderForm, ListingForm, ListingReasonForm
from .models import ListingStatus
from .permissions import (
    can_end_listing,
    can_propose_listing,
    can_resubmit_listing,
    can_review_listing,
    can_withdraw_listing,
)
from .selectors import (
    department_listing_get,
    department_listing_news,
    department_listing_queue,
    department_listings_visible_to,
    measure_application_counts,
    measure_applications_visible_to,
    measures_applicable,
    subject_code_checked,
)
from .services import measure_application_record
from .templatetags.measure_tags import measures_labelled

PAGE_SIZE = 50
COUNT_ROWS_PER_PAGE = 200


@login_required
def subject_measures(request, pk: int):
    """The measures that apply to a subject now, with grade and reasons; laid out to be printed."""
    require(is_staff_member(request.user))
    subject = found_or_404(subject_get(user=request.user, pk=pk), _("No such subject."))
    department_lists.department_listings_settle_due()
    return render(
        request,
        "measures/subject_measures.html",
        {
            "subject": subject,
            "items": measures_labelled(measures_applicable(subject=subject)),
            "today": timezone.localdate(),
        },
    )


@login_required
def application_list(request):
    require(is_staff_member(request.user))
    filterset = MeasureApplicationFilterSet(
        request.GET, queryset=measure_applications_visible_to(user=request.user), request=request
    )
    page, query = paginate(request, filterset.qs, size=PAGE_SIZE)
    return render(
        request,
        "measures/application_list.html",
        {"filter": filterset, "page": page, "query": query},
    )


def _subject_chosen(request, form: ApplicationForm | ListingForm) -> Subject | None:
    """The subject of the form: the one whose page it was opened from, or the one of the code typed."""
    pk = form.cleaned_data.get("subject_pk")
    if pk:
        subject = subject_get(user=request.user, pk=pk)
        if subject is None:
            form.add_error("subject_code", _("No such subject."))
        return subject
    try:
        code = subject_code_checked(code=form.cleaned_data.get("subject_code") or "")
    except ValidationError as exc:
        form.add_error("subject_code", exc.messages)
        return None
    subject = Subject.objects.filter(code=code).first()
    if subject is None:
        form.add_error("subject_code", _("No subject with the code %(code)s is registered.") % {"code": code})
    return subject


@login_required
def application_create(request):
    require(is_staff_member(request.user))
    credit_office = is_credit_office(request.user)
    preset = None
    pk_text = request.POST.get("subject_pk") or request.GET.get("subject_pk") or ""
    if subject_pk := id_from_text(pk_text):
        preset = subject_get(user=request.user, pk=subject_pk)
    initial = {
        "subject_pk": getattr(preset, "pk", None),
        "measure": request.GET.get("measure", ""),
        "applied_on": timezone.localdate(),
    }
    form = ApplicationForm(
        request.POST or None, initial=initial, can_choose_department=credit_office, subject=preset
    )
    if request.method == "POST" and form.is_valid():
        subject = _subject_chosen(request, form)
        if subject is not None:
            data = form.cleaned_data
            try:
                application = measure_application_record(
                    actor=request.user,
                    measure=data["measure"],
                    subject=subject,
                    department=data.get("department"),
                    applied_on=data["applied_on"],
                    outcome=data["outcome"],
                    matter=data.get("matter", ""),
                    outcome_note=data.get("outcome_note", ""),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Recorded: %(measure)s applied to %(name)s.")
                    % {"measure": application.measure.name, "name": subject.name},
                )
                return redirect("measures:applications")
    return render(request, "measures/application_form.html", {"form": form, "subject": preset})


@login_required
def application_counts(request):
    """Counts per measure, department and month for the credit office (one grouped query)."""
    require(is_credit_office(request.user))
    data = request.GET.copy()
    if not data.get("applied_from") and not data.get("applied_to"):
        # One year by default (the yearly summary's period, 003 §6(1)): the page stays a bounded table.
        data["applied_from"] = timezone.localdate().replace(month=1, day=1).isoformat()
    filterset = MeasureApplicationFilterSet(
        data, queryset=measure_applications_visible_to(user=request.user), request=request
    )
    rows = measure_application_counts(queryset=filterset.qs)
    page, query = paginate(request, rows, size=COUNT_ROWS_PER_PAGE)
    return render(
        request,
        "measures/application_counts.html",
        {
            "filter": filterset,
            "rows": rows,
            "page": page,
            "query": query,
            "total": sum(r["count"] for r in rows),
        },
    )


# --- a department's own red and black lists (SPEC §3.6) ----------------------------------------------------


@login_required
def listing_list(request):
    """Department staff: their department's listings, with what waits for them (proposals to review,
    statements to consider, returned proposals). The credit office: every department's, with the
    proposals and listings in force it has not read yet."""
    user = request.user
    require(is_staff_member(user))
    department_lists.department_listings_settle_due()
    filterset = DepartmentListingFilterSet(
        request.GET,
        queryset=department_listings_visible_to(user=user).order_by("-proposed_at", "-pk"),
        show_department=is_credit_office(user),
    )
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "measures/listing_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "queue": list(department_listing_queue(user=user)[:QUEUE_SIZE]),
            "news": list(department_listing_news(user=user)[:QUEUE_SIZE]),
            "can_propose": can_propose_listing(user),
        },
    )


@login_required
def listing_create(request):
    """A clerk (or reviewer) proposes a listing on their department's red or black list."""
    user = request.user
    require(can_propose_listing(user))
    preset = None
    if subject_pk := id_from_text(request.POST.get("subject_pk") or request.GET.get("subject_pk") or ""):
        preset = subject_get(user=user, pk=subject_pk)
    form = ListingForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "subject_pk": getattr(preset, "pk", None),
            "list_type": request.GET.get("list_type", ""),
            "hearing_days": department_lists.hearing_days_default(),
        },
        subject=preset,
    )
    if request.method == "POST":  # a decision file chosen before the form came back with an error is kept
        held_files_restore(request=request, form=form, fields=["decision_file"])

    def save():
        subject = _subject_chosen(request, form)
        if subject is None:
            return None
        data = form.cleaned_data
        return department_lists.listing_propose(
            actor=user,
            subject=subject,
            list_type=data["list_type"],
            reason=data.get("reason", ""),
            document_number=data.get("document_number", ""),
            decision_date=data.get("decision_date"),
            ends_on=data.get("ends_on"),
            hearing_days=data.get("hearing_days"),
            decision_file=data.get("decision_file"),
        )

    listing = form_save(request, form, save, fields={"subject": "subject_code"})
    if listing is not None:
        messages.success(request, _("The listing is proposed; a reviewer of your department decides on it."))
        return redirect("measures:listing", pk=listing.pk)
    held = (
        held_files_keep(request=request, form=form, fields=["decision_file"])
        if request.method == "POST"
        else []
    )
    return render(
        request,
        "measures/listing_form.html",
        {"form": form, "subject": preset, "title": _("Propose a listing"), "held_files": held},
    )


def _listing_or_404(request, pk: int):
    require(is_staff_member(request.user))
    return found_or_404(department_listing_get(user=request.user, pk=pk), _("No such listing."))


@login_required
def listing_detail(request, pk: int):
    department_lists.department_listings_settle_due()
    listing = _listing_or_404(request, pk)
    user = request.user
    status = listing.status
    return render(
        request,
        "measures/listing_detail.html",
        {
            "listing": listing,
            "files": listing.files.all(),
            "transitions": listing.transitions.select_related("actor"),
            "can_review": can_review_listing(user, listing) and status == ListingStatus.PROPOSED,
            "can_consider": can_review_listing(user, listing) and status == ListingStatus.STATEMENT,
            "can_resubmit": can_resubmit_listing(user, listing) and status == ListingStatus.RETURNED,
            "can_withdraw": can_withdraw_listing(user, listing)
            and status in (ListingStatus.PROPOSED, ListingStatus.RETURNED, ListingStatus.HEARING),
            "can_end": can_end_listing(user, listing) and status == ListingStatus.EFFECTIVE,
            "return_form": ListingReasonForm(auto_id="return_%s"),
            "withdraw_form": ListingReasonForm(auto_id="withdraw_%s"),
            "end_form": ListingReasonForm(auto_id="end_%s"),
            "consider_form": ListingConsiderForm(auto_id="consider_%s"),
            "today": timezone.localdate(),
        },
    )


@login_required
def listing_edit(request, pk: int):
    """A returned proposal, corrected and submitted again."""
    listing = _listing_or_404(request, pk)
    require(is_department_staff(request.user))
    initial = {
        name: getattr(listing, name)
        for name in ("reason", "document_number", "decision_date", "ends_on", "hearing_days")
    }
    form = ListingForm(request.POST or None, request.FILES or None, initial=initial, resubmit=True)
    if request.method == "POST":
        held_files_restore(request=request, form=form, fields=["decision_file"])
    saved = form_save(
        request,
        form,
        lambda: department_lists.listing_resubmit(
            actor=request.user,
            listing=listing,
            reason=form.cleaned_data.get("reason", ""),
            document_number=form.cleaned_data.get("document_number", ""),
            decision_date=form.cleaned_data.get("decision_date"),
            ends_on=form.cleaned_data.get("ends_on"),
            hearing_days=form.cleaned_data.get("hearing_days"),
            decision_file=form.cleaned_data.get("decision_file"),
        ),
    )
    if saved is not None:
        messages.success(request, _("The corrected proposal is submitted again."))
        return redirect("measures:listing", pk=listing.pk)
    return render(
        request,
        "measures/listing_form.html",
        {
            "form": form,
            "subject": listing.subject,
            "listing": listing,
            "title": _("Correct the proposal"),
            "held_files": held_files_keep(request=request, form=form, fields=["decision_file"])
            if request.method == "POST"
            else [],
        },
    )


LISTING_ACTIONS = {
    "approve": Action(
        department_lists.listing_approve,
        gettext_lazy("Approved: a red listing is in force; for a black listing the subject is told."),
        reason=None,
    ),
    "return": Action(department_lists.listing_return, gettext_lazy("The proposal is returned to the clerk.")),
    "withdraw": Action(department_lists.listing_withdraw, gettext_lazy("The listing is withdrawn.")),
    "consider": Action(
        department_lists.listing_consider,
        gettext_lazy("The statement is answered; the subject sees the answer."),
        reason="answer",
        inputs=("outcome",),
    ),
    "end": Action(department_lists.listing_remove, gettext_lazy("The listing is ended.")),
}


class ListingActionView(ActionView):
    # A role the service refuses (another reviewer's four eyes) is told why on the listing's page.
    shown = (ValidationError, PermissionDenied)


listing_action = ListingActionView.as_view(
    actions=LISTING_ACTIONS, object_name="listing", lookup=_listing_or_404, detail_url="measures:listing"
)
listing_file = file_download_view(lookup=_listing_or_404, files="files", file_kwarg="file_pk")


@login_required
@require_POST
def listing_news_read(request):
    """The credit office has read what it was told of department listings."""
    require(is_credit_office(request.user))
    department_lists.listing_news_mark_read(actor=request.user)
    return redirect("measures:listings")
