"""Collects the reads a request makes and logs them in one insert once the response is ready."""

from django.contrib.auth import get_user_model

from .collector import collecting_start, collecting_stop
from .services import access_log_record_notes


class AccessLogMiddleware:
    """Placed after the authentication middleware. The page or the API response is rendered inside
    ``get_response`` (templates by ``render``, DRF responses before the middleware sees them), so
    every number shown in it has been noted by then. A token-authenticated API request has its user on
    the request too: DRF sets it on the underlying request when it authenticates."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = collecting_start()
        try:
            response = self.get_response(request)
        finally:
            notes = collecting_stop(token)
        if notes:
            self._write(request, notes)
        return response

    def _write(self, request, notes) -> None:
        user = getattr(request, "user", None)
        users = {user.pk: user} if user is not None and getattr(user, "is_authenticated", False) else {}
        missing = {n.user_id for n in notes if n.user_id is not None and n.user_id not in users}
        if missing:
            users.update(get_user_model().objects.in_bulk(missing))
        access_log_record_notes(notes=notes, users=users, request=request)
