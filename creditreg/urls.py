from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views

admin.site.site_header = _("Credit office administration")
admin.site.site_title = _("creditreg administration")
admin.site.index_title = _("Reference data and review")

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("subjects/", include("subjects.urls")),
    path("records/", include("records.urls")),
    path("reminders/", include("reminders.urls")),
    path("repair/", include("repair.urls")),
    path("commitments/", include("commitments.urls")),
    path("portal/", include("objections.portal_urls")),
    path("objections/", include("objections.urls")),
    path("admin/", admin.site.urls),
    path("api/subjects/", include("subjects.api.urls")),
    path("api/records/", include("records.api.urls")),
    path("api/public/subjects/", include("public.api.urls")),
    path("public/", include("public.urls")),
    path("api/repair/", include("repair.api.urls")),
    path("api/objections/", include("objections.api.urls")),
    path("reports/", include("reports.urls")),
    path("measures/", include("measures.urls")),
    path("api/measures/", include("measures.api.urls")),
    path("api/exchange/", include("exchange.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# A URL no route matches answers JSON under /api/ (creditreg.api.page_not_found).
handler404 = "creditreg.api.page_not_found"
