"""Test settings: the app's settings on WARMWINTER_TEST_DATABASE_URL (SQLite by default)."""

import os
import tempfile

os.environ.setdefault("WARMWINTER_VAR_DIR", tempfile.mkdtemp(prefix="warmwinter-test-"))
os.environ.setdefault("WARMWINTER_TLS", "0")

from warmwinter.settings import *  # noqa: E402,F403
from warmwinter.settings import database_from_url  # noqa: E402

DATABASES = {"default": database_from_url(os.environ.get("WARMWINTER_TEST_DATABASE_URL", "sqlite:///" + os.path.join(os.environ["WARMWINTER_VAR_DIR"], "test.sqlite3")))}
# Argon2 stays the production hasher (a test asserts it); tests hash quickly.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405  WhiteNoise warns when it is missing
WHITENOISE_USE_FINDERS = True
