from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitments_home, name="home"),
    path("public/", views.commitments_public_list, name="public"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("sign/<int:template_pk>/", views.commitment_sign, name="sign"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/commitment.pdf", views.commitment_pdf, name="pdf"),
    path("<int:pk>/fulfil/", views.commitment_action, {"action": "fulfil"}, name="fulfil"),
    path("<int:pk>/breach/", views.commitment_breach, name="breach"),
    path("voluntary/", views.voluntary_list, name="voluntary"),
    path("voluntary/new/", views.voluntary_create, name="voluntary_create"),
    path("voluntary/<int:pk>/", views.voluntary_detail, name="voluntary_detail"),
    path("voluntary/<int:pk>/files/<int:file_pk>/", views.voluntary_file, name="voluntary_file"),
    path("voluntary/<int:pk>/<slug:action>/", views.voluntary_action, name="voluntary_action"),
]
