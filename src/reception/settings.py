"""Django settings, from the one table of Reception's settings (reception.config): each of
them is here under its own name (RECEPTION_…), and Django's own are drawn from them."""

import hashlib
import importlib.util
from pathlib import Path

from . import config
from .config import django_settings
from .database import django_database
from .errors import ReceptionError

BASE_DIR = Path(__file__).resolve().parent

_OURS = django_settings()
globals().update(_OURS)  # RECEPTION_DATABASE_URL and the rest, read through config.setting
SECRET_KEY = _OURS["RECEPTION_SECRET_KEY"]
DEBUG = _OURS["RECEPTION_DEBUG"]
ALLOWED_HOSTS = _OURS["RECEPTION_ALLOWED_HOSTS"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "reception.catalog",
    "reception.scores",
    "reception.collect",
    "reception.members",
    "reception.web",
]
# The API's docs page (Swagger UI) is served from the files django-ninja bundles, no CDN: its
# templates and static files are found by path here (web.api points ninja's page at them), not
# by listing ninja as an app, which would import it, and pydantic with it, in every command
# (0.4 s of each command's start).
NINJA_FILES = Path(importlib.util.find_spec("ninja").origin).parent

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reception.web.http_cache.HttpCaching",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "reception.web.security.ContentSecurityPolicy",
    "reception.web.security.Busy",
]

ROOT_URLCONF = "reception.urls"
WSGI_APPLICATION = "reception.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [str(NINJA_FILES / "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": django_database(_OURS["RECEPTION_DATABASE_URL"])}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = _OURS["RECEPTION_STATIC_ROOT"]
STATICFILES_DIRS = [str(NINJA_FILES / "static")]
WHITENOISE_USE_FINDERS = True

# "default" holds rate limits and sign-in throttles, shared by every server process: Redis
# where RECEPTION_CACHE_URL names one, else a folder on this machine (its processes share it;
# another machine has its own). Its keys are this database's, as two sites may share a machine.
# Pages are cached keyed by the data version (web/cache.py): a change makes every cached page
# stale at once. Without Redis each process keeps its own, held to RECEPTION_PAGE_CACHE_MB.
_SITE = hashlib.blake2b(_OURS["RECEPTION_DATABASE_URL"].encode(), digest_size=6).hexdigest()
if _OURS["RECEPTION_CACHE_URL"]:
    CACHES = {name: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _OURS["RECEPTION_CACHE_URL"],
                     "KEY_PREFIX": f"reception-{_SITE}-{name}", "TIMEOUT": None if name == "pages" else 300}
              for name in ("default", "pages")}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                    "LOCATION": str(config.cache_root(_OURS["RECEPTION_CACHE"]) / f"site-{_SITE}"),
                    "OPTIONS": {"MAX_ENTRIES": 10000}},
        "pages": {"BACKEND": "reception.web.cache.PageMemory", "LOCATION": "reception-pages", "TIMEOUT": None,
                  "OPTIONS": {"MAX_ENTRIES": 100_000, "MAX_BYTES": int(_OURS["RECEPTION_PAGE_CACHE_MB"] * 2**20)}},
    }
LOGIN_URL = "/admin/login/"
# After signing in with no page to go back to: each kind of account's own page (web.members.account).
LOGIN_REDIRECT_URL = "/account"

# Sign-in: every password meets Django's validators; failed attempts are throttled (web.signin).
AUTH_PASSWORD_VALIDATORS = [{"NAME": f"django.contrib.auth.password_validation.{name}"} for name in (
    "UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
    "NumericPasswordValidator")]
AUTHENTICATION_BACKENDS = ["reception.web.signin.ThrottledModelBackend"]

# The API's client address: from X-Forwarded-For only through a trusted proxy (web.clients).
NINJA_NUM_PROXIES = 0
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

if _OURS["RECEPTION_DEPLOYED"]:
    if SECRET_KEY == config.BY_NAME["RECEPTION_SECRET_KEY"].default:
        raise ReceptionError.of("E005")
    # Behind a proxy that ends HTTPS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Errors go to standard error with their traceback (gunicorn's log), whatever DEBUG says.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
                "reception": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
