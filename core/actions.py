"""Actions on a workflow object, from a page button or an API call: one table, one view, one mixin.

An app lists its actions once (``ACTIONS = {"approve": Action(services.record_approve, _("Approved…"))}``).
``ActionView`` answers the page's POST ``…/<pk>/<action>/``: it finds the object as the user may see
it (404 otherwise, also for an unknown action), calls the service — which checks the role, the status
and the input — shows the service's refusal or the success as a message, and goes back to the
object's page. ``ActionApiMixin`` does the same for an API endpoint and answers with the object; a
refusal there reaches the project's exception handler (400 with the message, 403 for a role that may
not). Neither decides anything itself: every rule is in the service.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from rest_framework.request import Request
from rest_framework.response import Response

from .files import HELD_PREFIX, evidence_check, upload_held, upload_hold


@dataclass(frozen=True)
class Action:
    """A service to call with ``actor=`` and the object, and what the user is told when it succeeds.
    ``reason`` is the service's keyword for the text the user gave (None: the service takes none)."""

    service: Callable[..., Any]
    done: Any = ""
    reason: str | None = "reason"
    # Further keywords of the service the user gives (e.g. a decision's outcome, files): passed on
    # when given, under the same name (the API input's validated name, the page form's field name).
    inputs: tuple[str, ...] = ()

    def perform(self, *, actor, obj, object_name: str, reason: str = "", **inputs):
        kwargs = {"actor": actor, object_name: obj}
        if self.reason is not None:
            kwargs[self.reason] = reason
        kwargs |= {name: value for name, value in inputs.items() if name in self.inputs}
        return self.service(**kwargs)


def held_key(action_path: str) -> str:
    """Where the session keeps the files of a refused action until its object's page shows them."""
    return f"held-action:{action_path}"


def held_for_action(request: HttpRequest, action_path: str) -> list[tuple[str, str, str]]:
    """The files kept from the refused try of the action at ``action_path`` (once): (hidden field
    name, token, file name) for its form on the object's page."""
    return request.session.pop(held_key(action_path), []) if hasattr(request, "session") else []


def _acceptable(uploaded) -> bool:
    try:
        evidence_check(uploaded)
    except ValidationError:
        return False
    return True


def _error_messages(exc: Exception) -> list[str]:
    """The messages of a refusal, for the messages framework."""
    return list(getattr(exc, "messages", None) or [str(exc)])


class ActionView(LoginRequiredMixin, View):
    """POST ``<pk>/<action>/`` of a page; configured with ``as_view(actions=…, object_name=…,
    lookup=…, detail_url=…)``. ``lookup(request, pk)`` returns the object the user may see or raises
    Http404 (or PermissionDenied for a role that may not open such pages). ``shown`` are the refusals
    told as messages; any other (``PermissionDenied`` unless listed) takes its usual course (a 403
    page). Afterwards the user is back on the object's page (``detail_url``, a URL name taking the
    ``pk``), or on the page ``next_url`` names."""

    http_method_names = ["post"]
    actions: Mapping[str, Action] = {}
    object_name = ""
    lookup: Callable[[HttpRequest, int], Any] | None = None
    detail_url = ""
    next_url = ""
    reason_field = "reason"
    shown: tuple[type[Exception], ...] = (ValidationError,)

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        obj = self.lookup(request, pk)
        if action not in self.actions:
            raise Http404(_("No such action."))
        step = self.actions[action]
        try:
            step.perform(
                actor=request.user,
                obj=obj,
                object_name=self.object_name,
                reason=request.POST.get(self.reason_field, ""),
                **self.inputs(request, step),
            )
        except self.shown as exc:
            for message in _error_messages(exc):
                messages.error(request, message)
            # The files sent with a refused action wait for the next try (issue 19: a browser cannot
            # refill a file input): the object's page carries them in the action's form.
            held = [
                (HELD_PREFIX + name, upload_hold(user=request.user, uploaded=f), f.name)
                for name in step.inputs
                for f in request.FILES.getlist(name)
                if _acceptable(f)
            ]
            if held:
                request.session[held_key(request.path)] = held
        else:
            messages.success(request, self.done_message(step, obj))
        return self.redirect_after(request, obj)

    def done_message(self, step: Action, obj) -> str:
        """What the user is told when the step succeeded (a view may name the object)."""
        return str(step.done)

    @staticmethod
    def inputs(request: HttpRequest, step: Action) -> dict[str, Any]:
        """The step's further inputs the form sent: files by their field's name (or, where none was
        chosen, the files kept from a refused try), else the text."""
        given = {name: request.POST[name] for name in step.inputs if name in request.POST}
        files = {name: request.FILES.getlist(name) for name in step.inputs if name in request.FILES}
        for name in step.inputs:
            if name not in files:
                kept = [
                    upload_held(user=request.user, token=t) for t in request.POST.getlist(HELD_PREFIX + name)
                ]
                if any(f is not None for f in kept):
                    files[name] = [f for f in kept if f is not None]
        return given | files

    def redirect_after(self, request: HttpRequest, obj) -> HttpResponse:
        if self.next_url:
            return redirect(self.next_url)
        return redirect(self.detail_url, pk=obj.pk)


class ActionApiMixin:
    """An API endpoint ``POST …/<pk>/<action>/`` for one ``Action`` (a DRF ``APIView`` subclass sets
    ``action_name`` and the app's base sets ``actions``, ``object_name``, ``input_serializer`` and
    implements ``lookup`` (NotFound for an object the user may not see) and ``respond``)."""

    actions: Mapping[str, Action] = {}
    action_name = ""
    object_name = ""
    input_serializer: Any = None

    def lookup(self, request: Request, pk: int):  # pragma: no cover - every app's base implements it
        raise NotImplementedError

    def respond(self, request: Request, pk: int) -> Response:  # pragma: no cover - likewise
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        obj = self.lookup(request, pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        self.actions[self.action_name].perform(
            actor=request.user,
            obj=obj,
            object_name=self.object_name,
            reason=values.pop("reason", ""),
            **values,
        )
        return self.respond(request, pk)
