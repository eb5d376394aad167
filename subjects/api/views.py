"""Staff API of the registry: search and register. Writes go through the same service as the forms."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from accounts.permissions import is_staff_member
from subjects.filtersets import SubjectFilterSet
from subjects.selectors import subject_get_by_code, subjects_visible_to
from subjects.services import subject_register

from .serializers import SubjectOutputSerializer, SubjectRegisterInputSerializer


class SubjectListCreateApi(generics.ListAPIView):
    serializer_class = SubjectOutputSerializer
    filterset_class = SubjectFilterSet

    def get_queryset(self):
        if not is_staff_member(self.request.user):
            raise PermissionDenied()
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
    lookup_url_kwarg = "code"

    def get_object(self):
        subject = subject_get_by_code(user=self.request.user, code=self.kwargs["code"])
        if subject is None:
            raise NotFound()
        return subject
