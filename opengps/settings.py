"""Django settings for OpenGPS, read from the environment (twelve-factor).

Environment variables (all optional in development):
  DATABASE_URL          default sqlite:///var/opengps.sqlite3 (WAL mode); postgres://… uses psycopg 3
  OPENGPS_SECRET_KEY    required when OPENGPS_DEBUG is off and not running tests
  OPENGPS_DEBUG         "1" for development error pages
  OPENGPS_ALLOWED_HOSTS comma-separated, default "127.0.0.1,localhost"
  OPENGPS_OCID_PREFIX   OCDS ocid prefix, default "ocds-opengps"
  OPENGPS_PUBLIC_POST_RATE  anonymous posts per source address, default "20/m" (s, m, h, d)
  OPENGPS_BEHIND_PROXY  "1" when a reverse proxy appends the client address to X-Forwarded-For
  OPENGPS_PUBLIC_URL    public base URL used in OCDS bulk files (linked releases)
  OPENGPS_OCDS_LICENSE  licence URL in OCDS packages, default CC BY 4.0
  OPENGPS_OPENDATA_EXPORT_DIR  where yearly OCDS bulk files go, default var/opendata
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPENGPS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("OPENGPS_DEBUG")
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")


def _secret_key() -> str:
    key = os.environ.get("OPENGPS_SECRET_KEY")
    if key:
        return key
    # Development and tests: a random key kept in var/ (never in the repository).
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("OPENGPS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
if TESTING:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "opengps.core",
    "opengps.accounts",
    "opengps.registry",
    "opengps.catalog",
    "opengps.planning",
    "opengps.experts",
    "opengps.procurement",
    "opengps.grants",
    "opengps.evaluation",
    "opengps.challenges",
    "opengps.contracts",
    "opengps.performance",
    "opengps.opendata",
    "opengps.portal",
    "opengps.oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "opengps.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "opengps.core.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "opengps.urls"
WSGI_APPLICATION = "opengps.wsgi.application"
ASGI_APPLICATION = "opengps.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "opengps" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opengps.core.context_processors.platform",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers run beside the writer; IMMEDIATE makes every transaction take the
            # write lock up front, so concurrent writers queue instead of failing mid-transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'opengps.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Chinese first: message ids in the code are Simplified Chinese; locale/en holds the English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "opengps" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: checked by size and type in the services that accept them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
OPENGPS_MAX_WORKBOOK_BYTES = int(os.environ.get("OPENGPS_MAX_WORKBOOK_BYTES", 20 * 1024 * 1024))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "opengps",
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING and _env_bool("OPENGPS_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

OPENGPS_OCID_PREFIX = os.environ.get("OPENGPS_OCID_PREFIX", "ocds-opengps")
OPENGPS_PUBLIC_POST_RATE = os.environ.get("OPENGPS_PUBLIC_POST_RATE", "20/m")
OPENGPS_BEHIND_PROXY = _env_bool("OPENGPS_BEHIND_PROXY")
OPENGPS_PUBLIC_URL = os.environ.get("OPENGPS_PUBLIC_URL", "")
OPENGPS_OCDS_LICENSE = os.environ.get("OPENGPS_OCDS_LICENSE", "")
OPENGPS_OPENDATA_EXPORT_DIR = Path(os.environ.get("OPENGPS_OPENDATA_EXPORT_DIR", VAR_DIR / "opendata"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENGPS_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
