"""Staff API of measures: which measures apply to a subject now (for other departments' systems), the
catalogue, and applications of measures with their counts (004 §6(3)); and the platform's push-down
endpoint for national evaluation results and red/black lists (SPEC §5).

The platform calls the push-down endpoint with the token of a credit-office account made for it (DRF
token authentication); the items are imported by the same service as ``import_pulldown``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from subjects.api.views import IsStaffMember
from subjects.models import Subject
from subjects.selectors import subject_get_by_code

from ..department_lists import department_listings_settle_due
from ..filtersets import MeasureApplicationFilterSet
from ..models import Measure, MeasureApplication
from ..pulldown import PulldownError, pulldown_import
from ..selectors import (
    measure_application_counts,
    measure_applications_visible_to,
    measures_applicable,
    subject_code_checked,
)
from ..services import measure_application_record
from .serializers import (
    ApplicableMeasureOutputSerializer,
    ApplicationCountOutputSerializer,
    ApplicationInputSerializer,
    ApplicationOutputSerializer,
    MeasureOutputSerializer,
    PulldownInputSerializer,
    PulldownOutputSerializer,
)

BAD_INPUT = OpenApiResponse(
    description=gettext_lazy("The input was refused; the messages are keyed by field.")
)
NOT_FOUND = OpenApiResponse(description=gettext_lazy("No subject with this code is registered."))


def subject_for_code(*, user, code: str, field: str = "subject") -> Subject:
    """The subject of a code in a request: 400 for a missing or malformed code, 404 for an unknown one."""
    try:
        code = subject_code_checked(code=code or "")
    except ValidationError as exc:
        raise ApiValidationError({field: exc.messages}) from None
    subject = subject_get_by_code(user=user, code=code)
    if subject is None:
        raise NotFound(_("No subject with the code %(code)s is registered.") % {"code": code})
    return subject


class ApplicableMeasuresApi(APIView):
    """The measures that apply to a subject now, with the grade or listing and the reasons behind each."""

    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "subject",
                str,
                required=True,
                description=gettext_lazy("Unified social credit code or identity number."),
            )
        ],
        responses={200: ApplicableMeasureOutputSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        subject = subject_for_code(user=request.user, code=request.query_params.get("subject", ""))
        department_listings_settle_due()  # listings due today are in force (SPEC §3.6)
        items = measures_applicable(subject=subject)
        return Response(ApplicableMeasureOutputSerializer(items, many=True).data)


class MeasureCatalogueApi(generics.ListAPIView):
    """The measures catalogue (reference data)."""

    serializer_class = MeasureOutputSerializer
    permission_classes = [IsAuthenticated, IsStaffMember]
    queryset = Measure.objects.none()

    def get_queryset(self):
        return Measure.objects.select_related("scheme").prefetch_related("departments").order_by("sort_order")


class ApplicationListCreateApi(generics.ListAPIView):
    """Applications of measures visible to the user (own department; every department for the credit
    office); recording a new one."""

    serializer_class = ApplicationOutputSerializer
    filterset_class = MeasureApplicationFilterSet
    permission_classes = [IsAuthenticated, IsStaffMember]
    queryset = MeasureApplication.objects.none()

    def get_queryset(self):
        return measure_applications_visible_to(user=self.request.user)

    @extend_schema(
        request=ApplicationInputSerializer,
        responses={201: ApplicationOutputSerializer, 400: BAD_INPUT, 403: OpenApiResponse(), 404: NOT_FOUND},
    )
    def post(self, request: Request) -> Response:
        data = ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        measure = Measure.objects.filter(code=values["measure"]).first()
        if measure is None:
            raise ApiValidationError(
                {"measure": [_("Unknown measure “%(code)s”.") % {"code": values["measure"]}]}
            )
        department = None
        if values.get("department"):
            department = Department.objects.filter(code=values["department"]).first()
            if department is None:
                raise ApiValidationError(
                    {"department": [_("Unknown department “%(code)s”.") % {"code": values["department"]}]}
                )
        application = measure_application_record(
            actor=request.user,
            measure=measure,
            subject=subject_for_code(user=request.user, code=values["subject"]),
            department=department,
            applied_on=values["applied_on"],
            outcome=values["outcome"],
            matter=values.get("matter", ""),
            outcome_note=values.get("outcome_note", ""),
        )
        return Response(
            ApplicationOutputSerializer(application, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ApplicationCountsApi(generics.ListAPIView):
    """Counts of applications per month, department and measure (filters as for the list)."""

    serializer_class = ApplicationCountOutputSerializer
    filterset_class = MeasureApplicationFilterSet
    permission_classes = [IsAuthenticated, IsStaffMember]
    queryset = MeasureApplication.objects.none()
    pagination_class = None

    def get_queryset(self):
        return measure_applications_visible_to(user=self.request.user)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        rows = measure_application_counts(queryset=queryset)
        return Response(ApplicationCountOutputSerializer(rows, many=True).data)


class PulldownView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PulldownInputSerializer,
        responses={
            200: PulldownOutputSerializer,
            400: OpenApiResponse(description=gettext_lazy("The body is not a list of items.")),
            403: OpenApiResponse(
                description=gettext_lazy("Only the credit office imports the platform's data.")
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PulldownInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = pulldown_import(
                actor=request.user, items=serializer.validated_data["items"], source="api"
            )
        except PulldownError as exc:
            raise ApiValidationError({"items": [str(exc)]}) from None
        return Response(PulldownOutputSerializer(result.as_dict()).data, status=status.HTTP_200_OK)
