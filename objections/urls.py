from django.urls import path

from . import views

app_name = "objections"

urlpatterns = [
    path("", views.objection_list, name="list"),
    path("accounts/", views.account_requests, name="account_requests"),
    path("accounts/<int:pk>/<slug:action>/", views.account_request_decide, name="account_request_decide"),
    path("<int:pk>/", views.objection_detail, name="detail"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.objection_evidence, name="evidence"),
    path("<int:pk>/receipt/", views.objection_receipt, name="receipt"),
    path("<int:pk>/decision/", views.objection_decision_letter, name="decision"),
    # The same letters as PDF documents, checkable at /verify/NUMBER/.
    path("<int:pk>/receipt.pdf", views.objection_receipt_pdf, name="receipt_pdf"),
    path("<int:pk>/decision.pdf", views.objection_decision_pdf, name="decision_pdf"),
    path("<int:pk>/<slug:action>/", views.objection_action, name="action"),
]
