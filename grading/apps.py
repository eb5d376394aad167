from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from records.hooks import regrade_listener_add


class GradingConfig(AppConfig):
    name = "grading"
    verbose_name = _("Grading")

    def ready(self) -> None:
        # Imported once the app registry is ready: the tasks read the models of several apps.
        from .tasks import regrade_subjects_after_records_changed

        regrade_listener_add(regrade_subjects_after_records_changed)
