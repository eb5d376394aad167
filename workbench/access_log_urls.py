"""The credit office's access-log list (/access-log/), under the access log's URL names."""

from django.urls import path

from . import views

app_name = "accesslog"

urlpatterns = [
    path("", views.access_log_list, name="list"),
]
