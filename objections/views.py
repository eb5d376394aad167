"""Pages of the subject portal (/portal/) and of the objection handlers (/objections/).

Every write calls a service; every read goes through a selector scoped to the user, so a subject user
reaches only its own subject (another subject's objection answers 404, as if it did not exist)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import is_staff_member, is_subject_user, is_subject_user_of
from core.actions import Action, ActionView, held_for_action
from core.files import file_download_view, held_files_keep, held_files_restore
from core.http import client_rate_key
from core.pages import errors_to_form, form_save, found_or_404, paginate, require
from documents.letters import letter_pdf_response
from grading.models import Grade
from grading.selectors import grade_in_force_changes, grades_in_force
from measures.department_lists import department_listings_settle_due, listing_state_case
from measures.selectors import (
    department_listings_told,
    department_listings_visible_to,
    list_entries_in_force,
    measures_applicable,
)
from measures.templatetags.measure_tags import measures_labelled
from records.models import CreditRecord
from records.selectors import records_of_own_subject
from subjects.selectors import subject_visible_code

from . import services
from .filtersets import ObjectionFilterSet
from .forms import (
    AccountRegisterForm,
    DecisionReasonForm,
    LinkCodeForm,
    ListingStatementForm,
    MaterialAnswerForm,
    MaterialRequestForm,
    ObjectionDecisionForm,
    ObjectionForm,
)
from .letters import objection_decision_document, objection_receipt_document
from .models import DECIDED_STATUSES, OPEN_STATUSES, ObjectionStatus, SubjectAccountRequest
from .permissions import can_handle_objection, can_verify_accounts
from .selectors import (
    account_request_for_holder,
    account_request_of,
    account_requests_for_holder,
    account_requests_pending,
    notifications_for,
    notifications_unread_count,
    objection_for_detail,
    objection_get,
    objection_queue,
    objections_visible_to,
    portal_records,
    record_objectionable,
)
from .throttles import AttemptsExceeded

# --- portal -----------------------------------------------------------------------------------------


def account_register(request):
    """Anyone may apply for a subject account. The page answers the same whatever was entered — a
    registered subject or not, a free user name or a taken one; the result goes to the e-mail given,
    and the account is linked to a subject only after verification (SPEC §6)."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = AccountRegisterForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():

        def activation_url(user) -> str:
            uidb64, token = services.subject_account_activation_token(user=user)
            return request.build_absolute_uri(reverse("portal:activate", args=[uidb64, token]))

        try:
            services.subject_account_register(
                **form.cleaned_data, client_address=client_rate_key(request), activation_url=activation_url
            )
        except AttemptsExceeded as exc:
            form.add_error(None, exc)
            status = 429
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect("portal:register_done")
    return render(request, "objections/account_register.html", {"form": form}, status=status)


def account_register_done(request):
    return render(request, "objections/account_register_done.html")


def account_activate(request, uidb64: str, token: str):
    """The link mailed at registration: confirms the address and lets the account log in."""
    try:
        services.subject_account_activate(uidb64=uidb64, token=token)
    except ValidationError as exc:
        # A redirect, not a page: the link's own text is never echoed back.
        messages.error(request, exc.messages[0])
        return redirect("login")
    messages.success(
        request,
        _("Your address is confirmed. Log in to follow your request; it is linked after verification."),
    )
    return redirect("login")


def _subject_user(request):
    user = request.user
    if not is_subject_user(user):
        raise PermissionDenied(_("The portal is for the accounts of enterprises and persons."))
    return user


@login_required
def portal_home(request):
    user = _subject_user(request)
    if not user.subject_id:
        return render(
            request,
            "objections/portal_pending.html",
            {"account": account_request_of(user=user), "code_form": LinkCodeForm()},
        )
    subject = user.subject
    department_listings_settle_due()  # a listing due today is in force before it is read (SPEC §3.6)
    records = list(portal_records(user=user)[:200])
    for record in records:
        record.can_object = record_objectionable(record)
    grades = grades_in_force(subject_ids=[subject.pk])
    open_grade_ids = set(
        objections_visible_to(user=user)
        .filter(grade_id__in=[g.stands_on_id for g in grades], status__in=OPEN_STATUSES)
        .values_list("grade_id", flat=True)
    )
    for grade in grades:
        grade.can_object = grade.stands_on_id not in open_grade_ids
    return render(
        request,
        "objections/portal_home.html",
        {
            "subject": subject,
            "records": records,
            "grades": grades,
            "grade_changes": grade_in_force_changes(subject_id=subject.pk),
            "measures": _measures(subject),
            "list_entries": list(list_entries_in_force(subject_ids=[subject.pk])),
            "department_listings": department_listings_told(user=user),
            "today": timezone.localdate(),
            "objections": objections_visible_to(user=user).order_by("-submitted_at", "-id")[:100],
            "notifications": notifications_for(user=user, limit=10),
            "unread": notifications_unread_count(user=user),
            "link_requests": account_requests_for_holder(user=user),
        },
    )


@login_required
@require_POST
def link_code_send(request):
    """Send a one-time code to the contact on record of the subject the pending request names."""
    user = _subject_user(request)
    try:
        services.link_code_send(user=user, client_address=client_rate_key(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "If the registry holds a contact for this subject, a code was sent to it, valid for "
                "%(minutes)s minutes. Ask the subject's contact for it and enter it below."
            )
            % {"minutes": services.link_code_minutes()},
        )
    return redirect("portal:home")


@login_required
@require_POST
def link_code_enter(request):
    user = _subject_user(request)
    form = LinkCodeForm(request.POST)
    if form.is_valid():
        try:
            services.link_code_check(
                user=user, code=form.cleaned_data["code"], client_address=client_rate_key(request)
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your account is linked to its subject."))
    else:
        messages.error(request, _("Enter the code."))
    return redirect("portal:home")


def _holder_request_or_404(request, pk: int):
    return found_or_404(
        account_request_for_holder(actor=_subject_user(request), pk=pk), _("No such request.")
    )


def _told_listing_or_404(request, pk: int):
    user = _subject_user(request)
    return found_or_404(
        department_listings_visible_to(user=user).filter(pk=pk).first(), _("No such listing.")
    )


@login_required
def portal_listing(request, pk: int):
    """A department's listing the subject was told of (SPEC §3.6): the decision, the period to state
    its case, and the statement form while that period runs; afterwards the statement and the
    department's answer."""
    department_listings_settle_due()
    listing = _told_listing_or_404(request, pk)
    form = ListingStatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST":  # files chosen before the form came back with an error are kept
        held_files_restore(request=request, form=form, fields=["files"])
    stated = form_save(
        request,
        form,
        lambda: listing_state_case(
            actor=request.user,
            listing=listing,
            statement=form.cleaned_data.get("statement", ""),
            files=form.cleaned_data.get("files") or [],
        ),
    )
    if stated is not None:
        messages.success(request, _("Your statement is filed; the department considers it before deciding."))
        return redirect("portal:listing", pk=listing.pk)
    today = timezone.localdate()
    return render(
        request,
        "objections/portal_listing.html",
        {
            "listing": listing,
            "files": listing.files.all(),
            "form": form,
            "can_state": listing.statement_open(today),
            "today": today,
            "held_files": held_files_keep(request=request, form=form, fields=["files"])
            if request.method == "POST"
            else [],
        },
    )


portal_listing_file = file_download_view(lookup=_told_listing_or_404, files="files", file_kwarg="file_pk")


# An account already linked to the subject approves (or declines) a new account of it.
link_request_decide = ActionView.as_view(
    actions={
        "approve": Action(
            services.subject_account_holder_approve,
            gettext_lazy("The account is linked to your subject."),
            reason=None,
        ),
        "decline": Action(services.subject_account_holder_decline, gettext_lazy("The request is declined.")),
    },
    object_name="request",
    lookup=_holder_request_or_404,
    next_url="portal:home",
    shown=(ValidationError, PermissionDenied),
)


def _measures(subject) -> list[dict]:
    """The measures that apply to the subject now (its grades and list memberships), worded as on the
    staff's subject page."""
    return measures_labelled(measures_applicable(subject=subject))


def _file(request, *, record=None, grade=None):
    form = ObjectionForm(request.POST or None, request.FILES or None, record=record)
    if request.method == "POST":  # evidence chosen before the form came back with an error is kept
        held_files_restore(request=request, form=form, fields=["evidence"])
    objection = form_save(
        request,
        form,
        lambda: services.objection_file(
            actor=request.user,
            reasons=form.cleaned_data["reasons"],
            record=record,
            grade=grade,
            field=form.cleaned_data.get("field", ""),
            claimed_value=form.cleaned_data.get("claimed_value", ""),
            files=form.cleaned_data["evidence"],
        ),
    )
    if objection is not None:
        messages.success(
            request,
            _("Your objection %(number)s is filed; it is to be handled by %(deadline)s.")
            % {"number": objection.number, "deadline": objection.deadline.isoformat()},
        )
        return redirect("objections:detail", pk=objection.pk)
    return render(
        request,
        "objections/objection_form.html",
        {
            "form": form,
            "record": record,
            "grade": grade,
            "deadline": services.objection_deadline(filed_on=timezone.localdate()),
            "held_files": held_files_keep(request=request, form=form, fields=["evidence"])
            if request.method == "POST"
            else [],
        },
    )


@login_required
def objection_new_record(request, pk: int):
    user = _subject_user(request)
    record = records_of_own_subject(user=user).filter(pk=pk).first()
    return _file(request, record=found_or_404(record, _("No such record.")))


@login_required
def objection_new_grade(request, pk: int):
    user = _subject_user(request)
    grade = (
        Grade.objects.filter(pk=pk, subject_id=user.subject_id, subject_id__isnull=False)
        .select_related("scheme", "subject")
        .first()
    )
    return _file(request, grade=found_or_404(grade, _("No such grade.")))


@login_required
def notifications(request):
    user = _subject_user(request)
    if request.method == "POST":
        services.notifications_mark_read(user=user)
        return redirect("portal:notifications")
    return render(
        request, "objections/notifications.html", {"notifications": notifications_for(user=user, limit=200)}
    )


# --- objections (handlers, and the subject's own view of its objection) ----------------------------


@login_required
def objection_list(request):
    require(is_staff_member(request.user))
    queue = list(objection_queue(user=request.user)[:200])
    filterset = ObjectionFilterSet(
        request.GET, queryset=objections_visible_to(user=request.user).order_by("-submitted_at", "-id")
    )
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "objections/objection_list.html",
        {"queue": queue, "filter": filterset, "page": page, "query": query},
    )


def _objection_or_404(request, pk: int):
    return found_or_404(objection_get(user=request.user, pk=pk), _("No such objection."))


@login_required
def objection_detail(request, pk: int):
    objection = objection_for_detail(_objection_or_404(request, pk))
    can_handle = can_handle_objection(request.user, objection)
    correction_started = (
        objection.record_id is not None
        and not objection.field
        and CreditRecord.objects.filter(replaces_id=objection.record_id).exists()
    )
    can_decide = can_handle and objection.status in (ObjectionStatus.SUBMITTED, ObjectionStatus.ACCEPTED)
    levels = services.grade_levels(objection.grade) if objection.grade_id else ()
    return render(
        request,
        "objections/objection_detail.html",
        {
            "objection": objection,
            "can_accept": can_handle and objection.status == ObjectionStatus.SUBMITTED,
            "can_decide": can_decide,
            "can_request_material": can_decide and objection.material_requested_on is None,
            "can_answer": objection.status == ObjectionStatus.MATERIAL_REQUESTED
            and is_subject_user_of(request.user, objection.subject),
            "correction_started": correction_started,
            # Who handled it is the office's business: the subject reads the steps and the reasons.
            "show_actors": is_staff_member(request.user),
            "form": ObjectionDecisionForm(objection=objection, levels=levels),
            "material_form": MaterialRequestForm(),
            "answer_form": MaterialAnswerForm(),
            "held_files": held_for_action(
                request, reverse("objections:action", args=[objection.pk, "answer"])
            ),
        },
    )


def _letter_context(request, objection) -> dict:
    subject = objection.subject
    return {
        "objection": objection,
        "subject_code": subject_visible_code(user=request.user, subject=subject),
        "is_person": subject.is_natural_person,
        "field_label": objection.get_field_display() if objection.field else "",
    }


@login_required
def objection_receipt(request, pk: int):
    """The receipt (回执) of the objection, to print: its number, what it is against, the due date
    (003 §5(2): handled within 5 working days)."""
    objection = _objection_or_404(request, pk)
    return render(request, "objections/objection_receipt.html", _letter_context(request, objection))


@login_required
def objection_decision_letter(request, pk: int):
    """The decision letter (异议处理决定书), to print: the outcome, the reasons, what was done to the
    record or the grade. Only a decided objection has one."""
    objection = _objection_or_404(request, pk)
    if objection.status not in DECIDED_STATUSES:
        raise Http404(_("Only a decided objection has a decision letter."))
    return render(request, "objections/objection_decision.html", _letter_context(request, objection))


@login_required
def objection_receipt_pdf(request, pk: int):
    """The receipt as a PDF document, checkable at ``/verify/NUMBER/``: issued once, the same file after."""
    objection = _objection_or_404(request, pk)
    return letter_pdf_response(objection_receipt_document(objection=objection, actor=request.user))


@login_required
def objection_decision_pdf(request, pk: int):
    """The decision letter as a PDF document; only a decided objection has one."""
    objection = _objection_or_404(request, pk)
    if objection.status not in DECIDED_STATUSES:
        raise Http404(_("Only a decided objection has a decision letter."))
    return letter_pdf_response(objection_decision_document(objection=objection, actor=request.user))


ACTIONS = {
    "accept": Action(services.objection_accept, gettext_lazy("Accepted for handling.")),
    "request-material": Action(
        services.objection_material_request,
        gettext_lazy("Material requested; the clock stops until the subject answers."),
    ),
    "uphold": Action(services.objection_uphold, gettext_lazy("Upheld."), inputs=("corrected_grade",)),
    "partly-uphold": Action(
        services.objection_partly_uphold,
        gettext_lazy("Partly upheld."),
        inputs=("corrected_value", "corrected_grade"),
    ),
    "reject": Action(services.objection_reject, gettext_lazy("Rejected; the subject is given the reasons.")),
    # The API's one decision endpoint (``outcome``); the page has a button per outcome.
    "decide": Action(
        services.objection_decide,
        gettext_lazy("Decided."),
        inputs=("outcome", "corrected_value", "corrected_grade"),
    ),
    # The subject's answer to the request for material, with files.
    "answer": Action(
        services.objection_answer,
        gettext_lazy("Your answer is sent; the clock runs again."),
        inputs=("files",),
    ),
}

# A handler of another department, or a subject user, is told so on the objection's page.
objection_action = ActionView.as_view(
    actions=ACTIONS,
    object_name="objection",
    lookup=_objection_or_404,
    detail_url="objections:detail",
    shown=(ValidationError, PermissionDenied),
)


objection_evidence = file_download_view(lookup=_objection_or_404, files="evidence", file_kwarg="evidence_pk")


# --- account verification by the credit office ------------------------------------------------------


@login_required
def account_requests(request):
    require(can_verify_accounts(request.user))
    return render(
        request,
        "objections/account_requests.html",
        {"requests": account_requests_pending()[:200], "form": DecisionReasonForm()},
    )


def _account_request_or_404(request, pk: int):
    require(can_verify_accounts(request.user))
    return get_object_or_404(SubjectAccountRequest, pk=pk)


account_request_decide = ActionView.as_view(
    actions={
        "verify": Action(
            services.subject_account_verify, gettext_lazy("Verified: the account is linked to its subject.")
        ),
        "reject": Action(
            services.subject_account_reject, gettext_lazy("Not verified; the applicant is told why.")
        ),
    },
    object_name="request",
    lookup=_account_request_or_404,
    next_url="objections:account_requests",
)
