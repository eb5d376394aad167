from django.urls import path

from . import views

app_name = "repair"

urlpatterns = [
    path("", views.repair_home, name="home"),
    path("apply/<int:record_pk>/", views.repair_apply, name="apply"),
    path("<int:pk>/", views.repair_detail, name="detail"),
    path("<int:pk>/decision.pdf", views.repair_decision_pdf, name="decision_pdf"),
    path("<int:pk>/proofs/<int:proof_pk>/", views.proof_download, name="proof"),
    path("<int:pk>/<slug:action>/", views.repair_action, name="action"),
]
