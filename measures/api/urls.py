from django.urls import path

from . import views

urlpatterns = [
    path("", views.ApplicableMeasuresApi.as_view(), name="api-measures-applicable"),
    path("catalogue/", views.MeasureCatalogueApi.as_view(), name="api-measures-catalogue"),
    path("applications/", views.ApplicationListCreateApi.as_view(), name="api-measure-applications"),
    path("applications/counts/", views.ApplicationCountsApi.as_view(), name="api-measure-application-counts"),
]
