"""Local development: debug on, every *.localhost subsite allowed."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1", "[::1]"] + env_list("ALLOWED_HOSTS")  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
