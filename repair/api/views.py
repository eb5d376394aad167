"""Read API of credit repair applications, scoped exactly as the pages are: the credit office sees all,
department staff their department's, a subject user its own subject's; another's answers 404."""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..filtersets import RepairApplicationFilterSet
from ..models import RepairApplication
from ..selectors import repair_application_get, repair_applications_visible_to
from .serializers import RepairApplicationDetailOutputSerializer, RepairApplicationOutputSerializer


class RepairApplicationListApi(generics.ListAPIView):
    """Repair applications the user may see, newest first."""

    serializer_class = RepairApplicationOutputSerializer
    filterset_class = RepairApplicationFilterSet
    permission_classes = [IsAuthenticated]
    queryset = RepairApplication.objects.none()

    def get_queryset(self):
        return repair_applications_visible_to(user=self.request.user)


class RepairApplicationDetailApi(APIView):
    """One application with its proof files and status history."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: RepairApplicationDetailOutputSerializer,
            404: OpenApiResponse(description=_("No such application, or another subject's.")),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        application = repair_application_get(user=request.user, pk=pk)
        if application is None:
            raise NotFound()
        prefetch_related_objects([application], "proofs", "transitions__actor")
        return Response(
            RepairApplicationDetailOutputSerializer(application, context={"request": request}).data
        )
