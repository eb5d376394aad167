from django.urls import path

from .views import PublicSubjectDetailApi, PublicSubjectListApi

urlpatterns = [
    path("", PublicSubjectListApi.as_view(), name="api-public-subject-list"),
    path("<str:code>/", PublicSubjectDetailApi.as_view(), name="api-public-subject-detail"),
]
