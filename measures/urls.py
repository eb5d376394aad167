from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("subjects/<int:pk>/", views.subject_measures, name="subject"),
    path("applications/", views.application_list, name="applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/counts/", views.application_counts, name="counts"),
    # A department's own red and black lists (SPEC §3.6).
    path("lists/", views.listing_list, name="listings"),
    path("lists/new/", views.listing_create, name="listing_create"),
    path("lists/news/read/", views.listing_news_read, name="listing_news_read"),
    path("lists/<int:pk>/", views.listing_detail, name="listing"),
    path("lists/<int:pk>/edit/", views.listing_edit, name="listing_edit"),
    path("lists/<int:pk>/files/<int:file_pk>/", views.listing_file, name="listing_file"),
    path("lists/<int:pk>/<slug:action>/", views.listing_action, name="listing_action"),
]
