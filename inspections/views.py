"""Pages of random inspections: the department's matters, inspector pool and plans (staff), and the
public pages of plans, draws and results (一公开, no login, natural persons masked). Every write calls
a service; every read goes through a selector scoped to the user."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import is_department_staff
from accounts.ratelimit import PublicPagesThrottle, rate_limited
from core.actions import Action, ActionView
from core.pages import form_save, found_or_404, paginate, require
from core.routers import lagging_reads
from subjects.models import SubjectKind
from subjects.selectors import subject_public_list_code

from . import selectors, services
from .forms import ConflictForm, InspectorForm, MatterForm, PlanForm, ResultForm
from .models import InspectorConflict, Outcome, PlanStatus
from .permissions import can_enter_result, can_maintain, can_use_inspection_pages

SAVED = gettext_lazy("Saved.")


def _staff_page(request):
    require(can_use_inspection_pages(request.user))


@login_required
def home(request):
    """The department's plans (its joint ones included); the credit office sees every department's."""
    _staff_page(request)
    plans = selectors.plans_with_awaiting(selectors.plans_visible_to(user=request.user))
    awaiting_only = request.GET.get("awaiting") == "1"
    if awaiting_only:  # the to-do's link: the plans with drawn subjects still without a result
        plans = plans.filter(awaiting__gt=0)
    page, query = paginate(request, plans)
    return render(
        request,
        "inspections/home.html",
        {
            "page": page,
            "query": query,
            "can_plan": is_department_staff(request.user),
            "awaiting_only": awaiting_only,
            "today": timezone.localdate(),
        },
    )


# --- matters and inspectors ------------------------------------------------------------------------------


@login_required
def matters(request):
    _staff_page(request)
    form = MatterForm(request.POST or None)
    if request.method == "POST":
        require(is_department_staff(request.user))
    saved = form_save(request, form, lambda: services.matter_save(actor=request.user, **form.cleaned_data))
    if saved is not None:
        messages.success(request, SAVED)
        return redirect("inspections:matters")
    return render(
        request,
        "inspections/matter_list.html",
        {
            "form": form,
            "matters": selectors.matters_visible_to(user=request.user)[:500],
            "can_edit": is_department_staff(request.user),
            "kinds": dict(SubjectKind.choices),
        },
    )


@login_required
def matter_edit(request, pk: int):
    matter = found_or_404(
        selectors.matters_visible_to(user=request.user).filter(pk=pk).first(), _("No such matter.")
    )
    require(can_maintain(request.user, matter))
    initial = {k: getattr(matter, k) for k in ("name", "legal_basis", "subject_kinds", "is_active")}
    form = MatterForm(request.POST or None, initial=initial)
    saved = form_save(
        request, form, lambda: services.matter_save(actor=request.user, matter=matter, **form.cleaned_data)
    )
    if saved is not None:
        messages.success(request, SAVED)
        return redirect("inspections:matters")
    return render(request, "inspections/matter_form.html", {"form": form, "matter": matter})


@login_required
def inspectors(request):
    _staff_page(request)
    form = InspectorForm(request.POST or None)
    if request.method == "POST":
        require(is_department_staff(request.user))
    saved = form_save(request, form, lambda: services.inspector_save(actor=request.user, **form.cleaned_data))
    if saved is not None:
        messages.success(request, SAVED)
        return redirect("inspections:inspectors")
    return render(
        request,
        "inspections/inspector_list.html",
        {
            "form": form,
            "inspectors": selectors.inspectors_visible_to(user=request.user)[:500],
            "can_edit": is_department_staff(request.user),
        },
    )


@login_required
def inspector_detail(request, pk: int):
    """An inspector: change the entry, and the conflicts they declared (回避)."""
    inspector = found_or_404(
        selectors.inspectors_visible_to(user=request.user).filter(pk=pk).first(), _("No such inspector.")
    )
    can_edit = can_maintain(request.user, inspector)
    initial = {k: getattr(inspector, k) for k in ("name", "certificate_number", "is_active")}
    form = InspectorForm(initial=initial)
    conflict_form = ConflictForm()
    if request.method == "POST":
        require(can_edit)
        if "declare" in request.POST:
            conflict_form = ConflictForm(request.POST)
            done = form_save(
                request,
                conflict_form,
                lambda: services.conflict_declare(
                    actor=request.user, inspector=inspector, **conflict_form.cleaned_data
                ),
            )
        else:
            form = InspectorForm(request.POST, initial=initial)
            done = form_save(
                request,
                form,
                lambda: services.inspector_save(actor=request.user, inspector=inspector, **form.cleaned_data),
            )
        if done is not None:
            messages.success(request, SAVED)
            return redirect("inspections:inspector", pk=inspector.pk)
    return render(
        request,
        "inspections/inspector_detail.html",
        {
            "inspector": inspector,
            "form": form,
            "conflict_form": conflict_form,
            "conflicts": selectors.inspector_conflicts(inspector=inspector)[:200],
            "can_edit": can_edit,
        },
    )


@login_required
def conflict_withdraw(request, pk: int):
    if request.method != "POST":
        raise Http404
    conflict = found_or_404(
        InspectorConflict.objects.filter(
            pk=pk, inspector__in=selectors.inspectors_visible_to(user=request.user)
        ).first(),
        _("No such conflict."),
    )
    services.conflict_withdraw(actor=request.user, conflict=conflict)
    messages.success(request, _("The conflict is withdrawn."))
    return redirect("inspections:inspector", pk=conflict.inspector_id)


# --- plans -------------------------------------------------------------------------------------------------


def _plan_form(request, *, plan=None):
    department = plan.department if plan else request.user.department
    ratios = plan.ratios if plan else selectors.catalogue_ratios()
    initial = {}
    if plan is not None:
        initial = {
            "title": plan.title,
            "matters": list(plan.matters.all()),
            "year": plan.year,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "scope": plan.scope,
            "subject_kinds": plan.subject_kinds,
            "partners": [d for d in plan.departments.all() if d.pk != plan.department_id],
        }
    else:
        today = timezone.localdate()
        initial = {"year": today.year, "period_start": today, "period_end": today.replace(month=12, day=31)}
    return PlanForm(request.POST or None, department=department, ratios=ratios, initial=initial)


FORM_FIELDS = {"ratios": "ratio_B"}


@login_required
def plan_create(request):
    require(is_department_staff(request.user))
    form = _plan_form(request)
    plan = form_save(
        request,
        form,
        lambda: services.plan_create(actor=request.user, **form.plan_values()),
        fields=FORM_FIELDS,
    )
    if plan is not None:
        messages.success(request, _("The plan is saved as a draft. Publish its seed hash before the draw."))
        return redirect("inspections:plan", pk=plan.pk)
    return render(request, "inspections/plan_form.html", {"form": form})


@login_required
def plan_edit(request, pk: int):
    plan = found_or_404(selectors.plan_get(user=request.user, pk=pk), _("No such plan."))
    require(can_maintain(request.user, plan))
    form = _plan_form(request, plan=plan)
    saved = form_save(
        request,
        form,
        lambda: services.plan_update(actor=request.user, plan=plan, **form.plan_values()),
        fields=FORM_FIELDS,
    )
    if saved is not None:
        messages.success(request, SAVED)
        return redirect("inspections:plan", pk=plan.pk)
    return render(request, "inspections/plan_form.html", {"form": form, "plan": plan})


@login_required
def plan_detail(request, pk: int):
    plan = found_or_404(selectors.plan_get(user=request.user, pk=pk), _("No such plan."))
    page, query = paginate(request, selectors.plan_inspections(plan=plan))
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "page": page,
            "query": query,
            "can_maintain": can_maintain(request.user, plan),
            "can_enter": can_enter_result(request.user, plan),
            "caps": selectors.caps_by_grade(),
        },
    )


def _plan_or_404(request, pk):
    return found_or_404(selectors.plan_get(user=request.user, pk=pk), _("No such plan."))


plan_action = ActionView.as_view(
    actions={
        "announce": Action(services.plan_announce, gettext_lazy("The seed hash is published."), reason=None),
        "draw": Action(
            services.plan_draw, gettext_lazy("Drawn. The seed is published with the draw."), reason=None
        ),
        "cancel": Action(services.plan_cancel, gettext_lazy("The plan is cancelled.")),
    },
    object_name="plan",
    lookup=_plan_or_404,
    detail_url="inspections:plan",
    shown=(ValidationError, PermissionDenied),
)


@login_required
def inspection_result(request, pk: int):
    inspection = found_or_404(selectors.inspection_get(user=request.user, pk=pk), _("No such inspection."))
    require(can_enter_result(request.user, inspection.plan))
    form = ResultForm(request.POST or None, initial={"inspected_on": timezone.localdate()})
    saved = form_save(
        request,
        form,
        lambda: services.inspection_result_enter(
            actor=request.user, inspection=inspection, **form.cleaned_data
        ),
    )
    if saved is not None:
        if saved.record is not None:
            messages.success(
                request,
                _("The result is saved; the record %(number)s awaits review by your department's reviewer.")
                % {"number": saved.record.document_number},
            )
        else:
            messages.success(request, _("The result is saved."))
        return redirect("inspections:plan", pk=inspection.plan_id)
    return render(request, "inspections/result_form.html", {"form": form, "inspection": inspection})


# --- public (一公开) ---------------------------------------------------------------------------------


def public_name(subject) -> str:
    """A natural person's name on public pages: the family name only (张**)."""
    if subject.kind != SubjectKind.NATURAL_PERSON:
        return subject.name
    return subject.name[:1] + "*" * max(len(subject.name) - 1, 1)


@rate_limited(PublicPagesThrottle)
@lagging_reads
def public_plans(request):
    page, query = paginate(request, selectors.plans_public(), size=20)
    return render(request, "inspections/public_list.html", {"page": page, "query": query})


@rate_limited(PublicPagesThrottle)
@lagging_reads
def public_plan(request, pk: int):
    plan = found_or_404(selectors.plan_public_get(pk=pk), _("No such plan."))
    page, query = paginate(request, selectors.plan_inspections(plan=plan), size=50)
    rows = [
        {
            "position": i.position,
            "name": public_name(i.subject),
            "code": subject_public_list_code(i.subject),
            "ident": i.ident if i.subject.kind == SubjectKind.NATURAL_PERSON else "",
            "grade": i.grade,
            "inspectors": "、".join(x["name"] for x in i.drawn_inspectors),
            "result": i.get_status_display() if selectors.result_is_public(i) else "",
            "pending": i.status == Outcome.PENDING,
            "inspected_on": i.inspected_on if selectors.result_is_public(i) else None,
            "findings": i.findings if selectors.result_is_public(i) and i.status != Outcome.PASSED else "",
        }
        for i in page
    ]
    return render(
        request,
        "inspections/public_detail.html",
        {"plan": plan, "rows": rows, "page": page, "query": query, "drawn": plan.status == PlanStatus.DRAWN},
    )


@rate_limited(PublicPagesThrottle)
@lagging_reads
def public_draw_file(request, pk: int):
    plan = found_or_404(selectors.plan_public_get(pk=pk), _("No such plan."))
    if plan.status != PlanStatus.DRAWN or not plan.draw_file:
        raise Http404(_("The plan is not drawn yet."))
    response = FileResponse(plan.draw_file.open("rb"), content_type="application/gzip")
    response["Content-Disposition"] = f'attachment; filename="draw-{plan.pk}.json.gz"'
    return response


VERIFIER = Path(__file__).resolve().parent / "verify_draw.py"


@rate_limited(PublicPagesThrottle)
def public_verifier(request):
    """The stand-alone verifier script, to download and run with any Python 3."""
    response = HttpResponse(VERIFIER.read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response
