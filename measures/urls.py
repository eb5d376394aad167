from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("subjects/<int:pk>/", views.subject_measures, name="subject"),
    path("applications/", views.application_list, name="applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/counts/", views.application_counts, name="counts"),
]
