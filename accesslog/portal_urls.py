"""The subject's view of its access log, in the portal (/portal/access/)."""

from django.urls import path

from . import views

app_name = "accesslog_portal"

urlpatterns = [
    path("", views.portal_access_history, name="history"),
]
