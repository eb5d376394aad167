"""API plumbing shared by every app: one exception handler turns domain errors into clear 400/403s, and
one schema class documents the error answers every endpoint can give, in the shape the handler writes.

Error bodies have two shapes (both JSON objects):

- ``{"detail": TEXT}`` for 401, 403, 404, 405, 415 and 429 and a malformed request body (400);
- ``{FIELD: [TEXT, …], "non_field_errors": [TEXT, …]}`` for refused input (400); a field of a list or of
  a nested input carries an object of its own (``{"sanctions": {"0": [TEXT]}}``).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Services raise Django's ``ValidationError`` and ``PermissionDenied``; answer them as DRF would.

    A DRF ``ValidationError`` raised with a list (not keyed by field) is answered as
    ``{"non_field_errors": [...]}``, so that every 400 is an object as the schema says."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


def bad_request(request, exception):
    """400 of a request Django refuses before any view reads it — too large, too many fields, a
    malformed upload (``SuspiciousOperation``): JSON under ``/api/`` as every other API answer, a page
    in the user's language elsewhere."""
    message = _("The request cannot be processed: it is too large or malformed.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"reason": message}, status=400)


def page_not_found(request, exception):
    """404 of a URL no route matches: JSON under ``/api/`` (SPEC §7: unknown codes answer 404 as JSON,
    also a code no route can carry), the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return _error_page(request, "404.html", exception, status=404)


def permission_denied(request, exception):
    """403 page in the user's language with the service's reason (issue 19: a bare "403 Forbidden"
    hid a good Chinese reason)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exception) or _("You do not have permission.")}, status=403)
    return _error_page(request, "403.html", exception, status=403)


def _error_page(request, template: str, exception, *, status: int):
    # The reason a service or a view gave, when it is one for people (translated); Django's own
    # English texts ("No Record matches the given query.") are left out.
    text = str(exception or "")
    reason = text if text and not text.isascii() else ""
    return render(request, template, {"reason": reason, "request_path": request.path}, status=status)


ERROR_SCHEMA = {
    "type": "object",
    "description": "The reason, in the user's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "The messages keyed by field (an object of its own for an item of a list or a nested input), "
        "non_field_errors for the input as a whole, or detail for a request that could not be read."
    ),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}]},
}

ERROR_DESCRIPTIONS = {
    "400": gettext_lazy("The input was refused; the messages are keyed by field."),
    "401": gettext_lazy("Not authenticated."),
    "403": gettext_lazy("Not authenticated, or your role does not allow this."),
    "404": gettext_lazy("No such object, or one you may not see."),
    "415": gettext_lazy("The request body is not of a supported media type."),
    "429": gettext_lazy("Too many requests; try again later."),
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with every error answer an operation can give documented with its body:
    400 where there is input (a body or query parameters), 401/403 where a login or a role is needed,
    404 where the path names an object or a page is asked for, 415 where there is a body, 429 where a
    rate limit applies. An error response an ``extend_schema`` already describes keeps its description
    and gets the body if it had none. Optional query parameters accept an empty value."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            # An optional filter left empty does not filter (django-filter; a blank select of the
            # list pages sends it so), and an empty page is the first: say that "" is accepted.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        has_body = "requestBody" in operation
        codes = set()
        if has_body or any(p.get("in") == "query" for p in parameters):
            codes.add("400")
        if has_body:
            codes.add("415")
        # A path naming an object, or a page number past the last page (DRF's pagination answers 404).
        if any(p["in"] == "path" or (p["in"] == "query" and p["name"] == "page") for p in parameters):
            codes.add("404")
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes.update({"401", "403"})
        if self.view.get_throttles():
            codes.add("429")
        responses = operation.setdefault("responses", {})
        for code in sorted(codes | {c for c in responses if c in ERROR_DESCRIPTIONS}):
            response = responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
            if "content" not in response:
                response["content"] = {"application/json": {"schema": self._error_component(code)}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_component(self, code: str) -> dict:
        if code == "400":
            name, schema = "ValidationError", VALIDATION_ERROR_SCHEMA
        else:
            name, schema = "Error", ERROR_SCHEMA
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref
