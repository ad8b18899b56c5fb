"""Settings for the rehabilitation case-management system.

Everything that differs between a laptop, CI and production comes from the environment (see README,
"Configuration"). The defaults are those of a developer's laptop: DEBUG on, an SQLite file, no broker
(Celery tasks run in-process). With DEBUG off the process refuses to start without a real SECRET_KEY.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str
from config.error_reporting import init_sentry, parse_admins

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=True)
# Django's page listing every URL pattern when one is missing, for developers who ask (config.middleware).
DEBUG_URL_LIST = DEBUG and env_bool("DJANGO_DEBUG_URL_LIST", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API documentation page's assets, from PyPI (no CDN)
    "oauth2_provider",  # partner systems' OAuth2 client credentials (api.models.PartnerClient)
    # Ours, from the bottom of the layout up (see docs/design.md).
    "core",
    "institutions",
    "accounts",
    "audit",
    "agreements",
    "inmates",
    "assessments",
    "rehab",
    "privacy",
    "exchange",
    "reports",
    "subscriptions",  # emails when a monthly report is ready: above reports, which signals it
    "dashboard",
    "api",
    "demo",
]

MIDDLEWARE = [
    # The health check, first: probed by address over plain HTTP, before the host check and the HTTPS
    # redirect, and left out of the request log (a probe every few seconds says nothing).
    "config.health.HealthCheckMiddleware",
    # Next: the request's log context (id, user id, route) spans every other middleware (config.logs).
    "config.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a cookie, a header or a parameter: NUL and lone surrogates never go further.
    "config.input_guard.UnstorableInputMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.security.NoStoreForSignedInMiddleware",
    # Every view needs a login unless it is marked @login_not_required (login, health check, language).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    # Break-glass grants of the session: read by the visibility rule (inmates) and named in the audit trail.
    "privacy.middleware.EmergencyAccessMiddleware",
    "config.middleware.NoUrlListMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "privacy.context_processors.emergency_access",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------------
# DATABASE_URL=postgres://user@host:5432/name in CI and production; an SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT off: this workload is many short queries and a few aggregates of a few seconds at most, and JIT
    # compilation measured at 3.5 s of a 3.8 s cohort query on national data (issue 16), never paying back.
    # The word similarity at which the WBP search takes a word as a spelling of a name's word: pg_trgm's
    # default, 0.6, misses "Zaenal" for "Zainal" (4 trigrams shared of 10 in either: 0.4; inmates.lookups).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str(
        "DATABASE_PG_OPTIONS", "-c jit=off -c pg_trgm.word_similarity_threshold=0.4"
    )
    # psycopg's connection pool, per process, for web processes with many threads (gunicorn --threads): they
    # share a few connections instead of holding one each. It replaces persistent connections (Django refuses
    # both); health checks then happen as a connection leaves the pool. Unset (0): persistent connections.
    DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 0)
    if DATABASE_POOL_MAX_SIZE:
        DATABASE_POOL_MIN_SIZE = env_int("DATABASE_POOL_MIN_SIZE", 1)
        if not 0 <= DATABASE_POOL_MIN_SIZE <= DATABASE_POOL_MAX_SIZE:
            raise ImproperlyConfigured(
                f"DATABASE_POOL_MIN_SIZE ({DATABASE_POOL_MIN_SIZE}) must be from 0 to DATABASE_POOL_MAX_SIZE "
                f"({DATABASE_POOL_MAX_SIZE})."
            )
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": DATABASE_POOL_MIN_SIZE,
            "max_size": DATABASE_POOL_MAX_SIZE,
            # Seconds a request waits for a free connection before it fails.
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The month's figures (reports.figures) are a dozen independent counts: on PostgreSQL they run on this many
# connections at once, reading one snapshot (core.parallel_reads). 1: one after another, on one connection.
PARALLEL_READ_CONNECTIONS = env_int("PARALLEL_READ_CONNECTIONS", 2)

# --- Read replica (issue 21) ------------------------------------------------------------------------------
# DATABASE_REPLICA_URL set: the dashboards' figures, the report figures and the list exports read from this
# second database (a streaming replica of the primary); every write and every other read stays on the
# primary (core.replica). Same connection options as the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
        # A replica that does not answer within this many seconds is passed over for the primary.
        DATABASES["replica"]["OPTIONS"]["connect_timeout"] = env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 3)
# The alias the heavy reads go to, or "" for none (then everything reads from the primary).
READ_REPLICA = "replica" if DATABASE_REPLICA_URL else ""
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# --- end of read replica ----------------------------------------------------------------------------------

# --- Accounts -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.GuessableWordsValidator"},
]
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)  # one working day
# Signed out after this long without a request (accounts.middleware.IdleTimeoutMiddleware): a shared office
# PC left open in a prison must not stay signed in to people's health records.
SESSION_IDLE_TIMEOUT = env_int("DJANGO_SESSION_IDLE_TIMEOUT", 30 * 60)
# Lockout after repeated failed logins (accounts.lockout): per name typed, and per client address (set higher,
# because a whole office may share one address behind its router).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# Administrators never set passwords: users choose theirs from a one-time link mailed to them (new accounts
# and resets alike, accounts.services). The link works once and for this long.
PASSWORD_RESET_TIMEOUT = env_int("DJANGO_PASSWORD_LINK_HOURS", 72) * 60 * 60

# --- Language and time --------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown in the institution's zone (accounts.middleware activates it per request).
TIME_ZONE = "Asia/Jakarta"

# --- Static files -------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from the npm registry (package.json); `make assets` installs it.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded documents (signed agreements) live here, outside the static and media roots, and are served only
# through views that check scope and audit the download. Never point a web server at this folder.
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
AGREEMENT_DOCUMENT_MAX_MB = env_int("AGREEMENT_DOCUMENT_MAX_MB", 10)
# Largest SDP export accepted (a national file of 300,000 rows is about 60 MB as CSV).
SDP_IMPORT_MAX_MB = env_int("SDP_IMPORT_MAX_MB", 100)
# An import applies in one transaction; a national file can take a while.
SDP_IMPORT_TIME_LIMIT = env_int("SDP_IMPORT_TIME_LIMIT", 3 * 60 * 60)
# Uploaded SDP exports hold every WBP's identity: kept privately this many days (to re-read the preview and
# the rejected rows), then deleted by a daily job; the import's record and checksum stay.
SDP_IMPORT_KEEP_DAYS = env_int("SDP_IMPORT_KEEP_DAYS", 30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery -------------------------------------------------------------------------------------------
# REDIS_URL set: a real broker (CI, production). Unset: tasks run in-process, eagerly (laptop, `make run`).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# The cache carries an import's progress from the worker to the status page: shared through Redis when there
# is one, in-process otherwise (where tasks run in-process too).
# A Redis that is down or unreachable makes the cache miss (core.cache), never a page fail: every use of it
# is a shortcut (counted figures, import progress, the API's rate counts), and waits 2 s at most.
CACHES = {
    "default": {
        "BACKEND": "core.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# A task whose worker process dies is put back on the queue; the tasks claim their row, so it runs once.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# The month's fan-out computes every scope's figures and their protection first: minutes for the nation.
REPORT_MONTH_TIME_LIMIT = env_int("REPORT_MONTH_TIME_LIMIT", 30 * 60)
# A worker's child process is replaced after this many tasks: WeasyPrint and matplotlib keep memory (fonts,
# caches, fragmentation) that a long-lived process never gives back. 0: never replaced.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50) or None
# Redis has no acknowledgements of its own: a message taken by a worker is kept aside, and handed out again
# when it has not been acknowledged within visibility_timeout. With acks_late a task is acknowledged when it
# ends, so the timeout must outlast the longest hard time limit (an SDP import's, then the month's fan-out,
# REPORT_MONTH_TIME_LIMIT): shorter, and a task still running would be given to a second worker. The margin
# covers a worker that is slow to take it. A worker whose child process dies is not waited for: the task is
# put back at once (CELERY_TASK_REJECT_ON_WORKER_LOST); a whole worker lost (machine, container) is waited
# for this long, and the sweepers (core.tasks, reports.tasks, exchange.tasks) find its rows well before.
# Countdowns (retries' backoff, at most 15 minutes) must stay below it too, or the task would run twice.
LONGEST_TASK_SECONDS = max(CELERY_TASK_TIME_LIMIT, REPORT_MONTH_TIME_LIMIT + 60, SDP_IMPORT_TIME_LIMIT + 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": LONGEST_TASK_SECONDS + 10 * 60,
    # A page that queues a job waits this long for a broker that is down or unreachable (core.jobs), not
    # minutes; larger than BRPOP's 1 s wait, so a worker's idle wait for a task is not cut short.
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing retries twice, quickly, then gives up: the job is kept to be sent by the sweeper (core.jobs).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# A worker started before Redis waits for it (and says so) instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# Minutes between rebuilds of the recidivism dashboard's release outcomes (a divisor of 60); the page says
# how old they are and asks for a rebuild when they are older than twice this.
RELEASE_OUTCOMES_EVERY = env_int("RELEASE_OUTCOMES_EVERY", 15)
if RELEASE_OUTCOMES_EVERY not in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60):
    raise ImproperlyConfigured("RELEASE_OUTCOMES_EVERY must divide an hour: 1–6, 10, 12, 15, 20, 30 or 60.")
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BEAT_SCHEDULE: dict = {
    # Daily, before the working day starts in every zone (07:00 WIB is 09:00 WIT).
    # The 1st of every month at 02:00 WIB: last month's reports for every UPT, region and the nation.
    "monthly-reports": {
        "task": "reports.tasks.monthly_reports",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    # The recidivism dashboard's release outcomes (reports.release_outcomes), rebuilt whole.
    "release-outcomes": {
        "task": "reports.tasks.refresh_release_outcomes",
        "schedule": crontab(minute=f"*/{RELEASE_OUTCOMES_EVERY}"),
    },
    # Jobs that could not be queued (the broker was down), sent once it is back; then reports and imports
    # left running by a worker that died.
    "jobs-unsent": {"task": "core.tasks.send_unsent_jobs", "schedule": crontab()},
    "reports-stuck": {"task": "reports.tasks.sweep_stuck_reports", "schedule": crontab(minute="*/5")},
    "sdp-imports-stuck": {"task": "exchange.tasks.sweep_stuck_imports", "schedule": crontab(minute="*/5")},
    "sdp-import-files-expired": {
        "task": "exchange.tasks.delete_expired_files",
        "schedule": crontab(hour=3, minute=30),
    },
    "agreement-expiry-reminders": {
        "task": "agreements.tasks.send_expiry_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    "daily-digests": {"task": "dashboard.tasks.send_daily_digests", "schedule": crontab(hour=5, minute=30)},
    # Files with personal data handed over through 24-hour links (privacy.models.HandOver): deleted after.
    "hand-overs-expired": {"task": "privacy.tasks.delete_expired_hand_overs", "schedule": crontab(minute=15)},
    # The 2nd of every month at 03:00 WIB: what the retention schedule makes due, for the DPO to approve.
    "retention-plan": {
        "task": "privacy.tasks.plan_retention",
        "schedule": crontab(day_of_month=2, hour=3, minute=0),
    },
}

# How many reverse proxies run in front of the app (each appends to X-Forwarded-For). The audit trail takes
# the client's address from that header only when this is set; behind one proxy it is 1.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# --- Personal data protection (UU 27/2022) ---------------------------------------------------------------
# Who a breach notice is addressed to (Art. 46): the data-protection authority ("lembaga") the law provides;
# until it is set up, the ministry in charge of it.
PDP_AUTHORITY = env_str(
    "PDP_AUTHORITY",
    "Lembaga Pelindungan Data Pribadi, c.q. Kementerian Komunikasi dan Digital Republik Indonesia",
)

# A list exported with this many people or more asks why so many, and tells the data-protection officer.
EXPORT_REASON_FROM = env_int("EXPORT_REASON_FROM", 100)
# Break-glass access to a record outside one's scope lasts at most this many hours (issue 18).
BREAK_GLASS_HOURS = env_int("BREAK_GLASS_HOURS", 4)

# --- Partner API (issue 19) -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.PartnerClientAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the documentation page, signed in
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.WorkScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_THROTTLE_RATE", "600/min")},
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only: a screening's answers and a session's marks are nested, which a form body cannot carry (the
    # schema would otherwise offer form and multipart bodies that are always refused).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rehab Lapas API",
    "DESCRIPTION": "Partner API: the same people, programmes and records as the pages, under the same rules.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The FHIR operation's `$` kept in its path (drf-spectacular drops it), after the default enum hook.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.fhir.schema.restore_operation_names",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProgrammeKind": "rehab.models.Programme.Kind",
        "SessionKind": "rehab.models.Session.Kind",
        "SessionStatus": "rehab.models.Session.Status",
        "ReportStatus": "reports.models.Report.Status",
        "AttendanceStatus": "rehab.models.Attendance.Status",
        "AgreementKind": "agreements.models.Agreement.Kind",
        "InstitutionKind": "institutions.models.Institution.Kind",
        "CountSuppressed": "api.report_serializers.SUPPRESSED",
        "FigureWithheld": "api.report_serializers.WITHHELD_ONLY",
    },
}
# A personal API token lasts this many days unless asked otherwise (api_token create --days).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
# Partner systems: OAuth2 client credentials only (api_client create), scopes = agreement work kinds.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "api.oauth.PartnerScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OAUTH_ACCESS_TOKEN_SECONDS", 3600),
    # RFC 9700 (OAuth 2.0 Security BCP): tokens stored only as hashes, never taken from a query string, and
    # none of the grants a client-credentials service has no use for.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # named for the migrations' dependency

# --- Pages --------------------------------------------------------------------------------------------
PAGE_SIZE = env_int("PAGE_SIZE", 25)
# After-care follow-ups after release, in months (issue 6: 1, 3, 6 and 12).
AFTERCARE_FOLLOWUP_MONTHS = [int(m) for m in env_list("AFTERCARE_FOLLOWUP_MONTHS", ["1", "3", "6", "12"])]
# Re-screen with ASSIST this many days after the last screening (the person page shows when it is due).
RESCREENING_INTERVAL_DAYS = env_int("RESCREENING_INTERVAL_DAYS", 180)

# --- Security (production) ----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only this site's own scripts and styles (config.security). img-src allows data: for the survival charts,
# which are SVG images inlined as data URLs; an SVG shown as an image can run no script.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Probes ask over plain HTTP (config.health.HealthCheckMiddleware answers them before this applies).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "noreply@rehab-lapas.local")
# SMTP, when DJANGO_EMAIL_BACKEND is the smtp backend (the password from a secret store).
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=True)
# The address users reach the application at, for links in emails sent by scheduled jobs (no request there).
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

# --- Logging (issue 21: config.logs) -------------------------------------------------------------------
# json: one JSON object per line with request id, user id and route (production); text: readable (laptop).
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "config.logs.ContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"()": "config.logs.TextFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]},
        # Errors mailed to ADMINS in production, without the request's contents (config.error_reporting).
        "mail_admins": {
            "()": "config.error_reporting.AdminErrorEmailHandler",
            "level": "ERROR",
            "filters": ["context", "require_debug_false"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handlers for these (a plain console and its own admin mail, which would send the
        # request's cookies and data) are replaced: they propagate to the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # runserver's line has the query string; rehab.request writes a line per request without it.
        "django.server": {"handlers": [], "level": "INFO" if LOG_FORMAT == "text" else "WARNING"},
        # WeasyPrint narrates every step of a render and every SVG property it skips: only errors, please.
        **{name: {"level": "ERROR"} for name in ("weasyprint", "fontTools")},
        # oauthlib writes access tokens into its debug messages: never below warnings, whatever the level.
        **{name: {"level": "WARNING"} for name in ("oauthlib", "oauth2_provider")},
    },
}

# --- Error reporting and backups (issue 21) -----------------------------------------------------------
# DJANGO_ADMINS="Tim Operasional <ops@example.go.id>, oncall@example.go.id": mailed on errors in production.
ADMINS = parse_admins(env_str("DJANGO_ADMINS"))
SERVER_EMAIL = env_str("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = env_str("DJANGO_EMAIL_SUBJECT_PREFIX", "[Rehab Lapas] ")
# Errors to a Sentry-compatible server when set, with personal data scrubbed before sending.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=env_str("SENTRY_RELEASE") or None,
    )
# Backups (manage.py backup / restore) read their key from BACKUP_KEY in the environment when they run, never
# from settings, so the key shows on no settings page and in no error report.
