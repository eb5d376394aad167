from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("red-list/", views.list_page, {"list_type": "red"}, name="red_list"),
    path("black-list/", views.list_page, {"list_type": "black"}, name="black_list"),
    # By code: an organisation's code is public; a natural person is reached only by typing the full
    # number, which the pages never put in a link.
    path("subjects/<str:code>/", views.subject_detail, name="subject"),
]
