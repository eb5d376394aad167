"""Downloading a credit report (004 §3(3), §5(3)): a subject downloads its own from the portal (the full
version, or the public one to hand to a bank or a tender); staff produce either version for a subject
they may see, each logged in the access log with the report's number. Each download issues a new
document, checkable at ``/verify/NUMBER/``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_staff_member, is_subject_user
from documents.letters import letter_pdf_response as pdf_response
from measures.department_lists import department_listings_settle_due
from subjects.selectors import subject_get

from .services import credit_report_issue


def _full(request) -> bool:
    return request.POST.get("version", "full") != "public"


@login_required
@require_POST
def portal_report(request):
    """The subject's own credit report, from its portal: the full version unless ``version=public``."""
    user = request.user
    if not is_subject_user(user) or not user.subject_id:
        raise PermissionDenied(_("Only a verified subject account downloads its own credit report."))
    department_listings_settle_due()
    return pdf_response(
        credit_report_issue(subject=user.subject, full=_full(request), actor=user, request=request)
    )


@login_required
@require_POST
def staff_report(request, pk: int):
    """A subject's credit report produced by staff (either version), logged with its number."""
    if not is_staff_member(request.user):
        raise PermissionDenied(_("Only staff produce a subject's credit report."))
    subject = subject_get(user=request.user, pk=pk)
    if subject is None:
        raise Http404(_("No such subject."))
    department_listings_settle_due()
    return pdf_response(
        credit_report_issue(subject=subject, full=_full(request), actor=request.user, request=request)
    )
