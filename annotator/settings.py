"""Settings for Provenance, read from the environment (12-factor)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "annotator.views.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Before django_tasks_db, so that its db_worker command is the corpus app's (recovery, then the worker).
    "articles",
    "django_tasks_db",
    "axes",
    "annotator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Below LoginRequiredMiddleware (its redirect passes back up through this) and MessageMiddleware
    # (the "logged out" message it adds needs the message storage).
    "annotator.middleware.HtmxLoginRedirectMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the login page's answer and replaces it with the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "annotator.urls"
WSGI_APPLICATION = "annotator.wsgi.application"
# An article's page is the annotator's workbench; the corpus app does not name it. This also gives the
# corpus admin its "view on site" link.
ABSOLUTE_URL_OVERRIDES = {"articles.article": lambda article: reverse("annotator:article", args=[article.pk])}

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'provenance.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # WAL lets the task worker read while the web process writes. Every transaction takes the write lock at
    # BEGIN (IMMEDIATE) and waits up to `timeout` seconds for it rather than failing "database is locked":
    # Django's own probe for JSON support runs in such a transaction, and a process that gave up after
    # sqlite3's default 5 s took the busy database for one without JSON fields.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("SQLITE_TIMEOUT", 20),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Wrong passwords on the login page lock out the account, and the address they come from, for a while (the
# API's token endpoint has DRF throttles instead, see REST_FRAMEWORK).
AUTHENTICATION_BACKENDS = [
    "annotator.login_throttle.LoginPageLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "annotator.login_throttle.lockout_page"
AXES_WHITELIST_CALLABLE = "annotator.login_throttle.is_api_request"
# One rule for the client's address, the login page's and the token endpoint's: DRF's, with NUM_PROXIES.
AXES_CLIENT_IP_CALLABLE = "annotator.login_throttle.client_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# whitenoise warns on every request when the folder is missing, e.g. before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# HTTPS, all off by default so that `make run` works over plain HTTP; the README lists the production values.
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# A load balancer probes over plain HTTP; a redirect would read as a failed check.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that ends TLS, the header it sets to say the client used HTTPS, e.g. X-Forwarded-Proto. Only
# name it when the proxy always sets or overwrites it: a client could otherwise claim HTTPS.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotator.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["annotator.api.defaults.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "annotator.api.defaults.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["annotator.api.defaults.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "token-address": os.environ.get("TOKEN_RATE_PER_ADDRESS", "20/hour"),
        "token-account": os.environ.get("TOKEN_RATE_PER_ACCOUNT", "10/hour"),
    },
    # The address the throttles count: REMOTE_ADDR, or behind PROXY_COUNT proxies the address the first of
    # them saw in X-Forwarded-For (a client can write anything there; only a trusted proxy's entry counts).
    "NUM_PROXIES": envint("PROXY_COUNT", 0),
}

# API tokens are stored as SHA-512 digests, expire, and keep DRF's `Authorization: Token <token>` header.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=envint("TOKEN_TTL_DAYS", 30)),
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Provenance API",
    "DESCRIPTION": "Articles, labels and labelled spans of the Provenance annotation workbench.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# /healthz reports the worker as gone when it has started no task for this long; it keeps a heartbeat
# task queued, so a live worker starts one every few seconds.
WORKER_STALE_SECONDS = envint("WORKER_STALE_SECONDS", 120)
# A starting worker fails a task still RUNNING on a worker process gone from its host; one claimed by a
# worker it cannot see (another host or container) only once it has run this long.
TASK_STUCK_SECONDS = envint("TASK_STUCK_SECONDS", 6 * 3600)

# Importer limits: a file larger than this is refused before it is read.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024

# Fetching web pages to import (articles/fetch.py). Private, loopback and link-local addresses are refused
# unless they fall in FETCH_ALLOWED_NETWORKS (comma-separated addresses or CIDR ranges, e.g. a newsroom's
# intranet "10.20.0.0/16"); the cloud metadata addresses are refused always.
FETCH_ALLOWED_NETWORKS = envlist("FETCH_ALLOWED_NETWORKS", [])
FETCH_MAX_BYTES = envint("FETCH_MAX_BYTES", 10 * 1024 * 1024)
FETCH_TIMEOUT_SECONDS = envint("FETCH_TIMEOUT_SECONDS", 15)
FETCH_MAX_REDIRECTS = envint("FETCH_MAX_REDIRECTS", 5)

# How many articles of one publisher must share a paragraph before it is suggested as boilerplate.
BOILERPLATE_MIN_ARTICLES = envint("BOILERPLATE_MIN_ARTICLES", 2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django's own loggers get this console only: their default console handler beside the root's printed
    # every line twice (the server's reloader, the task worker's task states).
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
