from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalendarConfig(AppConfig):
    """Working-day calendar: statutory holidays and the office's table of make-up days."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        # Importing registers the system check; kept here so it runs once per process.
        from workcalendar import checks  # noqa: F401
