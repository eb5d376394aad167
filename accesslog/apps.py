from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessLogConfig(AppConfig):
    name = "accesslog"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the retention check)
