"""The public check of a document (SPEC §5 Documents, §7): ``/verify/NUMBER/``.

Anyone holding a number sees whether it was issued, when, of which kind and for whom (a natural person
masked); whoever uploads the file learns whether it is byte for byte the one issued, and whoever holds
the file or the verification code printed on it sees what the document stated. No login; limited per
client address like the look-up."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.ratelimit import PublicPagesThrottle, rate_limited

from .selectors import document_get
from .services import (
    document_check_code,
    document_check_file,
    document_holder_shown,
    normalise_number,
    number_well_formed,
)


def read_upload(uploaded) -> bytes:
    """The uploaded file's bytes, refused with a clear message when it is too large to be ours."""
    if uploaded.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB: it is not a document this system issued.")
            % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    return b"".join(uploaded.chunks())


def document_check(*, document, content: bytes | None, code: str) -> dict:
    """What the check answers: ``file_matches`` (None when no file was given), ``code_matches`` (None
    when no code was given), and whether the content may be shown (the file matched, or the code)."""
    file_matches = document_check_file(document=document, content=content) if content is not None else None
    code_matches = document_check_code(document=document, code=code) if code else None
    return {
        "file_matches": file_matches,
        "code_matches": code_matches,
        "show_content": bool(file_matches or code_matches),
    }


@rate_limited(PublicPagesThrottle)
def verify_start(request) -> HttpResponse:
    """Where to type the number printed on a document (the QR code leads straight to its check)."""
    number = normalise_number(request.GET.get("number", ""))
    error = ""
    if number:
        if number_well_formed(number):
            return redirect("verify", number=number)
        error = _("A document number looks like XYBG-2026-7K3M9Q2XH4TZ: letters, digits and dashes.")
    return render(
        request,
        "documents/verify_start.html",
        {"number": number, "error": error},
        status=400 if error else 200,
    )


# A check changes nothing, so it needs no CSRF token (a browser without cookies works too).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited(PublicPagesThrottle)
def verify(request, number: str) -> HttpResponse:
    document = document_get(number=number)
    if document is None:
        raise Http404(_("No document was issued under this number."))
    context: dict = {
        "document": document,
        "holder": document_holder_shown(document),
        "checked": False,
        "error": "",
    }
    status = 200
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        code = (request.POST.get("code") or "").strip()
        if uploaded is None and not code:
            context["error"] = _("Choose the file you hold, or enter the verification code printed on it.")
            status = 400
        else:
            try:
                content = read_upload(uploaded) if uploaded is not None else None
            except ValidationError as exc:
                context["error"] = " ".join(exc.messages)
                status = 400
            else:
                context.update(document_check(document=document, content=content, code=code), checked=True)
    return render(request, "documents/verify.html", context, status=status)
