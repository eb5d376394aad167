from django.urls import path

from . import views

app_name = "grading"

urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", views.run_publish_view, name="run_publish"),
    path("runs/<int:pk>/adjust/", views.run_adjust, name="run_adjust"),
]
