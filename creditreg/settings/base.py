"""Settings read from the environment (django-environ).

Without any environment variable the project runs on the embedded default: an SQLite file beside
``manage.py`` and Celery tasks executed inline. Production sets ``DATABASE_URL``, ``REDIS_URL``,
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and the ``DJANGO_SECURE_*`` switches; nothing else differs.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Pages, style and the catalogue ship inside the package, so an installed wheel has them too.
PACKAGE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
# Where the embedded database, uploads and drop folders go by default: the checkout when run from one,
# else the working directory (an installed wheel must not write into site-packages).
DATA_DIR = Path(
    env.str("CREDITREG_DATA_DIR", default=str(BASE_DIR if (BASE_DIR / "manage.py").is_file() else Path.cwd()))
)

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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "core",
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
    "inspections",
    "public",
    "reports",
    "accesslog",
    "documents",
    "workbench",
    "creditreports",
    # The project package itself, for its commands (load_demo) and its tasks.
    "creditreg",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so every response gets the policy, error pages and lock-out pages included.
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.LoginPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After authentication: logs the reads of personal data a request made (003 §5(1)).
    "accesslog.middleware.AccessLogMiddleware",
    # django-axes wants to be last: it turns a login refused for a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "creditreg.urls"
WSGI_APPLICATION = "creditreg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
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
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode serves several users from one SQLite file: readers never block the writer and
    # the writer never blocks readers (WAL); a transaction takes the write lock when it begins, so two
    # writers queue for up to ``timeout`` seconds instead of failing with "database is locked" when
    # one of them upgrades a read; and long work (an import) commits in short chunks.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", env.int("CREDITREG_SQLITE_TIMEOUT", default=20))
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
# An optional streaming replica for the reads that may lag (core/routers.py): reports, exports and the
# public list pages; the look-up of a subject and every write stay on the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]
CREDITREG_REPLICA_READS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every password check of a locked-out user name or address (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# SPEC §6/§7, GB/T 22239-2019 level 3 (身份鉴别): at least 8 characters from 3 of the 4 classes, not
# the user name nor like it, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.UserNameInPasswordValidator"},
]

# --- login security (GB/T 22239-2019 level 3, application level; SPEC §6, §7) ------------------------
# Proxies in front of the application that append the client address to X-Forwarded-For. 0: the
# header is ignored and the address is REMOTE_ADDR (a client can write any X-Forwarded-For it likes).
# The login lock-out, the rate limits and the access log read the client address the same way, through
# core/http.py: client_address.
TRUSTED_PROXY_COUNT = env.int("CREDITREG_TRUSTED_PROXY_COUNT", default=0)
# Failed logins (django-axes): this many failures of one user name from one address lock that user
# name at that address; this many failures of one user name from all addresses together lock the
# user name everywhere (a guess spread over many addresses). The lock ends after the cool-off.
LOGIN_FAILURE_LIMIT = env.int("CREDITREG_LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("CREDITREG_LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
LOGIN_LOCKOUT_MINUTES = env.int("CREDITREG_LOGIN_LOCKOUT_MINUTES", default=30)
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_VERBOSE = False
# A session ends after this many minutes without a request, and in any case this long after the login
# (SESSION_COOKIE_AGE, below).
SESSION_IDLE_MINUTES = env.int("CREDITREG_SESSION_IDLE_MINUTES", default=30)
# Second factor (TOTP, django-otp): the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = env("CREDITREG_OTP_ISSUER", default="creditreg")
# Password reset mails go to the address on record; the console by default (embedded mode), SMTP in
# production, e.g. EMAIL_URL=smtp+tls://user:password@mail.example:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="creditreg@localhost")
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=3600)
# Content-Security-Policy of every response: scripts and styles from our own static files only.
CONTENT_SECURITY_POLICY = env(
    "CREDITREG_CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
)

# --- language and time: Chinese first ---------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=DATA_DIR / "staticfiles")
# creditreg/static is found as an installed app's static folder.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=DATA_DIR / "media")
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
# The address the public reaches the site at: the QR code and the check address printed on every
# document the system issues point there (SPEC §5 Documents, §7 /verify/NUMBER/).
CREDITREG_PUBLIC_URL = env("CREDITREG_PUBLIC_URL", default="http://127.0.0.1:8000")
# SPEC §3.4: months a record stays published after its decision date, by severity (the maximum of
# each range by default) and for positive records (our choice: one year, the grading window).
RECORD_PUBLICATION_MONTHS = {"minor": 3, "general": 12, "serious": 36, "positive": 12}
# An administrative licence is published until its 有效期至; one given without it, this many months from
# the decision (records/publication.py).
LICENCE_PUBLICATION_MONTHS_WITHOUT_END = env.int("CREDITREG_LICENCE_PUBLICATION_MONTHS", default=36)
IMPORT_MAX_BYTES = env.int("CREDITREG_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# Caps of an upload on the web (records/importing.py): data rows, and the unpacked size of an .xlsx
# (a zip archive). ``manage.py import_records`` (the credit office's historical migrations) has its
# own, higher caps, which its --max-rows and --max-unpacked-mb options raise further.
IMPORT_MAX_ROWS = env.int("CREDITREG_IMPORT_MAX_ROWS", default=50_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("CREDITREG_IMPORT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
IMPORT_COMMAND_MAX_ROWS = env.int("CREDITREG_IMPORT_COMMAND_MAX_ROWS", default=2_000_000)
IMPORT_COMMAND_MAX_UNCOMPRESSED_BYTES = env.int(
    "CREDITREG_IMPORT_COMMAND_MAX_UNCOMPRESSED_BYTES", default=4 * 1024 * 1024 * 1024
)
# A sheet packed more than this many times smaller than its content is a decompression bomb, not a
# workbook saved by Excel or WPS (they pack sheet data 5–30 times).
IMPORT_MAX_COMPRESSION_RATIO = env.int("CREDITREG_IMPORT_MAX_COMPRESSION_RATIO", default=100)
# Rows written per transaction: the longest another writer waits for an import.
IMPORT_CHUNK_ROWS = env.int("CREDITREG_IMPORT_CHUNK_ROWS", default=1000)
# Without a broker (embedded mode, tasks inline) an upload is imported by a thread of the web process,
# so the request returns at once; off, it runs inline in the request (the tests).
IMPORT_IN_THREAD = env.bool("CREDITREG_IMPORT_IN_THREAD", default=True)
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
    # A department's black listing takes effect once its statement period is over; listings past their
    # period end (SPEC §3.6). Reads do the same first, so this only catches up with the quiet night.
    "measures-department-listings": {
        "task": "measures.department_listings_settle",
        "schedule": crontab(hour=0, minute=5),
    },
    # Objections left without the material asked for 10 working days are withdrawn (SPEC §5).
    "objections-withdraw-due": {"task": "objections.withdraw_due", "schedule": crontab(hour=0, minute=50)},
    # 003 §6(1): the year's summary reaches the credit office by December 20.
    "reports-yearly-summary": {
        "task": "reports.generate_yearly",
        "schedule": crontab(month_of_year=12, day_of_month=20, hour=2, minute=30),
    },
}

# --- access log (查询使用, 003 §5(1)) ---------------------------------------------------------------
# Days an access-log entry is kept; at least 183 (six months, 网络安全法 Art. 21): a shorter value is
# refused by a system check and by the purge. The audit log is never purged.
ACCESS_LOG_RETENTION_DAYS = env.int("CREDITREG_ACCESS_LOG_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["accesslog-purge"] = {"task": "accesslog.purge", "schedule": crontab(hour=3, minute=15)}
# Uploads kept across a form's errors live a day (core.files.HOLD_MAX_AGE); older ones are deleted.
CELERY_BEAT_SCHEDULE["held-uploads-purge"] = {
    "task": "creditreg.purge_held_uploads",
    "schedule": crontab(hour=3, minute=25),
}
# Minutes the purpose a staff member stated for opening a subject's credit file holds for that file
# (004 §4(2) 按需共享; workbench/openings.py); then it is asked again.
CREDIT_FILE_OPENING_MINUTES = env.int("CREDITREG_CREDIT_FILE_OPENING_MINUTES", default=30)

# --- grading runs -----------------------------------------------------------------------------------
# The nightly regrade on workers: one task per block of this many subject ids, every scheme of the
# block in one transaction; a dynamic regrade waits only for its subjects' block (grading/writer.py
# grading_lock). The same value in every process that grades.
GRADING_BLOCK_SUBJECTS = env.int("CREDITREG_BLOCK_SUBJECTS", default=50_000)
# Subjects per chunk of a yearly run: the unit of work a worker takes (and does again after a crash).
GRADING_CHUNK_SUBJECTS = env.int("CREDITREG_CHUNK_SUBJECTS", default=5000)
# A chunk being graded beats every HEARTBEAT seconds; one "running" with no beat for STALE seconds is
# taken to be lost with its process and is sent again (by the waiting command and the beat entry).
GRADING_CHUNK_HEARTBEAT_SECONDS = env.float("CREDITREG_CHUNK_HEARTBEAT_SECONDS", default=5.0)
GRADING_CHUNK_STALE_SECONDS = env.float("CREDITREG_CHUNK_STALE_SECONDS", default=30.0)
# A pending chunk sent this long ago and still not taken (its message lost with the broker) is sent again.
GRADING_CHUNK_RESEND_SECONDS = env.float("CREDITREG_CHUNK_RESEND_SECONDS", default=600.0)
# How often beat looks for runs with lost chunks (grading.recover_runs): with the stale time, a lost
# chunk is sent again within a minute. The look is one indexed query when no run is running.
GRADING_RECOVER_INTERVAL_SECONDS = env.float("CREDITREG_RUN_RECOVER_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE["grading-recover-runs"] = {
    "task": "grading.recover_runs",
    "schedule": GRADING_RECOVER_INTERVAL_SECONDS,
}
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
# Kinds that bring no reminder of their own: a listing follows a determination that already brought one
# (and a department's black listing has told and heard the subject first, SPEC §3.6), another
# department's grade is not a behaviour of the party, a complaint is not a finding, and a joint
# punishment notice relays another department's measure, whose department reminds (000 Art. 12).
REMINDER_EXCLUDED_KINDS = env.list(
    "CREDITREG_REMINDER_EXCLUDED_KINDS",
    default=[
        "joint_punishment_list",
        "department_black_list",
        "low_grade",
        "complaint",
        "joint_punishment_notice",
    ],
)

# --- a department's own red and black lists (002 §3(1), §4(3); SPEC §3.6); the seeds set no periods ------
# Working days a subject has to state its case (陈述申辩) before a black listing takes effect, by default;
# the department sets the days of each listing, from 1 to the maximum.
DEPARTMENT_LIST_HEARING_WORKING_DAYS = env.int("CREDITREG_DEPARTMENT_LIST_HEARING_DAYS", default=5)
DEPARTMENT_LIST_HEARING_MAX_WORKING_DAYS = env.int("CREDITREG_DEPARTMENT_LIST_HEARING_MAX_DAYS", default=30)
# The longest listing period, in years (SPEC §3.4: serious dishonesty is published at most 3 years).
DEPARTMENT_LIST_MAX_YEARS = env.int("CREDITREG_DEPARTMENT_LIST_MAX_YEARS", default=3)

# --- platform exchange (exchange app) ----------------------------------------------------------------
# Transport of the outbox: "file" (a drop directory the platform collects) or "http" (POST, signed).
EXCHANGE_TRANSPORT = env("CREDITREG_EXCHANGE_TRANSPORT", default="file")
EXCHANGE_FILE_DIR = env.path("CREDITREG_EXCHANGE_DIR", default=DATA_DIR / "exchange-drop")
EXCHANGE_HTTP_URL = env("CREDITREG_PLATFORM_URL", default="")
EXCHANGE_HTTP_SECRET = env("CREDITREG_PLATFORM_SECRET", default="")
EXCHANGE_HTTP_TIMEOUT_SECONDS = env.float("CREDITREG_PLATFORM_TIMEOUT_SECONDS", default=15.0)
EXCHANGE_HTTP_PROXY = env("CREDITREG_PLATFORM_PROXY", default="")
# Items per delivery batch: one HTTP request (a body the platform's server takes), and one set of files
# of the file transport (no request to keep small; fewer batches, fewer fixed costs per batch).
EXCHANGE_BATCH_SIZE = env.int("CREDITREG_EXCHANGE_BATCH_SIZE", default=500)
EXCHANGE_FILE_BATCH_SIZE = env.int("CREDITREG_EXCHANGE_FILE_BATCH_SIZE", default=5000)
# After this many failed attempts an item is marked failed and shown in the admin with the error.
EXCHANGE_MAX_ATTEMPTS = env.int("CREDITREG_EXCHANGE_MAX_ATTEMPTS", default=10)
# Backoff after the n-th failed attempt: base × 2^(n−1) seconds, at most the maximum.
EXCHANGE_BACKOFF_SECONDS = env.float("CREDITREG_EXCHANGE_BACKOFF_SECONDS", default=60.0)
EXCHANGE_BACKOFF_MAX_SECONDS = env.float("CREDITREG_EXCHANGE_BACKOFF_MAX_SECONDS", default=6 * 3600.0)
# A batch not finished within its lease is taken to be lost with its worker; its items are claimed again.
EXCHANGE_LEASE_SECONDS = env.float("CREDITREG_EXCHANGE_LEASE_SECONDS", default=300.0)
# Sooner: a batch being sent beats every HEARTBEAT seconds, and one with no beat for STALE seconds is
# taken to be lost with its process at the next claim.
EXCHANGE_HEARTBEAT_SECONDS = env.float("CREDITREG_EXCHANGE_HEARTBEAT_SECONDS", default=5.0)
EXCHANGE_STALE_SECONDS = env.float("CREDITREG_EXCHANGE_STALE_SECONDS", default=30.0)
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

# --- audit chain (issue 13; audit/chain.py) --------------------------------------------------------
# SM3 (GB/T 32905) by default: the 商用密码 hash GB/T 39786 asks of a level-3 system, and through
# OpenSSL as fast as the database can stream entries; sha256 where a partner can only check that.
AUDIT_HASH_ALGORITHM = env("CREDITREG_AUDIT_HASH", default="sm3")
# Entries one post-commit chaining step chains at most (about a second); a larger backlog goes to the
# audit.chain task.
AUDIT_CHAIN_STEP_LIMIT = env.int("CREDITREG_AUDIT_CHAIN_STEP_LIMIT", default=20000)
# Catch-up for an entry whose post-commit step found the lock taken just as the holder finished.
CELERY_BEAT_SCHEDULE["audit-chain"] = {"task": "audit.chain", "schedule": 300.0}
# Each day's head to the platform, late enough in the day to cover it.
CELERY_BEAT_SCHEDULE["audit-send-head"] = {
    "task": "audit.send_head",
    "schedule": crontab(hour=23, minute=55),
}

# --- REST API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SecondFactorSessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # The public look-up (API and pages) is open to anyone: requests per real client address. A look-up
    # by identity number has a budget of its own, about as fast as a person types one (SPEC §6).
    "DEFAULT_THROTTLE_RATES": {
        "public_api": env("CREDITREG_PUBLIC_API_RATE", default="30/minute"),
        "public_pages": env("CREDITREG_PUBLIC_PAGES_RATE", default="60/minute"),
        "public_identity": env("CREDITREG_PUBLIC_IDENTITY_RATE", default="6/minute"),
    },
    # Any DRF throttle keyed by address reads X-Forwarded-For only as far as trusted proxies wrote it.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
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

# --- subject accounts: linking only by a proof of control (SPEC §6) ---------------------------------
CREDITREG_LINK_CODE_TTL_MINUTES = env.int("CREDITREG_LINK_CODE_TTL_MINUTES", default=15)
CREDITREG_LINK_CODE_ATTEMPTS = env.int("CREDITREG_LINK_CODE_ATTEMPTS", default=5)
# Dotted path of ``send(*, phone, text)``: the county's SMS gateway; empty: codes go by e-mail only.
CREDITREG_SMS_SENDER = env("CREDITREG_SMS_SENDER", default="")
# Attempt limits per client address and per subject; see objections/throttles.py for the scopes.
CREDITREG_ACCOUNT_LINK_RATES: dict[str, str] = {}

# --- logging ----------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # One line per task run is noise in the embedded mode, where tasks run inline in the web process.
    "loggers": {
        "celery.app.trace": {"level": env("CELERY_TRACE_LOG_LEVEL", default="WARNING")},
        # django-axes logs every login at INFO; failures and lock-outs are warnings (and audited).
        "axes": {"level": env("AXES_LOG_LEVEL", default="WARNING")},
    },
}
