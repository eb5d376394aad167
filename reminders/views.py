"""Department pages for reminders and interviews: what is due and overdue, one reminder with its
registration, rectification and cancellation, and the printable written reminder letter. Every write
calls a service (000 Art. 12, 001 Art. 14, 004 §6(2))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pages import found_or_404, paginate, require
from documents.letters import letter_pdf_response
from subjects.selectors import subject_visible_code

from . import services
from .filtersets import ReminderFilterSet
from .forms import CancelForm, PersonFormSet, RectifyForm, ReminderRegisterForm
from .letters import reminder_letter_document
from .models import ReminderMethod, ReminderStatus
from .permissions import can_handle_reminder, can_see_reminders
from .selectors import reminder_get, reminders_visible_to, reminders_with_overdue


def _reminder_or_404(request, pk: int):
    return found_or_404(reminder_get(user=request.user, pk=pk), _("No such reminder or interview."))


def _errors_onto(form, exc: ValidationError) -> list[str]:
    """Put the service's messages on the form; return those that belong to no field."""
    loose = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    for field, errors in items:
        messages_ = [m for e in errors for m in e.messages]
        if field in form.fields:
            for message in messages_:
                form.add_error(field, message)
        else:
            loose.extend(messages_)
    return loose


@login_required
def reminder_list(request):
    """What the department has to do: due reminders and interviews, the overdue ones first."""
    require(can_see_reminders(request.user))
    data = request.GET.copy()
    if not data:
        data["status"] = ReminderStatus.DUE
    visible = reminders_with_overdue(reminders_visible_to(user=request.user))
    filterset = ReminderFilterSet(data, queryset=visible.order_by("due_date", "id"), request=request)
    page, query = paginate(request, filterset.qs, params=data)
    today = timezone.localdate()
    due = visible.filter(status=ReminderStatus.DUE)
    return render(
        request,
        "reminders/reminder_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "due_count": due.count(),
            "overdue_count": due.filter(due_date__lt=today).count(),
        },
    )


def _detail_context(request, reminder, **forms) -> dict:
    can_handle = can_handle_reminder(request.user, reminder)
    context = {
        "reminder": reminder,
        "subject_code": subject_visible_code(user=request.user, subject=reminder.subject),
        "transitions": reminder.transitions.select_related("actor"),
        "follow_ups": reminder.follow_ups.all(),
        "can_handle": can_handle,
        "loose_errors": forms.pop("loose_errors", []),
    }
    if can_handle and reminder.status == ReminderStatus.DUE:
        context["register_form"] = forms.get("register_form") or ReminderRegisterForm(
            methods=services.allowed_methods(reminder)
        )
        context["persons"] = forms.get("persons") or PersonFormSet(prefix="persons")
        context["cancel_form"] = forms.get("cancel_form") or CancelForm()
    if can_handle and reminder.status == ReminderStatus.DONE:
        context["rectify_form"] = forms.get("rectify_form") or RectifyForm()
    return context


@login_required
def reminder_detail(request, pk: int):
    reminder = _reminder_or_404(request, pk)
    if request.method != "POST":
        return render(request, "reminders/reminder_detail.html", _detail_context(request, reminder))
    require(can_handle_reminder(request.user, reminder))
    form = ReminderRegisterForm(request.POST, methods=services.allowed_methods(reminder))
    persons = PersonFormSet(request.POST, prefix="persons")
    loose = []
    if form.is_valid() and persons.is_valid():
        values = form.cleaned_data
        try:
            services.reminder_register(
                actor=request.user,
                reminder=reminder,
                method=values["method"],
                interview_type=values["interview_type"],
                held_at=values["held_at"],
                place=values["place"],
                content=values["content"],
                rectification_deadline=values["rectification_deadline"],
                persons=[
                    services.PersonInput(p.get("name", ""), p.get("role", ""), p.get("position", ""))
                    for p in persons.cleaned_data
                    if p
                ],
            )
        except ValidationError as exc:
            loose = _errors_onto(form, exc)
        else:
            messages.success(request, _("Registered and reported to the platform."))
            return redirect("reminders:detail", pk=reminder.pk)
    context = _detail_context(request, reminder, register_form=form, persons=persons, loose_errors=loose)
    return render(request, "reminders/reminder_detail.html", context, status=400)


@login_required
@require_POST
def reminder_action(request, pk: int, action: str):
    reminder = _reminder_or_404(request, pk)
    require(can_handle_reminder(request.user, reminder))
    if action == "rectify":
        form, key = RectifyForm(request.POST), "rectify_form"
    elif action == "cancel":
        form, key = CancelForm(request.POST), "cancel_form"
    else:
        raise Http404(_("No such action."))
    loose = []
    if form.is_valid():
        try:
            if action == "rectify":
                services.reminder_rectify(actor=request.user, reminder=reminder, **form.cleaned_data)
                messages.success(request, _("Marked as rectified."))
            else:
                services.reminder_cancel(actor=request.user, reminder=reminder, **form.cleaned_data)
                messages.success(request, _("Cancelled."))
            return redirect("reminders:detail", pk=reminder.pk)
        except ValidationError as exc:
            loose = _errors_onto(form, exc)
    reminder = _reminder_or_404(request, pk)
    context = _detail_context(request, reminder, loose_errors=loose, **{key: form})
    return render(request, "reminders/reminder_detail.html", context, status=400)


@login_required
def reminder_letter_pdf(request, pk: int):
    """The written reminder letter as a PDF document, checkable at ``/verify/NUMBER/``."""
    reminder = _reminder_or_404(request, pk)
    if reminder.method != ReminderMethod.WRITTEN or reminder.held_at is None:
        raise Http404(_("Only a registered written reminder has a letter."))
    return letter_pdf_response(reminder_letter_document(reminder=reminder, actor=request.user))


@login_required
def reminder_letter(request, pk: int):
    """The written reminder letter (书面信用提醒函) to print and send (000 Art. 12: "应当将失信信息书面
    通知当事人，提醒其纠正和规范相关行为")."""
    reminder = _reminder_or_404(request, pk)
    if reminder.method != ReminderMethod.WRITTEN or reminder.held_at is None:
        raise Http404(_("Only a registered written reminder has a letter."))
    return render(
        request,
        "reminders/reminder_letter.html",
        {
            "reminder": reminder,
            "record": reminder.record,
            "subject_code": subject_visible_code(user=request.user, subject=reminder.subject),
            "is_person": reminder.subject.is_natural_person,
        },
    )
