from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.summary_index, name="index"),
    path("shared/", views.shared_results_page, name="shared"),
    path("shared/<int:pk>.xlsx", views.shared_result_xlsx, name="shared_xlsx"),
    path("generate/", views.reports_generate, name="generate"),
    path("files/<int:pk>/", views.report_download, name="download"),
    path("<int:year>/quality/", views.quality_page, name="quality"),
    path("<int:year>/quality/<slug:code>/", views.quality_page, name="department_quality"),
    path("<int:year>/", views.summary_page, name="county"),
    path("<int:year>/summary.xlsx", views.summary_xlsx, name="county_xlsx"),
    path("<int:year>/<slug:code>/", views.summary_page, name="department"),
    path("<int:year>/<slug:code>/summary.xlsx", views.summary_xlsx, name="department_xlsx"),
]
