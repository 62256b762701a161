"""Django settings, from the one table of Reception's settings (reception.config): each of
them is here under its own name (RECEPTION_…), and Django's own are drawn from them."""

import importlib.util
from pathlib import Path

from .config import django_settings
from .database import django_database

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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

# Film pages are cached per process, keyed by the data version (see web/cache.py): a change
# anywhere makes every cached page stale at once. "default" holds the API's rate-limit counts
# (per process; point it at a shared cache to limit across workers).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reception-default"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reception-pages",
        "TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
LOGIN_URL = "/admin/login/"
