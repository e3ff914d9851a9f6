"""Jiebang settings, read from the environment with safe defaults for the demo.

DATABASE_URL   unset: SQLite at var/jiebang.sqlite3; postgres://… for PostgreSQL (psycopg 3)
SECRET_KEY     unset: a random key generated once into var/secret_key
DEBUG          default off
ALLOWED_HOSTS  comma-separated, default 127.0.0.1,localhost
HTTPS          on: secure cookies, HSTS and the HTTPS redirect (production behind TLS)
SITE_URL       the address users open (links in e-mails), default http://127.0.0.1:8000
EMAIL_URL      unset: e-mails are printed to the console; smtp://user:pass@host:port (TLS
               with smtp+tls://) sends them
NOTIFY_WEBHOOK_URL  set: notifications also go to this WeChat Work robot (企业微信群机器人)
CACHE_URL      unset: a file cache under var/cache shared by the server's workers;
               redis://host:port/db for Redis; locmem:// for one process
SMS_URL        unset: text messages to citizens (follow-ups) are printed to the log; an
               http(s):// URL receives them as JSON {"phone", "text"} (the SMS gateway)
PUBLIC_DEVICE_LIMIT / PUBLIC_IP_LIMIT  public submissions per hour per device / per address
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("JIEBANG_VAR_DIR", BASE_DIR.parent.parent / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (django-csp): scripts only from our own static files
# (no inline script, no eval: data reaches scripts through json_script), nothing from outside.
# Styles allow inline attributes: ECharts' tooltips and Bootstrap's components set them, and a
# style cannot run code. CSP_REPORT_ONLY=1 sends it as report-only while a deployment checks it.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

INSTALLED_APPS = [
    "jiebang.core.admin_site.JiebangAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "jiebang.core.admin_site.AxesConfig",
    "ninja",
    "csp",
    "django_tasks",
    "jiebang.core.admin_site.TasksDbConfig",
    "jiebang.core",
    "jiebang.orgs",
    "jiebang.needs",
    "jiebang.projects",
    "jiebang.resources",
    "jiebang.assessment",
    "jiebang.ledger",
    "jiebang.accountability",
    "jiebang.workbench",
    "jiebang.supervision",
    "jiebang.experience",
    "jiebang.portal",
    "jiebang.evaluation",
    "jiebang.impact",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "jiebang.core.middleware.RequestShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiebang.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiebang.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiebang.urls"
WSGI_APPLICATION = "jiebang.wsgi.application"

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
                "jiebang.core.navigation.navigation",
                "jiebang.workbench.context.workbench",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jiebang.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the demo server and a loader share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        # A 256 MB page cache keeps the indexes of a big import in memory.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;"
            " PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jiebang.core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after two idle hours and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 2 * 60 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: five failures for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Served by WhiteNoise straight from the app folders: `make demo` needs no collectstatic.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "jiebang.core.params.BoundedLimitOffset"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# `jiebang demo` runs these loaders in order; each app appends its own.
JIEBANG_DEMO_LOADERS = [
    "jiebang.orgs.demo.load",
    "jiebang.needs.demo.load",
    "jiebang.projects.demo.load",
    "jiebang.resources.demo.load",
    "jiebang.accountability.demo.load",
    "jiebang.ledger.demo.load",
    "jiebang.accountability.demo.load_interviews",
    "jiebang.assessment.demo.load",
    "jiebang.supervision.demo.load",
    "jiebang.experience.demo.load",
    "jiebang.evaluation.demo.load",
    "jiebang.impact.demo.load",
    "jiebang.portal.demo.load",
]

# Background jobs on Django's tasks API (the django-tasks backport). JIEBANG_TASKS picks the
# backend: "db" (default) stores jobs in the database for `jiebang db_worker` (which `make demo`
# starts beside the server); "rq" puts them in Redis (REDIS_URL) for `jiebang rqworker
# --job-class django_tasks_rq.Job default`, on as many machines as needed; "immediate" runs
# them in the caller (the tests).
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
_tasks = os.environ.get("JIEBANG_TASKS", "db")
if _tasks not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"JIEBANG_TASKS must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": _TASK_BACKENDS[_tasks]}
JIEBANG_TASKS = _tasks
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 60 * 60}}
if _tasks == "rq":
    INSTALLED_APPS += ["django_rq"]  # its rqworker command
# A job that has given no sign of life (progress) for JOB_HEARTBEAT_TIMEOUT seconds, or has
# waited in the queue JOB_QUEUE_TIMEOUT seconds without starting, is marked failed by
# `jiebang expire-imports` (core/jobs.py), which runs each app's function below.
JOB_HEARTBEAT_TIMEOUT = int(os.environ.get("JOB_HEARTBEAT_TIMEOUT", 10 * 60))
JOB_QUEUE_TIMEOUT = int(os.environ.get("JOB_QUEUE_TIMEOUT", 60 * 60))
JIEBANG_JOB_EXPIRERS = [
    "jiebang.needs.importing.expire_stale_batches",
    "jiebang.ledger.excel.expire_stale_jobs",
]

# Notifications (workbench): the channels tried for outbound messages, and how a user hears of
# each topic until they choose. A channel is a class (workbench/channels.py) — an SMS gateway
# is one more path here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
NOTIFY_WEBHOOK_URL = os.environ.get("NOTIFY_WEBHOOK_URL", "")
NOTIFY_CHANNELS = ["jiebang.workbench.channels.EmailChannel"]
if NOTIFY_WEBHOOK_URL:
    NOTIFY_CHANNELS.append("jiebang.workbench.channels.WebhookChannel")
NOTIFY_DEFAULT_MODES = {"overdue": "outbound", "interview": "outbound", "rectification": "outbound"}
_email = urlsplit(os.environ.get("EMAIL_URL", ""))
if _email.scheme in {"smtp", "smtp+tls"}:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _email.hostname, _email.port or 25
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email.username or "", _email.password or ""
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jiebang@localhost")

# Stage 1: items the classifier is less sure of than this land in the review queue.
NEEDS_REVIEW_THRESHOLD = float(os.environ.get("NEEDS_REVIEW_THRESHOLD", 0.6))

# The cache: the public portal's pages and the public forms' rate limits. It must be shared by
# every server process (gunicorn's workers), so the zero-set-up default is a file cache under
# var/; Redis in production (CACHE_URL=redis://…).
_cache = urlsplit(os.environ.get("CACHE_URL", ""))
if _cache.scheme in {"redis", "rediss"}:
    CACHES = {
        "default": {
            "BACKEND": "jiebang.core.cache.ReusingRedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }
elif _cache.scheme == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Stage 5: public submissions (QR, 回音壁, Open311 without a key) per hour. One device (a signed
# cookie) gets few; one address many more, since a whole hospital's patients share its Wi-Fi.
PUBLIC_DEVICE_LIMIT = int(os.environ.get("PUBLIC_DEVICE_LIMIT", 10))
PUBLIC_IP_LIMIT = int(os.environ.get("PUBLIC_IP_LIMIT", 600))
SMS_URL = os.environ.get("SMS_URL", "")
