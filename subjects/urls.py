from django.urls import path

from . import views

app_name = "subjects"

urlpatterns = [
    path("", views.subject_list, name="list"),
    path("new/", views.subject_create, name="create"),
    # By row id, not by code: an identity number must not appear in addresses, logs or history.
    path("<int:pk>/", views.subject_detail, name="detail"),
    path("<int:pk>/edit/", views.subject_edit, name="edit"),
    # Who answers for the subject besides its legal representative (004 §6(5)).
    path("<int:pk>/answerers/", views.answerer_add, name="answerer_add"),
    path("<int:pk>/answerers/<int:answerer_pk>/end/", views.answerer_end, name="answerer_end"),
]
