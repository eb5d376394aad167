"""The credit office's pages for the yearly evaluation (issue 19): start a run as of a date, watch its
chunks, review its distribution and changes, adjust a grade, publish with a confirmation. Every write
calls a service of ``grading.runs`` (the same as the ``yearly_run`` command and the admin)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import is_credit_office
from core.pages import paginate, require

from .models import EvaluationRun, Grade, RunStatus, Scheme
from .rules import grades_of_kind
from .runs import grade_adjust, run_changes, run_distribution, run_progress, run_publish, yearly_run_request

# Seconds between two looks of a running run's page.
RUN_REFRESH_SECONDS = 3


class RunStartForm(forms.Form):
    as_of = forms.DateField(
        label=gettext_lazy("As of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The day the grades are computed for: today or earlier."),
    )
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schemes = Scheme.objects.filter(owner__isnull=True).order_by("code")
        self.fields["scheme"].choices = [("", _("Every scheme"))] + [(s.code, s.name) for s in schemes]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I have reviewed the distribution and the changes: publish these grades."),
        required=True,
    )


class AdjustForm(forms.Form):
    subject_code = forms.CharField(label=gettext_lazy("Subject code"), max_length=30)
    grade = forms.CharField(label=gettext_lazy("Adjusted grade"), max_length=4, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def _form_messages(request, exc: ValidationError, form: forms.Form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@login_required
def run_list(request):
    require(is_credit_office(request.user))
    form = RunStartForm(request.POST or None, initial={"as_of": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            started = yearly_run_request(
                actor=request.user, as_of=form.cleaned_data["as_of"], scheme_code=form.cleaned_data["scheme"]
            )
        except ValidationError as exc:
            _form_messages(request, exc, form)
        else:
            for run, created, _sent in started:
                text = _("%(run)s started.") if created else _("%(run)s already existed: resumed.")
                messages.success(request, text % {"run": run})
            return (
                redirect("grading:run", pk=started[0][0].pk)
                if len(started) == 1
                else redirect("grading:runs")
            )
    runs = EvaluationRun.objects.select_related("scheme", "department", "version").order_by("-as_of", "-id")
    page, query = paginate(request, runs)
    return render(request, "grading/run_list.html", {"form": form, "page": page, "query": query})


@login_required
def run_detail(request, pk: int):
    require(is_credit_office(request.user))
    run = get_object_or_404(EvaluationRun.objects.select_related("scheme", "department", "version"), pk=pk)
    running = run.status == RunStatus.RUNNING
    context = {
        "run": run,
        "progress": run_progress(run=run),
        "running": running,
        "refresh_seconds": RUN_REFRESH_SECONDS,
        "publish_form": PublishForm(),
        "adjust_form": AdjustForm(),
        "grades": grades_of_kind(run.scheme.kind),
    }
    if not running:
        context["distribution"] = run_distribution(run=run)
        context["changes"] = run_changes(run=run, limit=50)
    response = render(request, "grading/run_detail.html", context)
    if running:
        response["Refresh"] = str(RUN_REFRESH_SECONDS)
    return response


@login_required
@require_POST
def run_publish_view(request, pk: int):
    require(is_credit_office(request.user))
    run = get_object_or_404(EvaluationRun, pk=pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to publish the run."))
        return redirect("grading:run", pk=run.pk)
    try:
        run_publish(actor=request.user, run=run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(run)s is published.") % {"run": run})
    return redirect("grading:run", pk=run.pk)


@login_required
@require_POST
def run_adjust(request, pk: int):
    require(is_credit_office(request.user))
    run = get_object_or_404(EvaluationRun, pk=pk)
    form = AdjustForm(request.POST)
    if form.is_valid():
        grade = Grade.objects.filter(
            run=run, subject__code=form.cleaned_data["subject_code"].strip().upper()
        ).first()
        if grade is None:
            messages.error(request, _("No subject with this code was graded in this run."))
        else:
            try:
                grade_adjust(
                    actor=request.user,
                    grade=grade,
                    new_grade=form.cleaned_data["grade"].strip().upper(),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request, _("The grade of %(subject)s is adjusted.") % {"subject": grade.subject.name}
                )
    else:
        messages.error(request, _("Give the subject's code, the grade and the reason."))
    return redirect("grading:run", pk=run.pk)
