"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL is set."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1", "testserver", ".example.gov.cn"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Uploaded test files go to a throwaway folder, never into the work tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cluster-test-media-"))
