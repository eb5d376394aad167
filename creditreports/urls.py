from django.urls import path

from . import views

app_name = "creditreports"

urlpatterns = [
    path("mine/", views.portal_report, name="portal"),
    path("subjects/<int:pk>/", views.staff_report, name="staff"),
]
