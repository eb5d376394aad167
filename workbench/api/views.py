"""A subject's credit file in the staff API: ``GET /api/subjects/CODE/file/?purpose=…`` (004 §4(2)
按需共享), the same file as the staff page, opened and logged the same way (003 §5(1) 查询使用): no
purpose, no file and nothing logged."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accesslog.models import AccessPurpose
from accesslog.services import access_log_credit_file, access_purpose_clean
from subjects.api.views import IsStaffMember

from ..credit_file import credit_file_grades, credit_file_sections, credit_file_subject_by_code
from .serializers import CreditFileOutputSerializer, CreditFileQuerySerializer

# The latest items of each section in one answer (the page cuts them into pages instead).
SECTION_LIMIT = 100


class CreditFileApi(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Credit file of a subject",
        description=(
            "Every department's records that took effect, the grades in force of every scheme and "
            "department, red and black list memberships, credit commitments, repair applications and "
            "registered reminders and interviews, newest first; each list section gives its count and "
            f"at most its {SECTION_LIMIT} latest items. For staff of any department and the credit "
            "office, for a stated purpose; each opening is logged with it."
        ),
        parameters=[CreditFileQuerySerializer],
        responses={
            200: CreditFileOutputSerializer,
            404: OpenApiResponse(description=gettext_lazy("No such subject.")),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        subject = credit_file_subject_by_code(user=request.user, code=code)
        if subject is None:
            raise NotFound(_("No such subject."))
        query = CreditFileQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # The page's check ("other" needs the purpose in words); a refused purpose (400) logs nothing.
        purpose, detail = access_purpose_clean(
            purpose=query.validated_data["purpose"], detail=query.validated_data.get("purpose_detail", "")
        )
        access_log_credit_file(
            user=request.user,
            subject=subject,
            purpose=purpose,
            purpose_detail=detail,
            request=request,
            description="API",
        )
        sections = {
            name: {"count": queryset.count(), "results": list(queryset[:SECTION_LIMIT])}
            for name, queryset in credit_file_sections(subject=subject).items()
        }
        data = {
            "subject": subject,
            "purpose": purpose,
            "purpose_display": str(AccessPurpose(purpose).label),
            "purpose_detail": detail,
            "grades": credit_file_grades(subject=subject),
            **sections,
        }
        return Response(CreditFileOutputSerializer(data, context={"request": request}).data)
