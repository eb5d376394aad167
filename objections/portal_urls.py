"""The subject portal: registration, its own subject, filing objections, notices."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("register/", views.account_register, name="register"),
    path("records/<int:pk>/object/", views.objection_new_record, name="object_record"),
    path("grades/<int:pk>/object/", views.objection_new_grade, name="object_grade"),
    path("notifications/", views.notifications, name="notifications"),
]
