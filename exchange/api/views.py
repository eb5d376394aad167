"""The platform's push-down endpoint: national evaluation results and red/black lists (SPEC §5).

The platform calls it with the token of a credit-office account made for it (DRF token
authentication); the items are imported by the same service as ``import_pulldown``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..pulldown import PulldownError, pulldown_import
from .serializers import PulldownInputSerializer, PulldownOutputSerializer


class PulldownView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PulldownInputSerializer,
        responses={
            200: PulldownOutputSerializer,
            400: OpenApiResponse(description=_("The body is not a list of items.")),
            403: OpenApiResponse(description=_("Only the credit office imports the platform's data.")),
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
            raise ValidationError({"items": [str(exc)]}) from None
        return Response(PulldownOutputSerializer(result.as_dict()).data, status=status.HTTP_200_OK)
