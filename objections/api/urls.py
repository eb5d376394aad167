from django.urls import path

from . import views

urlpatterns = [
    path("", views.ObjectionListApi.as_view(), name="api-objection-list"),
    path("<int:pk>/", views.ObjectionDetailApi.as_view(), name="api-objection-detail"),
]
