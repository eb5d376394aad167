"""The public look-up API (SPEC §7): ``GET /api/public/subjects/?q=TEXT`` and
``GET /api/public/subjects/CODE/``. No login; rate limited per client address; JSON errors with a
clear message: 400 for malformed input, 404 for an unknown code, 429 when the limit is reached."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.ratelimit import PublicIdentityThrottle, PublicRateThrottle
from core.pages import FirstPagePaginator
from measures.department_lists import department_listings_settle_due

from ..profiles import public_profiles
from ..selectors import public_identity_number, public_subject_get, public_subjects_search
from .serializers import PublicErrorSerializer, PublicSubjectPageSerializer, PublicSubjectSerializer

BAD_INPUT = OpenApiResponse(PublicErrorSerializer, description=gettext_lazy("Malformed text or code."))
NOT_FOUND = OpenApiResponse(PublicErrorSerializer, description=gettext_lazy("No subject under this code."))
THROTTLED = OpenApiResponse(PublicErrorSerializer, description=gettext_lazy("Too many requests."))


class PublicPagination(PageNumberPagination):
    page_size = 20
    # A search that finds one page of subjects is answered without a COUNT(*) query.
    django_paginator_class = FirstPagePaginator


def _bad_input(exc: ValidationError) -> exceptions.ParseError:
    return exceptions.ParseError(" ".join(str(m) for m in exc.messages))


class PublicApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # JSON whatever the client accepts (SPEC §7), also for a browser asking for HTML.
    renderer_classes = [JSONRenderer]
    throttle_classes = [PublicRateThrottle]

    def throttled(self, request, wait):
        seconds = max(1, int(wait or 1))
        raise exceptions.Throttled(
            wait=wait,
            detail=_("Too many look-ups from your address. Try again in %(seconds)d seconds.")
            % {"seconds": seconds},
        )

    def check_identity_budget(self, request: Request, text: str) -> None:
        """A look-up by identity number also spends the address's budget for those (SPEC §6)."""
        if not public_identity_number(text=text):
            return
        throttle = PublicIdentityThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())


class PublicSubjectListApi(PublicApi):
    @extend_schema(
        operation_id="public_subjects_search",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description=gettext_lazy(
                    "Part of the name of an organisation, or a complete code (a natural person is "
                    "found only by the complete identity number)."
                ),
            )
        ],
        responses={200: PublicSubjectPageSerializer, 400: BAD_INPUT, 429: THROTTLED},
    )
    def get(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        self.check_identity_budget(request, q)
        department_listings_settle_due()  # a listing due today is in force before it is read (SPEC §3.6)
        try:
            queryset = public_subjects_search(q=q)
        except ValidationError as exc:
            raise _bad_input(exc) from None
        paginator = PublicPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = PublicSubjectSerializer(public_profiles(subjects=list(page)), many=True).data
        return paginator.get_paginated_response(data)


class PublicSubjectDetailApi(PublicApi):
    @extend_schema(
        operation_id="public_subjects_get",
        responses={200: PublicSubjectSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 429: THROTTLED},
    )
    def get(self, request: Request, code: str) -> Response:
        self.check_identity_budget(request, code)
        try:
            subject = public_subject_get(code=code)
        except ValidationError as exc:
            raise _bad_input(exc) from None
        if subject is None:
            raise exceptions.NotFound(_("No subject is registered under this code."))
        department_listings_settle_due()  # a listing due today is in force before it is read (SPEC §3.6)
        return Response(PublicSubjectSerializer(public_profiles(subjects=[subject])[0]).data)
