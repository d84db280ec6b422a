"""Settings come from the environment; production refuses to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

ROOT = Path(__file__).resolve().parent.parent


def settings_value(module: str, expression: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; from django.conf import settings; django.setup(); print({expression})"],
        cwd=ROOT,
        env=clean_env | {"DJANGO_SETTINGS_MODULE": module} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = settings_value("cms.settings.production", "settings.DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_secret_key_and_debug_off():
    result = settings_value(
        "cms.settings.production", "settings.DEBUG", SECRET_KEY="x" * 50, ALLOWED_HOSTS="www.example.gov.cn"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_sqlite_is_the_default_and_database_url_selects_postgresql():
    default = settings_value("cms.settings.dev", "settings.DATABASES['default']['ENGINE']")
    assert default.stdout.strip() == "django.db.backends.sqlite3"
    pg = settings_value(
        "cms.settings.dev",
        "settings.DATABASES['default']['ENGINE']",
        DATABASE_URL="postgres://u@127.0.0.1:5432/cluster",
    )
    assert pg.stdout.strip() == "django.db.backends.postgresql"


def test_redis_url_selects_the_redis_cache():
    result = settings_value(
        "cms.settings.dev", "settings.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/1"
    )
    assert result.stdout.strip() == "django_redis.cache.RedisCache"


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL") and not os.environ.get("CI"),
    reason="REDIS_URL not set; CI sets it and must not skip",
)
def test_cache_round_trips_through_redis():
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache.set("cluster-test-key", {"站点": "水阳镇"}, 30)
    assert cache.get("cluster-test-key") == {"站点": "水阳镇"}
    cache.delete("cluster-test-key")


def test_every_app_keeps_its_migrations_in_the_top_level_package():
    for app_label, module in settings.MIGRATION_MODULES.items():
        assert module == f"migrations.{app_label}"
        assert (ROOT / "migrations" / app_label / "0001_initial.py").exists()


def test_production_sends_the_security_headers_on_error_pages_too():
    # django-csp leaves debug 404/500 pages without a policy; production runs with DEBUG off,
    # so they carry it (tests/core/test_headers.py checks the responses with DEBUG off).
    result = settings_value(
        "cms.settings.production",
        "(settings.DEBUG, [m for m in settings.MIDDLEWARE if 'Policy' in m], sorted(settings.PERMISSIONS_POLICY)[:2])",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="www.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(False, ['core.http.PermissionsPolicyMiddleware', 'cms.accounts.security.ContentSecurityPolicyMiddleware'],"
        " ['accelerometer', 'bluetooth'])"
    )


def test_production_keeps_database_connections_with_health_checks():
    # A new PostgreSQL connection per request cost about a quarter of an uncached page's throughput.
    expression = "(settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    env = {"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@127.0.0.1:5432/cluster"}
    production = settings_value("cms.settings.production", expression, **env)
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip() == "(600, True)"
    tuned = settings_value("cms.settings.production", expression, DB_CONN_MAX_AGE="60", **env)
    assert tuned.stdout.strip() == "(60, True)"
    # Development keeps 0: runserver's thread per request would leak every kept connection.
    assert settings_value("cms.settings.dev", expression).stdout.strip() == "(0, True)"
