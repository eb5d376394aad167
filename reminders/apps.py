from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from records.hooks import regrade_listener_add


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Credit reminders and interviews")

    def ready(self) -> None:
        # Listener registration, once the app registry is ready: the tasks module imports models,
        # which cannot be imported while the registry is still loading this module.
        from .tasks import reminders_after_records_changed

        # The records app announces, after commit, the subjects whose records changed (000 Art. 12:
        # an effective general or serious dishonesty record brings a reminder due).
        regrade_listener_add(reminders_after_records_changed)
