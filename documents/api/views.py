"""The public check API (SPEC §7): ``GET /api/public/documents/NUMBER/`` answers what was issued under a
number (``number``, ``kind``, ``issued_at``, ``sha256`` of the file as issued; 404 for an unknown
number); ``POST /api/public/documents/NUMBER/check/`` with the file (multipart ``file``) or the
verification code (``code``) answers whether the file is the one issued and, when the file or the code
matched, what the document stated. No login; limited per client address like the look-up."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.ratelimit import PublicRateThrottle

from ..selectors import document_get
from ..views import document_check, read_upload
from .serializers import DocumentCheckInputSerializer, DocumentCheckSerializer, PublicDocumentSerializer

NOT_FOUND = OpenApiResponse(description=gettext_lazy("No document was issued under this number."))


class PublicDocumentApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    throttle_classes = [PublicRateThrottle]

    def throttled(self, request, wait):
        seconds = max(1, int(wait or 1))
        raise exceptions.Throttled(
            wait=wait,
            detail=_("Too many look-ups from your address. Try again in %(seconds)d seconds.")
            % {"seconds": seconds},
        )

    def document(self, number: str):
        document = document_get(number=number)
        if document is None:
            raise exceptions.NotFound(_("No document was issued under this number."))
        return document


class PublicDocumentDetailApi(PublicDocumentApi):
    @extend_schema(
        operation_id="public_documents_get",
        responses={200: PublicDocumentSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(PublicDocumentSerializer(self.document(number)).data)


class PublicDocumentCheckApi(PublicDocumentApi):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="public_documents_check",
        request={
            "multipart/form-data": DocumentCheckInputSerializer,
            "application/json": DocumentCheckInputSerializer,
        },
        responses={200: DocumentCheckSerializer, 404: NOT_FOUND},
    )
    def post(self, request: Request, number: str) -> Response:
        document = self.document(number)
        data = DocumentCheckInputSerializer(data=request.data)
        if not data.is_valid():
            raise exceptions.ParseError(_("Send the file you hold (file) or the verification code (code)."))
        uploaded = data.validated_data.get("file")
        code = (data.validated_data.get("code") or "").strip()
        if uploaded is None and not code:
            raise exceptions.ParseError(_("Send the file you hold (file) or the verification code (code)."))
        try:
            content = read_upload(uploaded) if uploaded is not None else None
        except ValidationError as exc:
            raise exceptions.ParseError(" ".join(exc.messages)) from None
        result = document_check(document=document, content=content, code=code)
        return Response(
            DocumentCheckSerializer(
                {
                    "document": document,
                    "file_matches": result["file_matches"],
                    "code_matches": result["code_matches"],
                    "stated": document.stated if result["show_content"] else None,
                }
            ).data
        )
