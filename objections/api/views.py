"""Objections API: the objections the user may see (a subject user its own subject's; department staff
their department's; the credit office all), through the same selectors as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from ..filtersets import ObjectionFilterSet
from ..models import Objection
from ..selectors import objection_for_detail, objection_get, objections_visible_to
from .serializers import ObjectionDetailOutputSerializer, ObjectionListOutputSerializer


class ObjectionListApi(generics.ListAPIView):
    serializer_class = ObjectionListOutputSerializer
    filterset_class = ObjectionFilterSet
    permission_classes = [IsAuthenticated]
    queryset = Objection.objects.none()

    def get_queryset(self):
        return objections_visible_to(user=self.request.user).order_by("-submitted_at", "-id")


class ObjectionDetailApi(generics.RetrieveAPIView):
    serializer_class = ObjectionDetailOutputSerializer
    permission_classes = [IsAuthenticated]
    queryset = Objection.objects.none()

    @extend_schema(responses=ObjectionDetailOutputSerializer)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        objection = objection_get(user=self.request.user, pk=self.kwargs["pk"])
        if objection is None:
            raise NotFound()
        return objection_for_detail(objection)
