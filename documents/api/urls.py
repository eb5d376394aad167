from django.urls import path

from .views import PublicDocumentCheckApi, PublicDocumentDetailApi

urlpatterns = [
    path("<str:number>/", PublicDocumentDetailApi.as_view(), name="api-public-document-detail"),
    path("<str:number>/check/", PublicDocumentCheckApi.as_view(), name="api-public-document-check"),
]
