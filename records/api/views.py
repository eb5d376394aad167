"""Staff API of credit records: list, entry, detail and the lifecycle transitions.

One view per use case. Reads go through the selectors, so a user sees exactly the records the web pages
show them (another department's record answers 404, as if it did not exist); writes go through the same
services as the web form and the spreadsheet import, whose ``ValidationError`` / ``PermissionDenied`` the
project's exception handler turns into 400 / 403.
"""

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actions import ActionApiMixin
from subjects.api.views import IsStaffMember

from .. import services
from ..filtersets import CreditRecordFilterSet, ReviewQueueFilterSet
from ..models import CreditRecord, RecordSource, RecordTransition, Sanction
from ..selectors import record_get, records_visible_to, review_queue
from ..views import ACTIONS
from .serializers import (
    RecordBulkReviewInputSerializer,
    RecordBulkReviewOutputSerializer,
    RecordCreateInputSerializer,
    RecordDetailOutputSerializer,
    RecordListOutputSerializer,
    RecordReasonInputSerializer,
)

NOT_FOUND = OpenApiResponse(description=_("No such record, or one of another department."))
FORBIDDEN = OpenApiResponse(description=_("Your role does not allow this."))
BAD_INPUT = OpenApiResponse(description=_("The input was refused; the messages are keyed by field."))
SANCTIONS = Prefetch("sanctions", queryset=Sanction.objects.select_related("kind"))
TRANSITIONS = Prefetch("transitions", queryset=RecordTransition.objects.select_related("actor"))


def _for_list(queryset: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    # Lists never show the complainant (000 Art. 13): do not even load and decrypt it.
    return queryset.defer("complainant_name", "complainant_contact").prefetch_related(SANCTIONS)


def _detail(request: Request, pk: int) -> CreditRecord:
    """The record as the user may see it, with what the detail representation shows; 404 otherwise."""
    record = record_get(user=request.user, pk=pk)
    if record is None:
        raise NotFound()
    # record_get has already scoped and loaded the row; only the related lists are added here.
    prefetch_related_objects([record], SANCTIONS, TRANSITIONS)
    return record


def _detail_response(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    record = _detail(request, pk)
    return Response(RecordDetailOutputSerializer(record, context={"request": request}).data, status=code)


class RecordListCreateApi(generics.ListAPIView):
    """Records of the user's department (all records for the credit office); entry of a new draft."""

    serializer_class = RecordListOutputSerializer
    filterset_class = CreditRecordFilterSet
    permission_classes = [IsAuthenticated, IsStaffMember]
    queryset = CreditRecord.objects.none()

    def get_queryset(self):
        return _for_list(records_visible_to(user=self.request.user))

    @extend_schema(
        request=RecordCreateInputSerializer,
        responses={201: RecordDetailOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        data = RecordCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        record = services.record_enter(
            actor=request.user,
            data=data.to_record_input(),
            subject_code=values["subject_code"],
            subject_kind=values["subject_kind"],
            subject_name=values["subject_name"],
            source=RecordSource.API,
        )
        return _detail_response(request, record.pk, code=status.HTTP_201_CREATED)


class RecordReviewQueueApi(generics.ListAPIView):
    """Submitted records the reviewer may approve (not entered or submitted by them), with the queue
    page's filters."""

    serializer_class = RecordListOutputSerializer
    filterset_class = ReviewQueueFilterSet
    permission_classes = [IsAuthenticated, IsStaffMember]
    queryset = CreditRecord.objects.none()

    def get_queryset(self):
        return _for_list(review_queue(user=self.request.user))


class RecordBulkReviewApi(APIView):
    """Approve or return several records of the review queue at once: the ``ids`` given, or every
    record the queue's filters (query string, as for the queue) select. Each record goes through the
    four-eyes service on its own; the answer lists the records done and each one refused with the
    reason. A return without a reason is refused whole (400), nothing changed."""

    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        request=RecordBulkReviewInputSerializer,
        parameters=[
            OpenApiParameter(name, str, OpenApiParameter.QUERY, required=False, description=str(f.label))
            for name, f in ReviewQueueFilterSet.base_filters.items()
        ],
        responses={200: RecordBulkReviewOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        data = RecordBulkReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        queue = review_queue(user=request.user)
        if "ids" in values:
            chosen = queue.filter(pk__in=values["ids"])
        else:
            chosen = ReviewQueueFilterSet(request.query_params, queryset=queue, request=request).qs
        records = list(
            chosen.select_related("subject").order_by("publish_due", "id")[: services.BULK_REVIEW_MAX + 1]
        )
        result = services.records_review_bulk(
            actor=request.user, records=records, action=values["action"], reason=values["reason"]
        )
        return Response(
            RecordBulkReviewOutputSerializer(
                {
                    "action": result.action,
                    "done": [r.pk for r in result.done],
                    "refused": [
                        {"id": r.pk, "document_number": r.document_number, "reason": reason}
                        for r, reason in result.refused
                    ],
                }
            ).data
        )


class RecordDetailApi(APIView):
    """One record with its sanctions and status history."""

    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(responses={200: RecordDetailOutputSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return _detail_response(request, pk)


ACTION_RESPONSES = {
    200: RecordDetailOutputSerializer,
    400: OpenApiResponse(description=_("The record's status does not allow this, or the reason is missing.")),
    403: FORBIDDEN,
    404: NOT_FOUND,
}


class RecordActionApi(ActionApiMixin, APIView):
    """Base of the transition endpoints, the actions of the record page: look the record up as the
    user may see it (404 otherwise), then let the service decide (403 for a role that may not, 400 for
    a status that does not allow it)."""

    permission_classes = [IsAuthenticated, IsStaffMember]
    actions = ACTIONS
    object_name = "record"
    input_serializer = RecordReasonInputSerializer

    def lookup(self, request: Request, pk: int) -> CreditRecord:
        record = record_get(user=request.user, pk=pk)
        if record is None:
            raise NotFound()
        return record

    def respond(self, request: Request, pk: int) -> Response:
        return _detail_response(request, pk)


def _action_api(action: str, doc: str, *, with_reason: bool) -> type[RecordActionApi]:
    """One transition endpoint: the record page's action ``action``, documented by ``doc``."""
    view = type(f"Record{action.title()}Api", (RecordActionApi,), {"action_name": action, "__doc__": doc})
    request = RecordReasonInputSerializer if with_reason else None
    return extend_schema(request=request, responses=ACTION_RESPONSES)(view)


RecordSubmitApi = _action_api(
    "submit", "Draft or returned → submitted (the entering department).", with_reason=False
)
RecordApproveApi = _action_api(
    "approve",
    "Submitted → effective: a reviewer of the department who neither entered nor submitted it.",
    with_reason=False,
)
RecordReturnApi = _action_api(
    "return", "Submitted → returned to the clerk, with the reason.", with_reason=True
)
RecordRevokeApi = _action_api(
    "revoke", "Effective → revoked (e.g. an objection upheld), with the reason.", with_reason=True
)
RecordRepairApi = _action_api(
    "repair", "Effective → repaired: publication stops at once, with the reason.", with_reason=True
)
