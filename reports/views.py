"""Staff pages of the yearly summary: the year's page per scope with its charts, the spreadsheet, the
stored December 20 reports. The credit office sees the county and every department; department staff
their own department (SPEC §6). Every page reads through the selectors in a bounded number of queries."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accesslog.services import access_log_export
from accounts.models import Department
from accounts.permissions import is_credit_office, is_staff_member
from core.pages import require
from core.routers import lagging_reads
from core.xlsx import xlsx_bytes

from .charts import BEFORE_COLOUR, NOW_COLOUR, change_bars, grouped_bars
from .permissions import can_generate_reports, can_view_summary
from .quality import HEADERS as QUALITY_HEADERS
from .quality import department_quality, quality_by_department
from .selectors import MAX_YEAR, MIN_YEAR, reports_visible_to, summary_build, summary_departments_visible_to
from .services import report_file_name, year_validate
from .shared import shared_results, shared_run, shared_run_persons, shared_run_rows
from .spreadsheet import XLSX, summary_title, summary_workbook
from .tasks import generate_yearly_task


def _year(value) -> int:
    if not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise Http404(_("No summary for that year."))
    return int(value)


def _scope(request, code: str | None) -> Department | None:
    department = get_object_or_404(Department, code=code) if code else None
    require(can_view_summary(request.user, department))
    return department


def _charts(section, year: int) -> None:
    this_year = _("Year %(year)s") % {"year": year}
    last_year = _("Year %(year)s") % {"year": year - 1}
    grades = [level.grade or _("not graded") for level in section.levels]
    section.distribution_chart = grouped_bars(
        title=_("Subjects by grade: %(title)s") % {"title": section.title},
        categories=grades,
        series=[
            (last_year, [level.before for level in section.levels], BEFORE_COLOUR),
            (this_year, [level.now for level in section.levels], NOW_COLOUR),
        ],
    )
    section.change_chart = change_bars(
        title=_("Change from last year: %(title)s") % {"title": section.title},
        items=[(grade, level.delta) for grade, level in zip(grades, section.levels, strict=True)],
    )


@login_required
def summary_index(request):
    require(is_staff_member(request.user))
    try:
        year = year_validate(year=request.GET.get("year") or timezone.localdate().year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        year = timezone.localdate().year
    return render(
        request,
        "reports/summary_index.html",
        {
            "year": year,
            "departments": summary_departments_visible_to(user=request.user),
            "reports": reports_visible_to(user=request.user)[:200],
            "can_generate": can_generate_reports(request.user),
            "is_credit_office": is_credit_office(request.user),
        },
    )


@login_required
@lagging_reads
def summary_page(request, year: int, code: str | None = None):
    year = _year(year)
    department = _scope(request, code)
    summary = summary_build(year=year, department=department)
    for section in summary.grade_sections:
        if section.run is not None:
            _charts(section, year)
    xlsx_url = (
        reverse("reports:department_xlsx", args=[year, department.code])
        if department
        else reverse("reports:county_xlsx", args=[year])
    )
    return render(
        request,
        "reports/summary_page.html",
        {
            "summary": summary,
            "title": summary_title(summary),
            "xlsx_url": xlsx_url,
            "departments": summary_departments_visible_to(user=request.user) if department is None else [],
        },
    )


@login_required
@lagging_reads
def summary_xlsx(request, year: int, code: str | None = None):
    year = _year(year)
    department = _scope(request, code)
    summary = summary_build(year=year, department=department)
    response = HttpResponse(summary_workbook(summary=summary), content_type=XLSX)
    name = report_file_name(year=year, department=department)
    # 003 §5(1): an export of the year's figures (no subject in it, so one entry without a subject).
    access_log_export(user=request.user, request=request, name=name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@lagging_reads
def report_download(request, pk: int):
    require(is_staff_member(request.user))
    report = reports_visible_to(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("No such report."))
    with report.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=XLSX)
    access_log_export(user=request.user, request=request, name=report.file_name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(report.file_name)}"
    return response


@login_required
@require_POST
def reports_generate(request):
    """Generating every department's summary of a large county takes minutes: a task does it (inline
    in the embedded mode), and the stored reports appear in the list when it is done."""
    require(can_generate_reports(request.user))
    try:
        year = year_validate(year=request.POST.get("year"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:index")
    generate_yearly_task.delay(year, request.user.pk)
    messages.success(
        request,
        _("The summaries of %(year)s are being generated; they are listed under stored reports when done.")
        % {"year": year},
    )
    return redirect(f"{reverse('reports:index')}?year={year}")


@login_required
@lagging_reads
def shared_results_page(request):
    """The departments' published yearly results, shared with every department (003 §3(2))."""
    require(is_staff_member(request.user))
    try:
        year = year_validate(year=request.GET.get("year") or timezone.localdate().year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        year = timezone.localdate().year
    return render(
        request, "reports/shared_results.html", {"year": year, "results": shared_results(year=year)}
    )


@login_required
@lagging_reads
def shared_result_xlsx(request, pk: int):
    """One shared run's grades as a spreadsheet (natural persons masked), logged as an export of the
    natural persons in it (003 §5(1))."""
    require(is_staff_member(request.user))
    run = shared_run(pk=pk)
    if run is None:
        raise Http404(_("No such published department evaluation."))
    name = f"{run.department.name}{run.scheme.name}{run.as_of.isoformat()}.xlsx"
    content = xlsx_bytes(
        title=str(run.as_of.year),
        headers=[_("Subject code"), _("Subject name"), _("Grade"), _("Reasons for the grade")],
        rows=shared_run_rows(run=run),
    )
    access_log_export(
        user=request.user,
        request=request,
        name=name,
        rows=run.subjects_graded,
        subjects=list(shared_run_persons(run=run)) or None,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def quality_page(request, year: int, code: str | None = None):
    """Department data quality per month (004 §4(3)), with a chart of the year per department and the
    same figures as a spreadsheet (``?format=xlsx``)."""
    year = _year(year)
    department = _scope(request, code)
    rows = department_quality(year=year, department=department)
    headers = [_("Department"), _("Month")] + [str(h) for h in QUALITY_HEADERS]
    if request.GET.get("format") == "xlsx":
        name = f"部门数据质量-{year}{'-' + department.code if department else ''}.xlsx"
        content = xlsx_bytes(
            title=_("Department data quality")[:31],
            headers=headers,
            rows=[[r.department.name, r.month] + r.values for r in rows],
        )
        access_log_export(user=request.user, request=request, name=name)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    year_rows = quality_by_department(rows)
    chart = (
        grouped_bars(
            title=_("Records entered and returned, %(year)s") % {"year": year},
            categories=[r.department.name for r in year_rows],
            series=[
                (_("Records entered"), [r.counts["entered"] for r in year_rows], NOW_COLOUR),
                (_("Returned"), [r.counts["returned"] for r in year_rows], BEFORE_COLOUR),
            ],
        )
        if year_rows
        else ""
    )
    return render(
        request,
        "reports/quality.html",
        {"year": year, "department": department, "rows": rows, "headers": headers, "chart": chart},
    )
