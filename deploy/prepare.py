"""Make this machine ready for `make serve`: the database, its schema, the static files
and, in an empty database, the demo cluster. Idempotent; run with the serve environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of DATABASE_URL if the server does not have it yet."""
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        return
    server = {
        "host": config["HOST"] or "localhost",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            return
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
        print(f"已创建数据库 {config['NAME']}")


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from sites.models import SiteProfile

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not SiteProfile.objects.exists():
        call_command("load_demo", port=int(os.environ.get("SERVE_PORT", "8000")))
    print("数据库、静态文件和演示站群已就绪。")


if __name__ == "__main__":
    main()
