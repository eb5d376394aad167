"""Staff pages of the registry: list with search, detail with history, register, change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accesslog.models import AccessKind
from accesslog.services import access_log_record
from accounts.permissions import is_credit_office, is_department_staff, is_staff_member
from core.pages import found_or_404, require

from .filtersets import SubjectFilterSet
from .forms import AnswererEndForm, AnswererForm, SubjectChangeForm, SubjectRegisterForm
from .models import SubjectAnswerer
from .permissions import can_change_subject, can_register_subject
from .selectors import subject_answerers, subject_get, subjects_visible_to
from .services import subject_answerer_add, subject_answerer_end, subject_register, subject_update

PAGE_SIZE = 50


def _apply_service(form, call):
    """Run a service with the form's data; its ValidationError becomes the form's errors."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


@login_required
def subject_list(request):
    require(is_staff_member(request.user))
    filterset = SubjectFilterSet(
        request.GET, queryset=subjects_visible_to(user=request.user), request=request
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "subjects/subject_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_enter": is_department_staff(request.user),
        },
    )


@login_required
def subject_detail(request, pk: int):
    subject = found_or_404(subject_get(user=request.user, pk=pk), _("No such subject."))
    # 003 §5(1): a subject's full credit file was read (the subject's own account is not logged).
    access_log_record(
        user=request.user,
        kind=AccessKind.CREDIT_FILE,
        subjects=[subject],
        description=gettext_lazy("Subject page"),
        request=request,
    )
    history = []
    if can_change_subject(request.user):
        history = subject.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "subjects/subject_detail.html",
        {
            "subject": subject,
            "answerers": subject_answerers(subject=subject) if not subject.is_natural_person else [],
            "answerer_form": AnswererForm() if can_change_subject(request.user) else None,
            "history": history,
            "can_change": can_change_subject(request.user),
            "can_see_access_log": is_credit_office(request.user),
            # The credit file (workbench) is for staff of any department and the credit office.
            "can_open_credit_file": is_staff_member(request.user),
        },
    )


@login_required
@require_POST
def answerer_add(request, pk: int):
    """Link a principal or an actual controller (004 §6(5)); the credit office only."""
    require(can_change_subject(request.user))
    subject = found_or_404(subject_get(user=request.user, pk=pk), _("No such subject."))
    form = AnswererForm(request.POST)
    if form.is_valid():
        added = _apply_service(
            form, lambda: subject_answerer_add(actor=request.user, subject=subject, **form.cleaned_data)
        )
        if added is not None:
            messages.success(request, _("Linked %(name)s.") % {"name": added.person.name})
            return redirect("subjects:detail", pk=subject.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("subjects:detail", pk=subject.pk)


@login_required
@require_POST
def answerer_end(request, pk: int, answerer_pk: int):
    """End a principal or actual controller link from a day (today by default); the row stays."""
    require(can_change_subject(request.user))
    subject = found_or_404(subject_get(user=request.user, pk=pk), _("No such subject."))
    answerer = found_or_404(
        SubjectAnswerer.objects.filter(subject=subject, pk=answerer_pk).first(), _("No such link.")
    )
    form = AnswererEndForm(request.POST)
    if form.is_valid():
        ended = _apply_service(
            form, lambda: subject_answerer_end(actor=request.user, answerer=answerer, **form.cleaned_data)
        )
        if ended is not None:
            messages.success(request, _("The link ends on %(day)s.") % {"day": ended.until.isoformat()})
            return redirect("subjects:detail", pk=subject.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("subjects:detail", pk=subject.pk)


@login_required
def subject_create(request):
    require(can_register_subject(request.user))
    form = SubjectRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = _apply_service(form, lambda: subject_register(actor=request.user, **form.cleaned_data))
        if subject is not None:
            messages.success(request, _("Registered %(name)s.") % {"name": subject.name})
            return redirect("subjects:detail", pk=subject.pk)
    return render(request, "subjects/subject_form.html", {"form": form, "title": _("Register a subject")})


@login_required
def subject_edit(request, pk: int):
    require(can_change_subject(request.user))
    subject = found_or_404(subject_get(user=request.user, pk=pk), _("No such subject."))
    representative = subject.legal_representative
    # The form shows the identity numbers whole, to the credit office that maintains the registry.
    people = [s for s in (subject, representative) if s is not None and s.is_natural_person]
    if people:
        access_log_record(
            user=request.user,
            kind=AccessKind.IDENTITY_NUMBER,
            subjects=people,
            description=gettext_lazy("Subject change form"),
            request=request,
        )
    initial = {
        "kind": subject.kind,
        "code": subject.code,
        "name": subject.name,
        "legal_representative_name": representative.name if representative else "",
        "legal_representative_id_number": representative.code if representative else "",
        "address": subject.address,
        "phone": subject.phone,
        "email": subject.email,
    }
    form = SubjectChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        updated = _apply_service(
            form, lambda: subject_update(actor=request.user, subject=subject, **form.cleaned_data)
        )
        if updated is not None:
            messages.success(request, _("Saved the changes to %(name)s.") % {"name": updated.name})
            return redirect("subjects:detail", pk=updated.pk)
    return render(
        request,
        "subjects/subject_form.html",
        {"form": form, "title": _("Change %(name)s") % {"name": subject.name}},
    )
