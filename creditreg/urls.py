from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from accounts.ratelimit import PublicPagesThrottle, rate_limited
from workbench import views as workbench_views
from workbench.api.views import CreditFileApi

admin.site.site_header = _("Credit office administration")
admin.site.site_title = _("creditreg administration")
admin.site.index_title = _("Reference data and review")

urlpatterns = [
    path("", workbench_views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page links: the icon, not a 404 in the logs.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/otp/", account_views.otp_verify, name="otp_verify"),
    path("accounts/otp/setup/", account_views.otp_setup, name="otp_setup"),
    path("accounts/me/", account_views.account, name="account"),
    path("accounts/password/change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/users/<int:pk>/security/", account_views.user_security, name="user_security"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("subjects/", include("subjects.urls")),
    path("records/", include("records.urls")),
    path("reminders/", include("reminders.urls")),
    path("repair/", include("repair.urls")),
    path("commitments/", include("commitments.urls")),
    path("inspections/", include("inspections.urls")),
    path("portal/access/", include("accesslog.portal_urls")),
    path("portal/", include("objections.portal_urls")),
    path("objections/", include("objections.urls")),
    path("admin/", admin.site.urls),
    # A subject's credit file in the staff API (workbench: it reads across the domain apps).
    path("api/subjects/<str:code>/file/", CreditFileApi.as_view(), name="api-subject-credit-file"),
    path("api/subjects/", include("subjects.api.urls")),
    path("api/records/", include("records.api.urls")),
    path("api/public/subjects/", include("public.api.urls")),
    path("public/", include("public.urls")),
    # The public check of an issued document (SPEC §7) and a subject's credit report.
    path("verify/", include("documents.urls")),
    path("api/public/documents/", include("documents.api.urls")),
    path("credit-reports/", include("creditreports.urls")),
    path("api/repair/", include("repair.api.urls")),
    path("api/objections/", include("objections.api.urls")),
    path("reports/", include("reports.urls")),
    path("grading/", include("grading.urls")),
    path("access-log/", include("workbench.access_log_urls")),
    path("credit-files/", include("workbench.credit_file_urls")),
    path("measures/", include("measures.urls")),
    path("api/measures/", include("measures.api.urls")),
    path("api/exchange/", include("measures.api.pulldown_urls")),
    # Open to anyone, and a schema costs a second of CPU to build: limited per client address.
    path("api/schema/", rate_limited(PublicPagesThrottle)(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        rate_limited(PublicPagesThrottle)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

# A URL no route matches answers JSON under /api/ (core.api.page_not_found).
handler400 = "core.api.bad_request"
handler404 = "core.api.page_not_found"
handler403 = "core.api.permission_denied"
