from django.urls import path

from . import views

urlpatterns = [
    path("", views.verify_start, name="verify_start"),
    path("<str:number>/", views.verify, name="verify"),
]
