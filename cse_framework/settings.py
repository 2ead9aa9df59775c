"""CSE Framework settings: one module, configured from the environment.

With nothing set the app runs on its embedded defaults (SQLite in var/, a filesystem Celery broker,
e-mail to the console). Production differs only by environment variables: DJANGO_ENV=production,
DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)


def _development_secret() -> str:
    """A per-checkout secret, generated once into var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = (
    env.str("SECRET_KEY")
    if PRODUCTION
    else env.str("SECRET_KEY", default="") or (_development_secret())
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram search on PostgreSQL; inert on SQLite
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "cse_framework.accounts",
    "cse_framework.audit",
    "cse_framework.notices",
    "cse_framework.timescales",
    "cse_framework.dashboards",
    "cse_framework.synthetic",
    "referrals",
    "strategy",
    "shield",
    "macse",
    "intelligence",
    "returns",
    "governance.leavers",
    "governance.subject_access",
    "governance.retention",
    "governance.breakglass",
]

MIDDLEWARE = [
    "cse_framework.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cse_framework.accounts.middleware.SessionLimitsMiddleware",
    "cse_framework.accounts.middleware.VerifiedUserRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cse_framework.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cse_framework.urls"
WSGI_APPLICATION = "cse_framework.wsgi.application"
ASGI_APPLICATION = "cse_framework.asgi.application"

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
                "cse_framework.context_processors.service",
            ],
            "builtins": ["cse_framework.templatetags.govuk"],
        },
    },
]
# GOV.UK Design System field templates (docs/adr/0002-form-rendering.md).
FORM_RENDERER = "cse_framework.forms.GovukFormRenderer"

# --- Database -------------------------------------------------------------------------------
# SQLite by default: WAL, IMMEDIATE transactions and a busy timeout, so the web server, the
# Celery worker and beat can share one file without "database is locked".
DATABASE_URL = (
    env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'cse_framework.sqlite3'}"
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A page's queries read few rows through indexes; a parallel plan (chosen when the planner
    # overestimates rows, as it does for ranges under a partial index) spends more starting its
    # workers than it saves and takes cores from other requests. Off by default for the web; a
    # process running long reports can turn it back on (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={env.int('DATABASE_PARALLEL_WORKERS', default=0)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache both derive from REDIS_URL ---------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _broker = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control"):
        (_broker / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "out"),
        "data_folder_out": str(_broker / "out"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),
        "store_processed": False,
    }

# --- Celery ---------------------------------------------------------------------------------
# A broker outage must never hang a request: publishing gives up quickly, and the outbox sweeper
# sends whatever was not handed over (architecture.md, "Nothing the user was promised is lost").
CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "send-outbox": {"task": "cse_framework.notices.tasks.outbox_sweep", "schedule": 60.0},
    "scan-deadlines": {"task": "cse_framework.timescales.tasks.scan_deadlines", "schedule": 60.0},
    "refresh-clock-performance": {
        "task": "cse_framework.dashboards.tasks.refresh_performance",
        "schedule": 60.0,
    },
    "retention-scan": {"task": "governance.retention.tasks.retention_scan", "schedule": 86400.0},
}

# --- Timescales (docs/adr/0007-deadlines-are-data.md) ------------------------------------------
# A clock is "due soon" once this share of its time has gone, and escalated to the team manager
# once it is overdue by this share of its length (24h clock: due soon at 18h, escalated at 36h).
TIMESCALES_DUE_SOON_SHARE = env.float("TIMESCALES_DUE_SOON_SHARE", default=0.75)
TIMESCALES_ESCALATE_SHARE = env.float("TIMESCALES_ESCALATE_SHARE", default=0.5)
# Durations of the framework's clocks, e.g. {"strategy_discussion": {"amount": 24}}.
TIMESCALES_CLOCKS = env.json("TIMESCALES_CLOCKS", default={})

# --- Accounts and sign-in -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cse_framework.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works once, within 1 hour

# Lock-out after repeated failures (django-axes): 5 failures, 15 minutes, per account.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "cse_framework.accounts.signin.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cse_framework.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Sessions: 30 minutes idle (warning at 25), 12 hours in all.
SESSION_COOKIE_AGE = 30 * 60
SESSION_IDLE_WARNING_SECONDS = 25 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = "CSE Framework"

# --- Security headers -----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
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
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload only once the council has agreed to it (quality.md 1.5).
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files (whitenoise; the GOV.UK Design System is built into static/build) ----------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
# A relay that stops answering must not hang the worker (and with it the outbox sweeper).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cse-framework@example.invalid")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Where intelligence is sent on to police (issue 8): the e-mail carries a reference and a link.
POLICE_INTELLIGENCE_MAILBOX = env.str(
    "POLICE_INTELLIGENCE_MAILBOX", default="intelligence-mailbox@police.example"
)
# The area whose quarterly return this is (issue 9): written into every file, so the returns of
# the five Merseyside areas can be put side by side.
RETURN_AREA_NAME = env.str("RETURN_AREA_NAME", default="Knowsley")
# Break-glass (issue 10): how long emergency access to a child's record outside the user's access
# lasts before it must be asked for again.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=30)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an unauthenticated API call answers 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cse_framework.api.TokenAuthenticationVerified",
        "cse_framework.api.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cse_framework.api.IsSignedIn"],
    # JSON only: the browsable API's inline scripts would break under the CSP; /api/docs/ serves.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CSE Framework API",
    "DESCRIPTION": "Case management for the Knowsley multi-agency CSE framework.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["cse_framework.api.IsSignedIn"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for each choice set that several models share.
    "ENUM_NAME_OVERRIDES": {
        "EthnicityEnum": "referrals.models.Ethnicity",
        "GenderEnum": "referrals.models.Child.Gender",
        "YesNoNotKnownEnum": "referrals.models.YesNoNotKnown",
        "FlagKindEnum": "shield.models.Flag.Kind",
        "AssessmentKindEnum": "shield.models.Assessment.Kind",
        "ClockKindEnum": "cse_framework.timescales.clocks.Kind",
        "NoticeKindEnum": "cse_framework.notices.models.Notice.Kind",
        "BandEnum": "shield.models.scheme.BandCode",
        "MacseActionStatusEnum": "macse.models.Action.Status",
        "MacseActionSectionEnum": "macse.models.Action.Section",
        "IntelligenceLocationKindEnum": "intelligence.models.Location.Kind",
        "IntelligenceReportStatusEnum": "intelligence.models.Report.Status",
    },
}

# --- Logging: structured, no personal data ---------------------------------------------------
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cse_framework.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's request logger prints URLs and POST data on errors; we log our own events.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # /readyz reports a missing worker as "degraded"; the check's traceback is noise.
        "health_check": {"level": "ERROR"},
        "kombu.connection": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "cse_framework.views.csrf_failure"

# Partner staff sign in from shared council and NHS addresses: locking out by IP address would
# lock whole agencies out. Lock-out is per account (ASVS 2.2.1); see docs/adr/0003-sign-in.md.
# HSTS preload is a commitment the council makes, not a default (quality.md 1.5): W021 says only
# that SECURE_HSTS_PRELOAD is off.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]
