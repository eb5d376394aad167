"""Staff pages that read across apps. The landing page's numbers come from records, objections and the
registry; the credit office's access-log list finds a subject by its code (through a POST, so the code
never ends up in an address) and shows the log's entries about it; a subject's credit file (信用档案)
gathers every department's part of the subject's record, opened for a stated purpose (004 §4(2))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accesslog.filtersets import AccessEntryFilterSet
from accesslog.models import AccessPurpose
from accesslog.selectors import access_entries_visible_to
from accesslog.services import access_log_credit_file
from accesslog.views import access_log_page
from accounts.permissions import is_credit_office
from core.pages import found_or_404
from subjects.selectors import subject_get, subject_get_by_code

from .credit_file import credit_file_grades, credit_file_sections, credit_file_subject
from .forms import CreditFilePurposeForm
from .openings import opening_get, opening_remember
from .selectors import home_summary, todo_items


@login_required
def home(request):
    """The landing page after login: what this role can do, with a few numbers."""
    return render(
        request,
        "workbench/home.html",
        {"summary": home_summary(user=request.user), "todo": todo_items(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_log_list(request):
    """Credit office only. A subject is looked up by its code through a POST (then the page is
    addressed by the subject's row id), so an identity number never ends up in an address or a log."""
    if not is_credit_office(request.user):
        raise PermissionDenied(_("Your role cannot open this page."))
    query = request.GET.copy()
    query.pop("page", None)
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()[:40]
        subject = subject_get_by_code(user=request.user, code=code) if code else None
        if subject is None:
            messages.error(request, _("No subject has that code."))
        else:
            query["subject"] = str(subject.pk)
        return redirect(f"{reverse('accesslog:list')}?{query.urlencode()}")
    filterset = AccessEntryFilterSet(request.GET, queryset=access_entries_visible_to(user=request.user))
    subject = None
    if filterset.is_valid() and filterset.form.cleaned_data.get("subject"):
        subject = subject_get(user=request.user, pk=int(filterset.form.cleaned_data["subject"]))
    return render(
        request,
        "workbench/access_log_list.html",
        {
            "filter": filterset,
            "page": access_log_page(request, filterset.qs),
            "query": query.urlencode(),
            "subject": subject,
        },
    )


# --- the credit file (信用档案, 002 §4(2)), shared on demand (004 §4(2) 按需共享) ------------------------

FILE_PAGE_SIZE = 20


def _section_pages(request, sections: dict) -> dict:
    """Each section of the file cut into pages of its own (``<section>_page``), the other sections'
    pages kept in its links."""
    pages = {}
    for name, queryset in sections.items():
        param = f"{name}_page"
        query = request.GET.copy()
        query.pop(param, None)
        pages[name] = {
            "page": Paginator(queryset, FILE_PAGE_SIZE).get_page(request.GET.get(param)),
            "param": param,
            "query": query.urlencode(),
            "anchor": name,
        }
    return pages


@login_required
@require_http_methods(["GET", "POST"])
def credit_file_open(request, pk: int):
    """Open a subject's credit file: the staff member states the purpose first (004 §4(2)). Nothing is
    shown of the file here and nothing is logged; a valid purpose opens the file, which logs it."""
    subject = found_or_404(credit_file_subject(user=request.user, pk=pk), _("No such subject."))
    # Bound on every POST, an empty one too: it is refused with the message, not shown blank.
    form = CreditFilePurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        opening_remember(
            request,
            subject_id=subject.pk,
            purpose=form.cleaned_data["purpose"],
            purpose_detail=form.cleaned_data["purpose_detail"],
        )
        return redirect("creditfile:detail", pk=subject.pk)
    return render(request, "workbench/credit_file_open.html", {"subject": subject, "form": form})


@login_required
@require_safe
def credit_file_detail(request, pk: int):
    """The credit file, for the purpose stated in this session (else the purpose is asked first).
    Every showing is logged with who, when, which subject and why (003 §5(1) 查询使用)."""
    subject = found_or_404(credit_file_subject(user=request.user, pk=pk), _("No such subject."))
    opening = opening_get(request, subject_id=subject.pk)
    if opening is not None:
        try:
            access_log_credit_file(
                user=request.user,
                subject=subject,
                purpose=opening.purpose,
                purpose_detail=opening.purpose_detail,
                request=request,
                description=gettext_lazy("Credit file"),
            )
        except ValidationError:
            opening = None
    if opening is None:
        messages.error(request, _("State the purpose for which you open the credit file."))
        return redirect("creditfile:open", pk=subject.pk)
    return render(
        request,
        "workbench/credit_file.html",
        {
            "subject": subject,
            "purpose": AccessPurpose(opening.purpose).label,
            "purpose_detail": opening.purpose_detail,
            "grades": credit_file_grades(subject=subject),
            "sections": _section_pages(request, credit_file_sections(subject=subject)),
            "sees_every_record": is_credit_office(request.user),
        },
    )
