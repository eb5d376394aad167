"""Staff pages of measures: what applies to a subject now (printable), recording an applied measure,
the applications list, and the credit office's counts per measure, department and month (004 §6(3))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_credit_office, is_staff_member
from core.filters import id_from_text
from core.pages import found_or_404, paginate, require
from subjects.models import Subject
from subjects.selectors import subject_get

from .filtersets import MeasureApplicationFilterSet
from .forms import ApplicationForm
from .selectors import (
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


def _subject_chosen(request, form: ApplicationForm) -> Subject | None:
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
