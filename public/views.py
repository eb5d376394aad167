"""Public pages (SPEC §1 "the public", §5 red and black lists; 002 §3(1), §4(3); 004 §6(1)): look-up by
name or code, one subject's published information, and the red and black lists. No login; rate
limited per client address; natural persons' identity numbers masked and never in an address."""

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.ratelimit import PublicIdentityThrottle, PublicPagesThrottle, rate_limited, throttled_page
from core.pages import FirstPagePaginator
from core.routers import lagging_reads
from measures.department_lists import department_listings_settle_due
from subjects.identifiers import normalize_identifier
from subjects.models import SubjectKind
from subjects.selectors import subject_public_list_code

from .profiles import public_profiles
from .selectors import (
    list_entries_public,
    public_identity_number,
    public_subject_get,
    public_subjects_search,
)

PAGE_SIZE = 20
# Six digits in a row: part of an identity number (or a code), never put into an address.
NUMBERS = re.compile(r"\d{6}")
LIST_PAGE_SIZE = 50


def _identity_budget_spent(request, text: str):
    """The 429 page if ``text`` is an identity number and the address has used its budget for those
    (SPEC §6), else ``None``."""
    if not public_identity_number(text=text):
        return None
    throttle = PublicIdentityThrottle()
    if throttle.allow_request(request, None):
        return None
    return throttled_page(request, throttle)


# A read-only search changes nothing, so it needs no CSRF token (a browser without cookies works too).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited(PublicPagesThrottle)
def lookup(request):
    """Search by part of an organisation's name or by a complete code. An exact code shows the subject
    at once, so a natural person's identity number never travels in a link."""
    # The form posts, so a typed identity number stays out of the address, the history and the logs;
    # a plain address with ?q= (a bookmark, the pages of a name search) works too.
    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q", "")) or ""
    q = q.strip()
    if request.method == "POST" and q and not NUMBERS.search(q):
        # A name posted by the search form comes back as an address with ?q= (bookmarkable); anything
        # with a run of digits — an identity number, whole or in part — is answered here and never
        # goes into an address, even where the page's script did not run.
        return redirect(f"{reverse('public:lookup')}?q={quote(q)}", permanent=False)
    context = {"q": q, "error": "", "page": None, "profile": None, "today": timezone.localdate()}
    status = 200
    spent = _identity_budget_spent(request, q)
    if spent is not None:
        return spent
    if q:
        department_listings_settle_due()  # a listing due today is in force before it is read (SPEC §3.6)
        try:
            subjects = public_subjects_search(q=q)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            status = 400
        else:
            page = FirstPagePaginator(subjects, PAGE_SIZE).get_page(request.GET.get("page"))
            found = list(page)
            if len(found) == 1 and page.paginator.count == 1 and found[0].code == normalize_identifier(q):
                context["profile"] = public_profiles(subjects=found)[0]
                if found[0].kind == SubjectKind.NATURAL_PERSON:
                    # The page never shows an identity number whole, not even as typed: not in the
                    # form, and not in the address the language switch sends back to.
                    context["q"] = ""
                    request.META["QUERY_STRING"] = ""
            else:
                context["page"] = page
                context["query"] = f"q={quote(q)}"
    return render(request, "public/lookup.html", context, status=status)


@rate_limited(PublicPagesThrottle)
def subject_detail(request, code: str):
    spent = _identity_budget_spent(request, code)
    if spent is not None:
        return spent
    try:
        subject = public_subject_get(code=code)
    except ValidationError as exc:
        return render(
            request,
            "public/lookup.html",
            {"q": "", "error": " ".join(exc.messages), "today": timezone.localdate()},
            status=400,
        )
    if subject is None:
        raise Http404(_("No subject is registered under this code."))
    department_listings_settle_due()
    return render(
        request,
        "public/subject_detail.html",
        {"profile": public_profiles(subjects=[subject])[0], "today": timezone.localdate()},
    )


@rate_limited(PublicPagesThrottle)
@lagging_reads
def list_page(request, list_type: str):
    """The red list (诚信红榜) or the black list (联合惩戒名单): the memberships in force today, on the
    county's joint list and on the departments' own lists (SPEC §3.6), each with its deciding
    department; ``keeper`` (``county`` or a department's code) shows one keeper's list."""
    today = timezone.localdate()
    department_listings_settle_due()
    keeper = (request.GET.get("keeper") or "").strip()[:20]
    entries = list_entries_public(list_type=list_type, day=today, keeper=keeper)
    page = Paginator(entries, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(entry, subject_public_list_code(entry.subject)) for entry in page]
    return render(
        request,
        "public/list.html",
        {
            "list_type": list_type,
            "page": page,
            "rows": rows,
            "today": today,
            "keeper": keeper,
            "query": f"keeper={quote(keeper)}" if keeper else "",
        },
    )
