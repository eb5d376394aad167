"""The access log's page in the subject's portal, and the paging both access-log pages share (the credit
office's list, which looks subjects up, is ``workbench.views.access_log_list``). Reads only, through the
selectors; each page runs a bounded number of queries."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.permissions import is_subject_user

from .selectors import access_entries_of_own_subject

PAGE_SIZE = 50


def access_log_page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def portal_access_history(request):
    """Which offices read the subject's credit file and when (003 §5(1)); staff names are not shown:
    the subject is told which office answers for the read, not who in it (our choice; the office is
    what it can object to or ask about)."""
    if not is_subject_user(request.user):
        raise PermissionDenied(_("The portal is for the accounts of enterprises and persons."))
    page = access_log_page(request, access_entries_of_own_subject(user=request.user))
    return render(request, "accesslog/portal_history.html", {"page": page, "query": ""})
