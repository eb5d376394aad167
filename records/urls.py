from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("review/", views.record_review_queue, name="review"),
    path("new/", views.record_kind_choose, name="choose_kind"),
    path("new/<slug:kind_code>/", views.record_create, name="create"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_result, name="import_result"),
    path("import/<int:pk>/errors.xlsx", views.import_errors_download, name="import_errors"),
    path("templates/<slug:template>.xlsx", views.import_template_download, name="template"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/edit/", views.record_edit, name="edit"),
    path("<int:pk>/correct/", views.record_correct, name="correct"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/<slug:action>/", views.record_action, name="action"),
]
