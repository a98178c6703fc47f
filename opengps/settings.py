"""Django settings for OpenGPS, read from the environment (twelve-factor).

Environment variables (all optional in development):
  DATABASE_URL          default sqlite:///var/opengps.sqlite3 (WAL mode); postgres://… uses psycopg 3
  OPENGPS_SECRET_KEY    required when OPENGPS_DEBUG is off (startup fails without it); development
                        and tests keep a random key in var/secret_key
  OPENGPS_DEBUG         "1" for development error pages
  OPENGPS_HTTPS         "1" behind TLS: secure cookies, HSTS, redirect to https
  OPENGPS_ALLOWED_HOSTS comma-separated, default "127.0.0.1,localhost"
  OPENGPS_360G_PREFIX   360Giving identifier prefix registered with 360Giving (360G-…); required in
                        production, development and tests use "360G-test-opengps"
  OPENGPS_OCID_PREFIX   OCDS ocid prefix registered with OCDS (ocds-xxxxxx); required in production,
                        development and tests use the test prefix "ocds-test00"
  OPENGPS_PUBLIC_POST_RATE  anonymous posts per source address, default "20/m" (s, m, h, d)
  OPENGPS_BEHIND_PROXY  "1" when a reverse proxy appends the client address to X-Forwarded-For
  OPENGPS_PUBLIC_URL    the platform's public base URL (OCDS document and linked-release URLs);
                        required in production, development and tests use http://127.0.0.1:8000
  OPENGPS_OCDS_LICENSE  licence URL in OCDS packages, default CC BY 4.0
  OPENGPS_OPENDATA_EXPORT_DIR  where yearly OCDS bulk files go, default var/opendata
  OPENGPS_MAX_REQUEST_BYTES     largest request body accepted (Content-Length), default 100 MB
  OPENGPS_LOGIN_FAILURE_LIMIT   wrong passwords before a login is locked, default 10
  OPENGPS_LOGIN_LOCKOUT_MINUTES how long a lockout lasts after the last failure, default 15
  OPENGPS_SESSION_HOURS         a sign-in lasts at most this long, default 8
  OPENGPS_OFFICIAL_IDLE_MINUTES officials are signed out after this long without a request, default 30
  OPENGPS_KEK_PROVIDER  where the bid-sealing key-encryption key comes from: env | file | development
  OPENGPS_SEAL_KEK      base64 of the 32-byte KEK (provider "env")
  OPENGPS_SEAL_KEK_FILE path of a secret file holding it (provider "file"; mode 0400 or 0600)
  OPENGPS_CHECKPOINT_FILE  append-only JSON Lines file of signed transparency-log checkpoints,
                        default var/checkpoints.jsonl
  OPENGPS_LOG_FORMAT    "plain" (default) or "json": one JSON object per log line, with the request id
  OPENGPS_LOG_LEVEL     root log level, default INFO
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from opengps.core.logs import LOG_FORMATS, logging_config

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
# Tools that load the settings without running the platform and never use the secret key: mypy's
# django-stubs plugin, and build steps (migrations check, static files, translations).
TOOLING = "mypy" in sys.modules or sys.argv[1:2] in (
    ["makemigrations"],
    ["collectstatic"],
    ["makemessages"],
    ["compilemessages"],
)

MISSING_KEY_HELP = """OPENGPS_SECRET_KEY is not set, and OPENGPS_DEBUG is off (production).
The secret key signs sessions and keys the experts' ID-number hashes, so every process of a
deployment must share one key that never changes. Generate one once and keep it secret:

    python3 -c 'import secrets; print(secrets.token_urlsafe(50))'

then set OPENGPS_SECRET_KEY to it in the service environment (systemd EnvironmentFile, container
secret, ...). For development set OPENGPS_DEBUG=1 instead (`make demo` does): a random key is
then kept in var/secret_key.
未设置 OPENGPS_SECRET_KEY 且未开启调试模式（生产环境）：请生成一个固定的随机密钥并通过环境变量提供。"""


def _secret_key() -> str:
    key = os.environ.get("OPENGPS_SECRET_KEY")
    if key:
        return key
    if TOOLING:
        return secrets.token_urlsafe(50)
    if not DEBUG and not TESTING:
        # Never generate one silently: each host or container would get its own key.
        raise ImproperlyConfigured(MISSING_KEY_HELP)
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "django_prometheus",
    "opengps.core",
    "opengps.accounts",
    "opengps.registry",
    "opengps.catalog",
    "opengps.planning",
    "opengps.experts",
    "opengps.procurement",
    "opengps.grants",
    "opengps.emall",
    "opengps.evaluation",
    "opengps.challenges",
    "opengps.contracts",
    "opengps.performance",
    "opengps.opendata",
    "opengps.portal",
    "opengps.oversight",
    "opengps.stats",
    "opengps.residents",
    "opengps.capacity",
    "opengps.assessment",
    "opengps.opinion",
    "opengps.workbench",
    "opengps.demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "opengps.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "opengps.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "opengps.core.locale.ChineseFirstLocaleMiddleware",
    "opengps.core.middleware.UnstorableTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "opengps.accounts.middleware.SessionExpiryMiddleware",
    "opengps.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # sees the final status of every partner API call, a database refusal's 503 included
    "opengps.residents.middleware.PartnerCallLogMiddleware",
    "opengps.core.middleware.DatabaseRefusalMiddleware",
    # only with DATABASE_REPLICA_URL; inside DatabaseRefusalMiddleware so that a failed replica read
    # is retried on the primary before it becomes a 503
    "opengps.core.replica.ReplicaMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
                "csp.context_processors.nonce",
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
# A streaming read replica (PostgreSQL): public read-only pages and API reads go there, everything
# else to the primary (opengps.core.replica). In tests it mirrors the primary's test database, which
# physical replication copies to it, so Django creates nothing on the replica.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a PostgreSQL streaming replica")
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2  # a dead replica: primary soon
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["opengps.core.replica.ReplicaRouter"]
# After a write a client reads from the primary this long, and at least OPENGPS_REPLICA_MAX_LAG (the
# lag a replica may have and still serve), so it always reads its own writes.
OPENGPS_REPLICA_PIN_SECONDS = float(os.environ.get("OPENGPS_REPLICA_PIN_SECONDS", "60"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "workbench:home"
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while the account (or account and address) is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Every path that sets a password (accounts.services) validates against these.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "first_name", "last_name", "email")},
    },
    {"NAME": "opengps.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (django-axes). Failures are counted in the database, so every worker process
# sees the same count; a login is locked per account and address, and per account whatever the
# address (so rotating addresses does not help; the price is that anyone can lock an account
# for the cool-off period, which an administrator can lift).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("OPENGPS_LOGIN_FAILURE_LIMIT", 10))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("OPENGPS_LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the failed attempts shown in a user's login history
AXES_CLIENT_IP_CALLABLE = "opengps.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "opengps.accounts.views.locked_out"
AXES_VERBOSE = False

# TOTP second factor (opengps.accounts.otp): the issuer shown in authenticator apps
OTP_TOTP_ISSUER = "OpenGPS"

# A sign-in lasts at most OPENGPS_SESSION_HOURS; officials are also signed out after
# OPENGPS_OFFICIAL_IDLE_MINUTES without a request (opengps.accounts.middleware).
SESSION_COOKIE_AGE = int(float(os.environ.get("OPENGPS_SESSION_HOURS", 8)) * 3600)
OPENGPS_OFFICIAL_IDLE_SECONDS = int(float(os.environ.get("OPENGPS_OFFICIAL_IDLE_MINUTES", 30)) * 60)

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
# var/assets/static: build-time assets (scripts/assets.py — ECharts, Hunan's boundaries), never a CDN
ASSETS_STATIC_DIR = BASE_DIR / "var" / "assets" / "static"
ASSETS_STATIC_DIR.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "opengps" / "static", ASSETS_STATIC_DIR]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"


# Files the running platform keeps go through Django's storage API, never a path on the node, so
# any web or worker process of a cluster reads what another wrote: "default" holds uploads (registry
# import workbooks), "exports" the open-data bulk files. One machine: folders under var/ (media/, and
# OPENGPS_OPENDATA_EXPORT_DIR for the bulk files). A cluster: OPENGPS_STORAGE_S3_BUCKET puts both on
# S3-compatible object storage (django-storages), under the prefixes media/ and opendata/. The
# credentials come from the environment (OPENGPS_STORAGE_S3_ACCESS_KEY_ID and …_SECRET_ACCESS_KEY,
# else boto3's own chain: AWS_* variables, instance role), never from the repository.
S3_BACKEND = "storages.backends.s3.S3Storage"


def storages_config(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """STORAGES for an environment: local folders, or one S3 bucket when OPENGPS_STORAGE_S3_BUCKET is set."""
    bucket = env.get("OPENGPS_STORAGE_S3_BUCKET", "").strip()
    static = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
    if not bucket:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},  # MEDIA_ROOT
            "exports": {"BACKEND": "opengps.opendata.storage.ExportFolderStorage"},
            "staticfiles": static,
        }
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": env.get("OPENGPS_STORAGE_S3_ENDPOINT_URL", "").strip() or None,
        "region_name": env.get("OPENGPS_STORAGE_S3_REGION", "").strip() or None,
        "default_acl": None,  # private objects: read through the platform or a signed URL
        "querystring_auth": True,
        "file_overwrite": False,
        "max_memory_size": 8 * 1024 * 1024,  # a download larger than this spools to a temporary file
    }
    style = env.get("OPENGPS_STORAGE_S3_ADDRESSING_STYLE", "").strip()
    if style:  # "path" for most self-hosted stores (MinIO, Ceph); unset: boto3 decides
        options["addressing_style"] = style
    access_key = env.get("OPENGPS_STORAGE_S3_ACCESS_KEY_ID", "")
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = env.get("OPENGPS_STORAGE_S3_SECRET_ACCESS_KEY", "")
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "media"}},
        "exports": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "opendata"}},
        "staticfiles": static,
    }


STORAGES = storages_config(dict(os.environ))
# With object storage, "1" answers a bulk-file download with a redirect to a signed URL valid five
# minutes (the store serves the bytes; the public must reach it); unset, the platform streams them.
OPENGPS_STORAGE_S3_REDIRECT_DOWNLOADS = _env_bool("OPENGPS_STORAGE_S3_REDIRECT_DOWNLOADS") and bool(
    os.environ.get("OPENGPS_STORAGE_S3_BUCKET", "").strip()
)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: checked by size and type in the services that accept them. The largest legitimate
# request is a bid: four parts (qualification, technical, price schedule, other) of up to
# OPENGPS_MAX_BID_FILE_BYTES (20 MB) each; anything whose Content-Length exceeds
# OPENGPS_MAX_REQUEST_BYTES is refused with 413 before its body is read.
OPENGPS_MAX_REQUEST_BYTES = int(os.environ.get("OPENGPS_MAX_REQUEST_BYTES", 100 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
OPENGPS_MAX_WORKBOOK_BYTES = int(os.environ.get("OPENGPS_MAX_WORKBOOK_BYTES", 20 * 1024 * 1024))

# Background work is tasks (opengps.core.tasks): the database backend by default (the task row
# commits with its job; `opengps worker` runs them), or Redis (RQ) for a cluster with
# OPENGPS_TASKS_REDIS_URL (`opengps manage rqworker default --with-scheduler` runs them there;
# docs/operations.md).
OPENGPS_TASKS_REDIS_URL = os.environ.get("OPENGPS_TASKS_REDIS_URL", "")
if OPENGPS_TASKS_REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": OPENGPS_TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # workers run django.tasks jobs (no --job-class needed)
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Operations: /metrics answers these networks only (comma-separated CIDRs; others get 404);
# /readyz reports a replica lagging more than OPENGPS_REPLICA_MAX_LAG seconds.
_METRICS_NETWORKS = os.environ.get("OPENGPS_METRICS_NETWORKS", "127.0.0.1/32,::1/128")
OPENGPS_METRICS_NETWORKS = [net.strip() for net in _METRICS_NETWORKS.split(",") if net.strip()]
OPENGPS_REPLICA_MAX_LAG = float(os.environ.get("OPENGPS_REPLICA_MAX_LAG", "30"))

# Periodic work (`opengps.core.tasks.tick`, run by every worker; each period runs once): times
# are Asia/Shanghai; a daily entry is due from `at` until the day ends, so a worker that was down
# at that moment still runs the day's work when it comes back.
OPENGPS_SCHEDULE: dict[str, dict[str, str]] = {
    "transparency.checkpoint": {
        "task": "opengps.core.transparency.checkpoint_task",
        "every": "day",
        "at": "00:30",
    },
    "oversight.redflags": {
        "task": "opengps.oversight.tasks.redflags_nightly",
        "every": "day",
        "at": "02:00",
    },
    "opendata.export": {
        "task": "opengps.opendata.tasks.export_nightly",
        "every": "day",
        "at": "03:00",
    },
    "stats.refresh": {"task": "opengps.stats.tasks.summaries_nightly", "every": "day", "at": "03:30"},
    "tasks.prune": {
        "task": "opengps.core.tasks.prune_results",
        "every": "day",
        "at": "04:00",
    },
    "workbench.reminders": {"task": "opengps.workbench.tasks.reminders_daily", "every": "day", "at": "07:00"},
    "residents.escalate": {"task": "opengps.residents.tasks.escalate_daily", "every": "day", "at": "06:30"},
    "opinion.fetch": {"task": "opengps.opinion.tasks.fetch_due", "every": "minute"},
}

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
    # The operations endpoints answer over plain HTTP too: the balancer's health checks and the
    # monitoring scrape reach each node directly, behind the TLS proxy (docs/operations.md).
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The token only takes effect once the domain is submitted to the browsers' preload list.
    SECURE_HSTS_PRELOAD = True
if _env_bool("OPENGPS_BEHIND_PROXY"):
    # The TLS-terminating proxy must set (not append to) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: only our own scripts, styles, images and fonts; the rare inline script
# carries the per-request nonce ({{ request.csp_nonce }}); no inline styles or event handlers
# (htmx's own indicator styles are switched off in base.html). Swagger UI (/api/v1/docs) is
# served from our static files and fits the same policy.
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

# Open data identifiers and links. A deployment's ocids and URLs are permanent once published
# (releases are append-only), so production never falls back to a placeholder: with DEBUG off,
# `manage.py check --deploy` reports an unset value (opengps.E101/E102) and publishing refuses to
# start under it (ImproperlyConfigured, see opengps/opendata/builders.py). Development, the demo and
# the tests use a prefix marked as test data and the local server's address.
OCDS_TEST_OCID_PREFIX = "ocds-test00"
"""Not a registered prefix: marks ocids as test data (demo, development, tests)."""
OPENGPS_OCID_PREFIX = os.environ.get("OPENGPS_OCID_PREFIX", "") or (
    OCDS_TEST_OCID_PREFIX if DEBUG or TESTING else ""
)
GIVING_TEST_PREFIX = "360G-test-opengps"
"""Not a registered 360Giving prefix: marks grant ids as test data (demo, development, tests)."""
OPENGPS_360G_PREFIX = os.environ.get("OPENGPS_360G_PREFIX", "") or (
    GIVING_TEST_PREFIX if DEBUG or TESTING else ""
)
OPENGPS_PUBLIC_POST_RATE = os.environ.get("OPENGPS_PUBLIC_POST_RATE", "20/m")
OPENGPS_BEHIND_PROXY = _env_bool("OPENGPS_BEHIND_PROXY")
OPENGPS_PUBLIC_URL = os.environ.get("OPENGPS_PUBLIC_URL", "") or (
    "http://127.0.0.1:8000" if DEBUG or TESTING else ""
)
OPENGPS_OCDS_LICENSE = os.environ.get("OPENGPS_OCDS_LICENSE", "")
OPENGPS_OPENDATA_EXPORT_DIR = Path(os.environ.get("OPENGPS_OPENDATA_EXPORT_DIR", VAR_DIR / "opendata"))

# Key custody and the transparency log (see docs/security.md). The KEK provider is "env"
# (OPENGPS_SEAL_KEK), "file" (OPENGPS_SEAL_KEK_FILE, a mounted secret, mode 0400/0600) or
# "development" (var/seal_kek, only with DEBUG on). Unset, DEBUG and the tests use "env" when
# OPENGPS_SEAL_KEK is set, else "development"; production must name one: the first use of the key
# fails with instructions otherwise (ImproperlyConfigured).
OPENGPS_KEK_PROVIDER = os.environ.get("OPENGPS_KEK_PROVIDER", "").strip().lower()
OPENGPS_SEAL_KEK_FILE = os.environ.get("OPENGPS_SEAL_KEK_FILE", "")
OPENGPS_CHECKPOINT_FILE = Path(os.environ.get("OPENGPS_CHECKPOINT_FILE", VAR_DIR / "checkpoints.jsonl"))

# Logs go to stderr (journald under systemd), every record with the request id it was logged in:
# plain lines by default (the demo), JSON lines with OPENGPS_LOG_FORMAT=json (production; see
# opengps/core/logs.py and deploy/gunicorn.conf.py, whose access log is JSON too).
OPENGPS_LOG_FORMAT = os.environ.get("OPENGPS_LOG_FORMAT", "plain").strip().lower() or "plain"
if OPENGPS_LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"OPENGPS_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
LOGGING = logging_config(log_format=OPENGPS_LOG_FORMAT, level=os.environ.get("OPENGPS_LOG_LEVEL", "INFO"))
