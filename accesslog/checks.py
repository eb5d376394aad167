"""A retention period shorter than six months is refused at start-up (网络安全法 Art. 21)."""

from django.conf import settings
from django.core.checks import Error, register

# 网络安全法 Art. 21 (and 等保 2.0 level 3): network logs are kept for no less than six months.
MIN_RETENTION_DAYS = 183


@register()
def access_log_retention_check(app_configs=None, **kwargs) -> list[Error]:
    days = getattr(settings, "ACCESS_LOG_RETENTION_DAYS", 365)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [
            Error(
                f"CREDITREG_ACCESS_LOG_RETENTION_DAYS is {days!r}; the access log must be kept at least "
                f"{MIN_RETENTION_DAYS} days (six months, Cybersecurity Law Art. 21).",
                id="accesslog.E001",
            )
        ]
    return []
