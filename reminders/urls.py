from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("<int:pk>/", views.reminder_detail, name="detail"),
    path("<int:pk>/letter/", views.reminder_letter, name="letter"),
    path("<int:pk>/letter.pdf", views.reminder_letter_pdf, name="letter_pdf"),
    path("<int:pk>/<slug:action>/", views.reminder_action, name="action"),
]
