"""Settings, read from WARMWINTER_* environment variables (see docs/configuration.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("WARMWINTER_VAR_DIR", BASE_DIR.parent / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def persistent_secret(name: str, env_name: str) -> str:
    """A secret from the environment, else one generated once and kept in var/keys/."""
    value = os.environ.get(env_name)
    if value:
        return value
    path = VAR_DIR / "keys" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


DEBUG = env_bool("WARMWINTER_DEBUG", False)
SECRET_KEY = persistent_secret("secret_key", "WARMWINTER_SECRET_KEY")
# Keyed hash of the audit chain; separate from SECRET_KEY so rotating sessions keeps the chain.
AUDIT_HMAC_KEY = persistent_secret("audit_key", "WARMWINTER_AUDIT_KEY")
# Resident ID numbers and bank accounts: encryption key and look-up hash key (docs/personal-data.md).
ID_ENCRYPTION_KEY = persistent_secret("id_key", "WARMWINTER_ID_KEY")
ID_HASH_KEY = persistent_secret("id_hash_key", "WARMWINTER_ID_HASH_KEY")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("WARMWINTER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("WARMWINTER_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI from our own static files, not a CDN
    "django_tasks_db",
    "warmwinter.core",
    "warmwinter.regions",
    "warmwinter.accounts",
    "warmwinter.audit",
    "warmwinter.registry",
    "warmwinter.notifications",
    "warmwinter.hazards",
    "warmwinter.surveys",
    "warmwinter.alerts",
    "warmwinter.care",
    "warmwinter.jobs",
    "warmwinter.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "warmwinter.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "warmwinter.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "warmwinter.accounts.middleware.SecondFactorMiddleware",
    "warmwinter.accounts.middleware.ActiveMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "warmwinter.urls"
WSGI_APPLICATION = "warmwinter.wsgi.application"

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
                "warmwinter.accounts.context_processors.memberships",
                "warmwinter.alerts.context_processors.weather_alerts",
            ],
        },
    },
]

DEFAULT_SQLITE = VAR_DIR / "warmwinter.sqlite3"


def database_from_url(url: str | None) -> dict:
    if not url:
        url = f"sqlite:///{DEFAULT_SQLITE}"
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue instead of failing half-way with "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        if config["NAME"] not in ("", ":memory:"):
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return config


DATABASES = {"default": database_from_url(os.environ.get("WARMWINTER_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login lock-out: LOGIN_MAX_FAILURES wrong passwords lock the account for LOGIN_LOCK_MINUTES.
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_MINUTES = 15

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("WARMWINTER_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "media"

# Production: TLS is terminated in front of us (or by gunicorn); the demo turns it off.
USE_TLS = env_bool("WARMWINTER_TLS", not DEBUG)
SESSION_COOKIE_SECURE = USE_TLS
CSRF_COOKIE_SECURE = USE_TLS
SECURE_SSL_REDIRECT = USE_TLS
SECURE_HSTS_SECONDS = 31536000 if USE_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = USE_TLS
SECURE_HSTS_PRELOAD = USE_TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "warmwinter.accounts.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "warmwinter.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WarmWinter API",
    "DESCRIPTION": "暖冬 — winter-relief platform. Authenticate with `Authorization: Bearer <token>` from POST /api/v1/auth/token.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several `kind` fields with different choice sets: name each set, or the schema names get hashes.
    "ENUM_NAME_OVERRIDES": {
        "PremisesKindEnum": "warmwinter.hazards.choices.PremisesKind",
        "InspectionKindEnum": "warmwinter.hazards.api.serializers.INSPECTION_KIND_CHOICES",
        "SurveyResponseKindEnum": "warmwinter.surveys.api.serializers.RESPONSE_KIND_CHOICES",
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("WARMWINTER_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Background jobs (docs/background-jobs.md): seconds between scheduler passes of `warmwinter worker`.
SCHEDULER_INTERVAL = float(os.environ.get("WARMWINTER_SCHEDULER_INTERVAL", "30"))
# Local time of the daily contact reminder to helpers (帮扶提醒).
CARE_REMINDER_AT = os.environ.get("WARMWINTER_CARE_REMINDER_AT", "07:30")

# Notification outbox: channels besides the in-app one (always on), e.g. "inapp,sms".
NOTIFY_CHANNELS = [c.strip() for c in os.environ.get("WARMWINTER_NOTIFY_CHANNELS", "inapp").split(",") if c.strip()]
# SMS gateway: a dotted path to a backend class; the default only records the message (nothing is sent).
SMS_BACKEND = os.environ.get("WARMWINTER_SMS_BACKEND", "warmwinter.notifications.channels.RecordingSmsBackend")
# A failed delivery is retried by the every-minute job this many times, then marked failed.
NOTIFY_RETRIES = int(os.environ.get("WARMWINTER_NOTIFY_RETRIES", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WARMWINTER_LOG_LEVEL", "INFO")},
}
