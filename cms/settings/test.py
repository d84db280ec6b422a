"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL is set."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1", "testserver", ".example.gov.cn"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Public forms stay guarded in tests; an easy challenge keeps solving it fast (tests/core/public_form_helpers.py).
PUBLIC_FORM_CHALLENGE_MAX_NUMBER = 1000
# The link checker's tests run servers on loopback (tests/linkcheck); they never leave it.
LINKCHECK_ALLOW_LOOPBACK = True
# Uploaded test files go to a throwaway folder, never into the work tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cluster-test-media-"))
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cluster-test-private-"))

# pytest-xdist workers (gw0, gw1, …) share one Redis: each gets its own database
# (REDIS_URL's number plus the worker's), since the tests empty the cache with
# FLUSHDB, which a key prefix would not contain. Each worker has its own test
# database (pytest-django adds the worker's suffix) and MEDIA_ROOT (above).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):  # noqa: F405
    _url = urlsplit(REDIS_URL)  # noqa: F405
    _db = int(_url.path.strip("/") or 0) + int(_worker[2:])
    if _db > 15:
        raise ValueError(f"REDIS_URL {REDIS_URL}: no Redis database {_db} for xdist worker {_worker}")  # noqa: F405
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))  # noqa: F405
