"""ChannelHub settings, read from the environment (the variables are listed in README.md).

Embedded defaults need nothing installed: SQLite, Celery's filesystem broker with
results in the database, file e-mail, local private file storage.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis for broker, results
and cache. ``CHANNELHUB_ENV=production`` turns on the production hardening.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import pgettext_lazy

from channelhub import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("CHANNELHUB_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env.choice("CHANNELHUB_ENV", ("development", "production"), "development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.boolean("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env.raw("DJANGO_SECRET_KEY")
    if not SECRET_KEY:
        raise env.ImproperEnv("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required in production")
    ALLOWED_HOSTS = env.csv("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise env.ImproperEnv("DJANGO_ALLOWED_HOSTS is required in production")
    # No silent fallback to the embedded defaults: links in e-mails, the database and the
    # broker must be the real ones.
    for _required in ("DATABASE_URL", "REDIS_URL"):
        if not env.raw(_required):
            raise env.ImproperEnv(f"{_required} is required in production")
    if not (env.raw("SITE_URL") or "").startswith("https://"):
        raise env.ImproperEnv(
            "SITE_URL (https://…) is required in production: e-mail links are built from it"
        )
else:
    SECRET_KEY = env.string(
        "DJANGO_SECRET_KEY", "dev-only-insecure-key-channelhub-embedded-defaults-0123456789"
    )
    ALLOWED_HOSTS = env.csv("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")

CSRF_TRUSTED_ORIGINS = env.csv("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "django_celery_beat",
    "django_celery_results",
    "django_filters",
    "django_tables2",
    "axes",
    "phonenumber_field",
    "channelhub",
    "partners",
    "filings",
    "onboarding",
    "orders",
    "pricing",
    "aftersales",
    "evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "channelhub.middleware.RequestIdMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "channelhub.middleware.TenantMiddleware",
    "channelhub.middleware.LanguageMiddleware",
    # Last, as django-axes asks: it sees the response of a log-in that reached a limit.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "channelhub.urls"
WSGI_APPLICATION = "channelhub.wsgi.application"

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
                "channelhub.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env.string("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "channelhub.sqlite3",
            # Web, worker and beat share one file: wait for locks instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery ------------------------------------------------------
REDIS_URL = env.string("REDIS_URL")
# A cache every process (web workers, Celery) shares: only then does channelhub.caching keep
# the values every page reads (the session's user, the memberships, the unread count).
SHARED_CACHE = bool(REDIS_URL)
if REDIS_URL:
    # django-redis rather than Django's own Redis backend: Django's builds a new redis client,
    # with its table of ~160 response callbacks, for every cache call (about 1,500 Python calls
    # each, more than the query a kept value saves); django-redis keeps one per process.
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database: a query less on every page.
    # Only with a cache every process shares — with per-process memory, a log-out in one
    # worker would leave the session alive in another's.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A message a worker took but never acknowledged (the worker was killed) goes back to the
    # queue after this long. Celery's default is an hour; it must stay above the longest task
    # (the hard time limit below) and the longest retry countdown (600 s), or a task still
    # running or waiting would be handed to a second worker too.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery-broker"
    # The filesystem transport does not create its folders: a task queued before the first
    # worker starts (load_demo, a click in runserver) would fail without them.
    for _folder in ("queue", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # The transport polls its folder; at the default 1 s a worker takes about two
        # messages a second, so the first run's demo mail would hold up every click.
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = "django-db"

CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
# No task may outlive the broker's visibility timeout (15 min): the longest job (a tenant's
# daily filings run, the document-expiry sweep) takes seconds; ten minutes is a runaway.
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ALWAYS_EAGER = env.boolean("CELERY_TASK_ALWAYS_EAGER", False)
# Periodic jobs: each app registers its own entries (channelhub.modules.register(beat=...)),
# which land here and in Celery's beat_schedule; the database scheduler (django_celery_beat)
# syncs them when beat starts. Every job is idempotent.
CELERY_BEAT_SCHEDULE: dict = {}

# Phone numbers (django-phonenumber-field): typed as people in China write them, stored in E.164.
PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DB_FORMAT = "E164"

# --- Auth -------------------------------------------------------------------------
AUTH_USER_MODEL = "channelhub.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked (address, IP) pair or a throttled IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the user kept in the shared cache between requests (channelhub.caching).
    "channelhub.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "channelhub.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 (Django's recommendation) for new and changed passwords; a PBKDF2 hash still
# verifies and is re-hashed with Argon2 at the next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal-entry"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Lock-out (django-axes, see docs/security.md): this many failed log-ins for one e-mail
# address from one IP address lock that pair; this many from one IP address, whatever the
# addresses, throttle the IP. Failures count until the window passes without one; a lock
# lasts the window. A success clears the pair, a completed password reset the address.
LOGIN_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_IP = env.integer("LOGIN_FAILURE_LIMIT_PER_IP", 20)
LOGIN_FAILURE_WINDOW_MINUTES = env.integer("LOGIN_FAILURE_WINDOW_MINUTES", 15)
# Proxies in front of the portal that append the client's address to X-Forwarded-For;
# the client is the address the outermost of them saw (0: REMOTE_ADDR itself).
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)
AXES_HANDLER = "channelhub.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT  # the pair's; the IP's own limit is LOGIN_FAILURE_LIMIT_PER_IP
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_FAILURE_WINDOW_MINUTES)
# A refused attempt during a lock does not restart it: the lock ends a window after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the field of the portal's and the admin's log-in forms
AXES_USERNAME_CALLABLE = "channelhub.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "channelhub.lockout.client_ip"
# The log-in page itself says "too many attempts" (the same for every address).
AXES_LOCKOUT_CALLABLE = "channelhub.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # failures only: successful log-ins are not kept
INVITATION_VALID_DAYS = env.integer("INVITATION_VALID_DAYS", 7)

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# --- I18n ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "channelhub_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# --- Static and private files ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
if not PRODUCTION:
    # Served straight from the finders while developing; collectstatic is for production.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(exist_ok=True)
# Front-end libraries come from the npm registry at set-up (package.json); only their
# distribution folders are served, never a CDN.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/tom-select", _NODE / "tom-select" / "dist"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "private"
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env.string(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "channelhub.mail.OutboxEmailBackend",
)
# The local outbox page (sent e-mails readable in the browser): never in production.
OUTBOX_ENABLED = env.boolean("OUTBOX_ENABLED", not PRODUCTION) and not PRODUCTION
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.string("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
# An SMTP server that stops answering fails the send after this many seconds (it is retried);
# the outbox lease outlasts it, so no second sender takes a row while the first still waits.
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 30)
OUTGOING_EMAIL_LEASE = timedelta(seconds=env.integer("OUTGOING_EMAIL_LEASE_SECONDS", 5 * 60))
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "ChannelHub <noreply@channelhub.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails (invitations, approvals) are built from this.
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.boolean("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.integer("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp; docs/security.md) ---------------------------------
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens of sign-in-free links (approval, invitation, applicant status, password reset)
    # never reach a log: channelhub/logging.py.
    "filters": {"redact_tokens": {"()": "channelhub.logging.RedactTokens"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]},
        "django.server": {"level": "INFO", "class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own logger to our filtered console only: its default set-up adds an unfiltered
        # console (DEBUG) and mail_admins, whose mail would carry the request with its path.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["redact_tokens"]},
        "django.security.csrf": {"filters": ["redact_tokens"]},
        # Django's own django.server set-up (DEFAULT_LOGGING), plus the filter.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
    },
}

# django-filter: a list filter's empty choice reads "All" (every value), not "---------".
FILTERS_EMPTY_CHOICE_LABEL = pgettext_lazy("list filter: no restriction", "All")
