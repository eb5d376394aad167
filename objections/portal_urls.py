"""The subject portal: registration, its own subject, filing objections, notices."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("register/", views.account_register, name="register"),
    path("register/done/", views.account_register_done, name="register_done"),
    path("register/activate/<str:uidb64>/<str:token>/", views.account_activate, name="activate"),
    path("link/code/send/", views.link_code_send, name="link_code_send"),
    path("link/code/", views.link_code_enter, name="link_code_enter"),
    path("link/requests/<int:pk>/<slug:action>/", views.link_request_decide, name="link_request_decide"),
    path("records/<int:pk>/object/", views.objection_new_record, name="object_record"),
    path("grades/<int:pk>/object/", views.objection_new_grade, name="object_grade"),
    path("notifications/", views.notifications, name="notifications"),
    # A department's listing the subject is told of, and its statement (SPEC §3.6).
    path("lists/<int:pk>/", views.portal_listing, name="listing"),
    path("lists/<int:pk>/files/<int:file_pk>/", views.portal_listing_file, name="listing_file"),
]
