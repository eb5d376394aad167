"""The platform's push-down endpoint, where the platform has always called it: ``/api/exchange/pulldown/``."""

from django.urls import path

from .views import PulldownView

app_name = "exchange-api"

urlpatterns = [path("pulldown/", PulldownView.as_view(), name="pulldown")]
