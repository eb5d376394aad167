"""A subject's credit file (/credit-files/ID/): the purpose first, then the file. By row id, not by
code: an identity number must not appear in addresses, logs or history."""

from django.urls import path

from . import views

app_name = "creditfile"

urlpatterns = [
    path("<int:pk>/", views.credit_file_open, name="open"),
    path("<int:pk>/file/", views.credit_file_detail, name="detail"),
]
