"""The access log's pages: the credit office's list (per subject, per user) and the subject's own view
in its portal. Reads only, through the selectors; each page runs a bounded number of queries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import is_credit_office, is_subject_user
from subjects.selectors import subject_get, subject_get_by_code

from .filtersets import AccessEntryFilterSet
from .selectors import access_entries_of_own_subject, access_entries_visible_to

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


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
        "accesslog/entry_list.html",
        {
            "filter": filterset,
            "page": _page(request, filterset.qs),
            "query": query.urlencode(),
            "subject": subject,
        },
    )


@login_required
def portal_access_history(request):
    """Which offices read the subject's credit file and when (003 §5(1)); staff names are not shown:
    the subject is told which office answers for the read, not who in it (our choice; the office is
    what it can object to or ask about)."""
    if not is_subject_user(request.user):
        raise PermissionDenied(_("The portal is for the accounts of enterprises and persons."))
    page = _page(request, access_entries_of_own_subject(user=request.user))
    return render(request, "accesslog/portal_history.html", {"page": page, "query": ""})
