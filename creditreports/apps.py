from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditReportsConfig(AppConfig):
    name = "creditreports"
    verbose_name = _("Credit reports")
