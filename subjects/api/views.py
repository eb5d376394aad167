"""Staff API of the registry: search and register. Writes go through the same service as the forms."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accesslog.models import AccessKind
from accesslog.services import access_log_record
from accounts.permissions import is_staff_member
from subjects.filtersets import SubjectFilterSet
from subjects.models import Subject
from subjects.selectors import subject_get_by_code, subjects_visible_to
from subjects.services import subject_register

from .serializers import SubjectOutputSerializer, SubjectRegisterInputSerializer


class IsStaffMember(BasePermission):
    """Department staff and the credit office; subject users have their own portal."""

    def has_permission(self, request, view) -> bool:
        return bool(is_staff_member(request.user))


class SubjectListCreateApi(generics.ListAPIView):
    serializer_class = SubjectOutputSerializer
    filterset_class = SubjectFilterSet
    permission_classes = [IsAuthenticated, IsStaffMember]
    queryset = Subject.objects.none()

    def get_queryset(self):
        return subjects_visible_to(user=self.request.user)

    @extend_schema(request=SubjectRegisterInputSerializer, responses={201: SubjectOutputSerializer})
    def post(self, request):
        data = SubjectRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subject = subject_register(actor=request.user, **data.validated_data)
        return Response(
            SubjectOutputSerializer(subject, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class SubjectDetailApi(generics.RetrieveAPIView):
    serializer_class = SubjectOutputSerializer
    permission_classes = [IsAuthenticated, IsStaffMember]
    queryset = Subject.objects.none()
    lookup_url_kwarg = "code"

    def get_object(self):
        subject = subject_get_by_code(user=self.request.user, code=self.kwargs["code"])
        if subject is None:
            raise NotFound()
        return subject

    def retrieve(self, request, *args, **kwargs):
        subject = self.get_object()
        data = self.get_serializer(subject).data
        # 003 §5(1): the subject's file read through the API, logged like the staff page.
        access_log_record(
            user=request.user,
            kind=AccessKind.CREDIT_FILE,
            subjects=[subject],
            description="API",
            request=request,
        )
        return Response(data)
