"""Settings read from the environment (django-environ).

Without any environment variable the project runs on the embedded default: an SQLite file beside
``manage.py`` and Celery tasks executed inline. Production sets ``DATABASE_URL``, ``REDIS_URL``,
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and the ``DJANGO_SECURE_*`` switches; nothing else differs.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# --- core -------------------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The default key only serves the embedded mode; `check --deploy` flags it, production sets its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-embedded-default-do-not-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "accounts",
    "audit",
    "subjects",
    "workcalendar",
    "records",
    "grading",
    "measures",
    "objections",
    "exchange",
    "reminders",
    "repair",
    "commitments",
    "public",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "creditreg.urls"
WSGI_APPLICATION = "creditreg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- language and time: Chinese first ---------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- security (production switches these on through the environment) -------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"

# --- confidential fields and evidence files ---------------------------------------------------------
CREDITREG_FIELD_KEYS = env.list("CREDITREG_FIELD_KEYS", default=[])
EVIDENCE_MAX_BYTES = env.int("CREDITREG_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# SPEC §3.4: months a record stays published after its decision date, by severity (the maximum of
# each range by default) and for positive records (our choice: one year, the grading window).
RECORD_PUBLICATION_MONTHS = {"minor": 3, "general": 12, "serious": 36, "positive": 12}
IMPORT_MAX_BYTES = env.int("CREDITREG_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- cache ------------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: inline without Redis (embedded mode), a real broker with it ----------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="creditreg")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Code-defined schedule; the grading and exchange apps add their entries here.
CELERY_BEAT_SCHEDULE: dict = {
    "records-expire-due": {"task": "records.expire_due", "schedule": crontab(hour=0, minute=30)},
    # Records leave the one-year window every day (SPEC §3.5).
    "grading-regrade-all": {"task": "grading.regrade_all", "schedule": crontab(hour=1, minute=0)},
    # Rectification deadlines that passed unrectified bring an interview due (004 §6(2)).
    "reminders-daily": {"task": "reminders.daily", "schedule": crontab(hour=0, minute=45)},
    # 003 §6(1): the year's summary reaches the credit office by December 20.
    "reports-yearly-summary": {
        "task": "reports.generate_yearly",
        "schedule": crontab(month_of_year=12, day_of_month=20, hour=2, minute=30),
    },
}

# --- grading runs -----------------------------------------------------------------------------------
# A yearly-run chunk "running" longer than this is taken to be lost with its worker and done again.
GRADING_CHUNK_LEASE_SECONDS = env.int("CREDITREG_CHUNK_LEASE_SECONDS", default=600)
# Pause before each chunk: a throttle to spread a run over time on a database under load.
GRADING_CHUNK_PAUSE_SECONDS = env.float("CREDITREG_CHUNK_PAUSE_SECONDS", default=0.0)
# On PostgreSQL the scheme rules run as one SQL query (grading/compiled.py); false falls back to the
# engine over streamed records, as on SQLite.
GRADING_COMPILED = env.bool("CREDITREG_GRADING_COMPILED", default=True)
# Memory for the per-subject aggregation of a whole-county regrade (one transaction, SET LOCAL).
GRADING_WORK_MEM = env.str("CREDITREG_GRADING_WORK_MEM", default="256MB")

# --- reminders and interviews (000 Art. 12, 001 Art. 14, 004 §6(2)); the seeds set no periods ---------
# Working days from a record taking effect until its reminder is overdue.
REMINDER_DUE_WORKING_DAYS = env.int("CREDITREG_REMINDER_DUE_WORKING_DAYS", default=10)
# Working days from a missed rectification deadline until the follow-up interview is overdue.
INTERVIEW_DUE_WORKING_DAYS = env.int("CREDITREG_INTERVIEW_DUE_WORKING_DAYS", default=10)
# Records decided longer ago than this (e.g. a historical import) get no reminder of their own.
REMINDER_LOOKBACK_DAYS = env.int("CREDITREG_REMINDER_LOOKBACK_DAYS", default=90)
# Kinds that bring no reminder of their own: a listing follows a determination that already brought one,
# another department's grade is not a behaviour of the party, a complaint is not a finding.
REMINDER_EXCLUDED_KINDS = env.list(
    "CREDITREG_REMINDER_EXCLUDED_KINDS", default=["joint_punishment_list", "low_grade", "complaint"]
)

# --- platform exchange (exchange app) ----------------------------------------------------------------
# Transport of the outbox: "file" (a drop directory the platform collects) or "http" (POST, signed).
EXCHANGE_TRANSPORT = env("CREDITREG_EXCHANGE_TRANSPORT", default="file")
EXCHANGE_FILE_DIR = env.path("CREDITREG_EXCHANGE_DIR", default=BASE_DIR / "exchange-drop")
EXCHANGE_HTTP_URL = env("CREDITREG_PLATFORM_URL", default="")
EXCHANGE_HTTP_SECRET = env("CREDITREG_PLATFORM_SECRET", default="")
EXCHANGE_HTTP_TIMEOUT_SECONDS = env.float("CREDITREG_PLATFORM_TIMEOUT_SECONDS", default=15.0)
EXCHANGE_HTTP_PROXY = env("CREDITREG_PLATFORM_PROXY", default="")
EXCHANGE_BATCH_SIZE = env.int("CREDITREG_EXCHANGE_BATCH_SIZE", default=500)
# After this many failed attempts an item is marked failed and shown in the admin with the error.
EXCHANGE_MAX_ATTEMPTS = env.int("CREDITREG_EXCHANGE_MAX_ATTEMPTS", default=10)
# Backoff after the n-th failed attempt: base × 2^(n−1) seconds, at most the maximum.
EXCHANGE_BACKOFF_SECONDS = env.float("CREDITREG_EXCHANGE_BACKOFF_SECONDS", default=60.0)
EXCHANGE_BACKOFF_MAX_SECONDS = env.float("CREDITREG_EXCHANGE_BACKOFF_MAX_SECONDS", default=6 * 3600.0)
# A batch not finished within its lease is taken to be lost with its worker; its items are claimed again.
EXCHANGE_LEASE_SECONDS = env.float("CREDITREG_EXCHANGE_LEASE_SECONDS", default=300.0)
# One scheduled delivery run stops after this long (the next beat tick continues).
EXCHANGE_DELIVERY_BUDGET_SECONDS = env.float("CREDITREG_EXCHANGE_BUDGET_SECONDS", default=50.0)
EXCHANGE_DELIVERY_INTERVAL_SECONDS = env.float("CREDITREG_EXCHANGE_INTERVAL_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE["exchange-deliver"] = {
    "task": "exchange.deliver",
    "schedule": EXCHANGE_DELIVERY_INTERVAL_SECONDS,
}
# 003 §3(2): the yearly evaluation of every scheme, reported on December 15.
CELERY_BEAT_SCHEDULE["grading-yearly-run"] = {
    "task": "grading.yearly_run",
    "schedule": crontab(month_of_year=12, day_of_month=15, hour=2, minute=0),
}

# --- REST API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "creditreg.api.AutoSchema",
    "EXCEPTION_HANDLER": "creditreg.api.exception_handler",
    # The public look-up (API and pages) is open to anyone: requests per client address.
    "DEFAULT_THROTTLE_RATES": {
        "public_api": env("CREDITREG_PUBLIC_API_RATE", default="30/minute"),
        "public_pages": env("CREDITREG_PUBLIC_PAGES_RATE", default="60/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "creditreg API",
    "DESCRIPTION": "County credit grading and classified supervision (信用分级分类监管).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SubjectKindEnum": "subjects.models.SubjectKind",
        "RecordStatusEnum": "records.models.RecordStatus",
        "SeverityEnum": "records.models.Severity",
        "SeveritySourceEnum": "records.models.SeveritySource",
    },
}

# --- logging ----------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # One line per task run is noise in the embedded mode, where tasks run inline in the web process.
    "loggers": {"celery.app.trace": {"level": env("CELERY_TRACE_LOG_LEVEL", default="WARNING")}},
}
