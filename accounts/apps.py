from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Departments and users")

    def ready(self) -> None:
        # Signal registration, once the app registry is ready: these modules import models, which
        # cannot be imported while the registry is still loading this module.
        from axes.signals import user_locked_out

        from .middleware import session_login_started
        from .services import login_lockout_record

        def on_login(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                session_login_started(request, user)

        def on_locked_out(sender, request, username, ip_address, **kwargs):
            login_lockout_record(request=request, username=username, ip_address=ip_address)

        user_logged_in.connect(on_login, weak=False, dispatch_uid="accounts.session_login_started")
        user_locked_out.connect(on_locked_out, weak=False, dispatch_uid="accounts.login_lockout_record")
