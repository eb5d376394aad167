"""Objections API (SPEC §7): the objections the user may see (a subject user its own subject's;
department staff their department's; the credit office all), through the same selectors as the pages;
filing by a subject account, the handler's steps and the subject's answer through the same services
(and the same table of actions) as the pages. A refusal answers 400 or 403 with the reason in the
user's language, and nothing is changed; an objection the user may not see answers 404."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_subject_user
from core.actions import ActionApiMixin
from grading.models import Grade
from records.selectors import records_of_own_subject

from .. import services
from ..filtersets import ObjectionFilterSet
from ..models import Objection
from ..selectors import objection_for_detail, objection_get, objections_visible_to
from ..views import ACTIONS
from .serializers import (
    ObjectionAnswerInputSerializer,
    ObjectionCreateInputSerializer,
    ObjectionDecideInputSerializer,
    ObjectionDetailOutputSerializer,
    ObjectionListOutputSerializer,
    ObjectionReasonInputSerializer,
)

PARSERS = [JSONParser, MultiPartParser, FormParser]
ACTION_RESPONSES = {
    200: ObjectionDetailOutputSerializer,
    400: OpenApiResponse(description=gettext_lazy("Refused: the status does not allow it, or the input.")),
    403: OpenApiResponse(description=gettext_lazy("Your role does not handle (or answer for) it.")),
    404: OpenApiResponse(description=gettext_lazy("No such objection, or one you may not see.")),
}


def _detail_response(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    objection = objection_get(user=request.user, pk=pk)
    if objection is None:
        raise NotFound()
    return Response(
        ObjectionDetailOutputSerializer(objection_for_detail(objection), context={"request": request}).data,
        status=code,
    )


class ObjectionListApi(generics.ListAPIView):
    """The objections the user may see, newest first; a subject account files one (SPEC §7)."""

    serializer_class = ObjectionListOutputSerializer
    filterset_class = ObjectionFilterSet
    permission_classes = [IsAuthenticated]
    parser_classes = PARSERS
    queryset = Objection.objects.none()

    def get_queryset(self):
        return objections_visible_to(user=self.request.user).order_by("-submitted_at", "-id")

    @extend_schema(
        request={
            "application/json": ObjectionCreateInputSerializer,
            "multipart/form-data": ObjectionCreateInputSerializer,
        },
        responses={
            201: ObjectionDetailOutputSerializer,
            400: OpenApiResponse(
                description=gettext_lazy("The input was refused; the messages are keyed by field.")
            ),
            403: OpenApiResponse(
                description=gettext_lazy("Only a verified subject account files objections.")
            ),
        },
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if not (is_subject_user(user) and user.subject_id):
            raise PermissionDenied(_("Only a verified account of the subject files objections about it."))
        data = ObjectionCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        record = grade = None
        if values.get("record"):
            record = records_of_own_subject(user=user).filter(pk=values["record"]).first()
            if record is None:
                raise ValidationError({"record": [_("No such record of your subject.")]})
        if values.get("grade"):
            grade = Grade.objects.filter(pk=values["grade"], subject_id=user.subject_id).first()
            if grade is None:
                raise ValidationError({"grade": [_("No such grade of your subject.")]})
        objection = services.objection_file(
            actor=user,
            reasons=values["reason"],
            record=record,
            grade=grade,
            field=values["field"],
            claimed_value=values["claimed_value"],
            files=values["evidence"],
        )
        return _detail_response(request, objection.pk, code=status.HTTP_201_CREATED)


class ObjectionDetailApi(APIView):
    """One objection with its evidence and status history."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ObjectionDetailOutputSerializer, 404: ACTION_RESPONSES[404]})
    def get(self, request: Request, pk: int) -> Response:
        return _detail_response(request, pk)


class ObjectionActionApi(ActionApiMixin, APIView):
    """Base of the steps: look the objection up as the user may see it (404 otherwise), then let the
    service decide (403 for one who may not, 400 for a status or input that does not allow it)."""

    permission_classes = [IsAuthenticated]
    parser_classes = PARSERS
    actions = ACTIONS
    object_name = "objection"
    input_serializer = ObjectionReasonInputSerializer

    def lookup(self, request: Request, pk: int) -> Objection:
        objection = objection_get(user=request.user, pk=pk)
        if objection is None:
            raise NotFound()
        return objection

    def respond(self, request: Request, pk: int) -> Response:
        return _detail_response(request, pk)


@extend_schema(request=ObjectionReasonInputSerializer, responses=ACTION_RESPONSES)
class ObjectionAcceptApi(ObjectionActionApi):
    """Submitted → accepted: the handler takes it up."""

    action_name = "accept"


@extend_schema(request=ObjectionReasonInputSerializer, responses=ACTION_RESPONSES)
class ObjectionRequestMaterialApi(ObjectionActionApi):
    """The handler asks for more material, once, with the reason: the clock stops."""

    action_name = "request-material"


@extend_schema(request=ObjectionDecideInputSerializer, responses=ACTION_RESPONSES)
class ObjectionDecideApi(ObjectionActionApi):
    """Upheld, partly upheld or rejected, with the reasons (a submitted objection is accepted first)."""

    action_name = "decide"
    input_serializer = ObjectionDecideInputSerializer


@extend_schema(
    request={
        "application/json": ObjectionAnswerInputSerializer,
        "multipart/form-data": ObjectionAnswerInputSerializer,
    },
    responses=ACTION_RESPONSES,
)
class ObjectionAnswerApi(ObjectionActionApi):
    """The subject answers the request for material: the clock runs again."""

    action_name = "answer"
    input_serializer = ObjectionAnswerInputSerializer
