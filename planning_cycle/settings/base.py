"""Settings shared by every environment; values come from the environment (django-environ)."""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "guardian",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "planning_cycle",
    "workflows",
    "workflows.consultation",
    "workflows.council",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "planning_cycle.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out login into our own lockout page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "planning_cycle.urls"
WSGI_APPLICATION = "planning_cycle.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project's templates, then each workflow package's own (the engine's are in
        # the workflows app, found by APP_DIRS).
        "DIRS": [BASE_DIR / "templates", *sorted(BASE_DIR.glob("workflows/*/templates"))],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "planning_cycle.context_processors.navigation",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

# Without DATABASE_URL the product runs on an embedded SQLite file.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'planning_cycle.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, scheduler) share the file: wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

AUTH_USER_MODEL = "planning_cycle.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every login attempt of a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection of the login (django-axes): after LOGIN_FAILURE_LIMIT failed
# logins for one user name, or from one address, further attempts are refused for
# LOGIN_LOCKOUT_MINUTES (each new failure during the lockout starts it again).
# Management unlocks a user of its body on /konto/anmeldesperren/; a successful login clears
# the user's failures. Attempts are rows in the database, so every process counts them.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "planning_cycle.views.auth.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind reverse proxies the client's address is in X-Forwarded-For: LOGIN_PROXY_COUNT
# says how many proxies of ours are in front (0: none, the peer address is the client).
LOGIN_PROXY_COUNT = env.int("LOGIN_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...] = ("REMOTE_ADDR",)
if LOGIN_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = LOGIN_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Guardian: no anonymous user row; the public part of the product does not need one.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploaded documents and statements' attachments: outside every URL the web server
# serves; a view hands each file out only after the access gate allowed it.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
# The largest file a user may upload (bytes); larger ones are refused with a message.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

# One cache for all processes when Redis is there (the API rate limit then counts per
# installation, not per process); else each process keeps its own in memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="planning_cycle"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from this
# site; the vendored htmx and KERN UX need no inline script or style. KERN's icons are
# data: SVG images in its CSS. The API documentation pages relax this for themselves.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="planung@localhost")
# A hung mail server must not block a worker for ever: the send fails and is retried.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The address users reach the site at: e-mails link to it (no request to ask there).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery: with REDIS_URL (or CELERY_BROKER_URL) a Redis broker; without, an embedded
# file-system broker so web, worker and scheduler run with nothing else installed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif env.str("CELERY_BROKER_KEYPREFIX", default=""):
    # Installations (or test runs) sharing one Redis database keep their keys apart.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": env.str("CELERY_BROKER_KEYPREFIX")}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only after it ran, and a worker that dies running it hands it
# back: with the outbox lease below nothing is lost when a worker or the broker fails.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker waits for a broker that is down, however long, instead of giving up after 100
# tries; the outbox keeps what the broker lost.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Outbox delivery (notifications/services/outbox.py). A dispatched message is leased for
# OUTBOX_LEASE_SECONDS: if its task is lost (broker restarted, worker killed) the next
# dispatch after the lease queues it again. Failed deliveries wait 1, 2, 4 … minutes (at
# most OUTBOX_BACKOFF_MAX_SECONDS) and are given up after OUTBOX_MAX_ATTEMPTS tries.
OUTBOX_DISPATCH_SECONDS = env.float("OUTBOX_DISPATCH_SECONDS", default=10.0)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
OUTBOX_BACKOFF_BASE_SECONDS = env.int("OUTBOX_BACKOFF_BASE_SECONDS", default=60)
OUTBOX_BACKOFF_MAX_SECONDS = env.int("OUTBOX_BACKOFF_MAX_SECONDS", default=3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
DEADLINE_SWEEP_SECONDS = env.float("DEADLINE_SWEEP_SECONDS", default=60.0)

# The one beat schedule of the product; run exactly one beat (docs/operations.md). A run
# that waited in the queue longer than a few intervals is dropped: the next one does its
# work, so a backlog after an outage does not run the same sweep many times over.
CELERY_BEAT_SCHEDULE = {
    "dispatch-outbox": {
        "task": "notifications.tasks.outbox_dispatch",
        "schedule": OUTBOX_DISPATCH_SECONDS,
        "options": {"expires": 3 * OUTBOX_DISPATCH_SECONDS},
    },
    "sweep-deadlines": {
        "task": "notifications.tasks.deadline_sweep",
        "schedule": DEADLINE_SWEEP_SECONDS,
        "options": {"expires": 3 * DEADLINE_SWEEP_SECONDS},
    },
    "mark-invitations-overdue": {
        "task": "notifications.tasks.invitations_overdue_mark",
        # Shortly after midnight local time: a deadline ends with its day.
        "schedule": crontab(hour=0, minute=15),
        "options": {"expires": 6 * 3600},
    },
    "send-digests": {
        "task": "notifications.tasks.digest_send",
        # Local time of CELERY_TIMEZONE (Europe/Berlin).
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 3600},
    },
}

# The REST API (/api/v1/, docs/api.md): session or personal token, problem details for
# every error, cursor pagination, a rate limit per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "planning_cycle.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["planning_cycle.api.auth.IsBodyMember"],
    "DEFAULT_PAGINATION_CLASS": "planning_cycle.api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["planning_cycle.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env.str("API_RATE_LIMIT", default="1200/hour")},
    "EXCEPTION_HANDLER": "planning_cycle.api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Usable (not revoked, not expired) personal API tokens one user may hold at once.
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)
SPECTACULAR_SETTINGS = {
    "TITLE": "Strategische Planung API",
    "DESCRIPTION": "Bodies, departments, cycles, goals, goal agreements and their transitions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["workflows.api.schema.drop_undocumented_workflows"],
    # Choices whose field names (kind, audience, phase, status) other resources use as well.
    "ENUM_NAME_OVERRIDES": {
        "IndicatorStatusEnum": "planning_cycle.controlling.status.Status",
        "MeasureStatusEnum": "planning_cycle.controlling.status.MeasureStatus",
        "MilestoneKindEnum": "planning_cycle.models.milestones.MilestoneKind",
        "MilestoneAudienceEnum": "planning_cycle.models.milestones.MilestoneAudience",
        "PhaseEnum": "planning_cycle.models.cycles.Phase",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "planning_cycle.api.problems.add_problem_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings matter for the reports.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
