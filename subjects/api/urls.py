from django.urls import path

from .views import SubjectDetailApi, SubjectListCreateApi

urlpatterns = [
    path("", SubjectListCreateApi.as_view(), name="api-subject-list"),
    path("<str:code>/", SubjectDetailApi.as_view(), name="api-subject-detail"),
]
