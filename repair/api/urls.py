from django.urls import path

from . import views

urlpatterns = [
    path("", views.RepairApplicationListApi.as_view(), name="api-repair-list"),
    path("<int:pk>/", views.RepairApplicationDetailApi.as_view(), name="api-repair-detail"),
]
