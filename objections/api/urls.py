from django.urls import path

from . import views

urlpatterns = [
    path("", views.ObjectionListApi.as_view(), name="api-objection-list"),
    path("<int:pk>/", views.ObjectionDetailApi.as_view(), name="api-objection-detail"),
    path("<int:pk>/accept/", views.ObjectionAcceptApi.as_view(), name="api-objection-accept"),
    path(
        "<int:pk>/request-material/",
        views.ObjectionRequestMaterialApi.as_view(),
        name="api-objection-request-material",
    ),
    path("<int:pk>/decide/", views.ObjectionDecideApi.as_view(), name="api-objection-decide"),
    path("<int:pk>/answer/", views.ObjectionAnswerApi.as_view(), name="api-objection-answer"),
]
