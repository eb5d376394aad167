"""Staff pages that read across apps. The landing page's numbers come from records, objections and the
registry; the credit office's access-log list finds a subject by its code (through a POST, so the code
never ends up in an address) and shows the log's entries about it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accesslog.filtersets import AccessEntryFilterSet
from accesslog.selectors import access_entries_visible_to
from accesslog.views import access_log_page
from accounts.permissions import is_credit_office
from subjects.selectors import subject_get, subject_get_by_code

from .selectors import home_summary


@login_required
def home(request):
    """The landing page after login: what this role can do, with a few numbers."""
    return render(request, "workbench/home.html", {"summary": home_summary(user=request.user)})


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
