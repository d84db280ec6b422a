"""Restore drill: back up the database and both media folders, wipe them, restore, and
prove nothing was lost (docs/deployment.md, "Backups and the restore drill").

1. A throwaway PostgreSQL database and media folders get the demo cluster (``load_demo``:
   sites, pages, revisions, accounts, workflows, search index…) and, since the demo uploads
   nothing, an image with a rendition, a document (MEDIA_ROOT) and a 告知书 template
   (PRIVATE_MEDIA_ROOT).
2. Backup, as docs/deployment.md says to: ``pg_dump --format=custom`` and one ``tar`` of
   MEDIA_ROOT and PRIVATE_MEDIA_ROOT.
3. Wipe: the database dropped and created empty, both folders removed.
4. Restore: ``pg_restore`` into the empty database, the archive unpacked.
5. Compare: every table of every schema of ours (row count and the md5 of its rows in
   order), every sequence's value, every file (sha256); then the restored portal is
   served by Django (its home page answers 200). Exits 1 on any difference.

    .venv/bin/python bench/restore_drill.py    # DRILL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/restore_drill
    .venv/bin/python bench/restore_drill.py --tamper   # loses a row and a file after the restore: must fail
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("DRILL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/restore_drill")
CONFIG = dj_database_url.parse(URL)
SERVER = {
    "host": CONFIG["HOST"] or "localhost",
    "port": CONFIG["PORT"] or 5432,
    "user": CONFIG["USER"],
    "password": CONFIG["PASSWORD"] or None,
}
NAME = CONFIG["NAME"]
PG_ENV = os.environ | {
    "PGHOST": str(SERVER["host"]),
    "PGPORT": str(SERVER["port"]),
    "PGUSER": SERVER["user"],
    **({"PGPASSWORD": SERVER["password"]} if SERVER["password"] else {}),
}


def recreate_database() -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(NAME)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NAME)))


def drop_database() -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(NAME)))


def django_env(media: Path, private: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    return clean | {
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": URL,
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def python(env: dict[str, str], code: str) -> str:
    prelude = "import django; django.setup()\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


# The demo has no uploads: one image (with a rendition), one document and one private 告知书 template.
ADD_FILES = """
import io
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as Picture
from wagtail.documents.models import Document
from wagtail.images.models import Image
from cms.notices.models import NoticeTemplate
buffer = io.BytesIO()
Picture.effect_mandelbrot((640, 400), (-2, -1.2, 1, 1.2), 60).convert("RGB").save(buffer, "PNG")
image = Image.objects.create(title="恢复演练图片", file=ImageFile(io.BytesIO(buffer.getvalue()), name="drill.png"))
image.get_rendition("fill-320x200")
Document.objects.create(title="恢复演练文件", file=ContentFile("恢复演练".encode() * 500, "drill.txt"))
kind = NoticeTemplate._meta.get_field("kind").choices[0][0]
content = ContentFile(b"PK restore drill " * 64, "drill.docx")
NoticeTemplate.objects.update_or_create(kind=kind, defaults={"file": content})
"""
HOME_PAGE = """
from django.test import Client
from wagtail.models import Site
site = Site.objects.get(is_default_site=True)
response = Client().get("/", HTTP_HOST=f"{site.hostname}:{site.port}")
print(response.status_code, len(response.content))
"""


def table_fingerprints() -> dict[str, tuple[int, str]]:
    """Per table: (rows, md5 of the rows' text in order). Every table of every non-system schema."""
    figures = {}
    with psycopg.connect(dbname=NAME, **SERVER) as connection:
        tables = connection.execute(
            "SELECT schemaname, tablename FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        ).fetchall()
        for schema, table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {}.{} t"
            ).format(sql.Identifier(schema), sql.Identifier(table))
            figures[f"{schema}.{table}"] = tuple(connection.execute(query).fetchone())
        for schema, sequence, value in connection.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2"
        ):
            figures[f"sequence {schema}.{sequence}"] = (value or 0, "")
    return figures


def file_fingerprints(*folders: Path) -> dict[str, tuple[int, str]]:
    figures = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            figures[f"{folder.name}/{path.relative_to(folder)}"] = (
                path.stat().st_size,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return figures


def timed(label: str, step) -> float:
    start = time.perf_counter()
    step()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:7.2f} s")
    return seconds


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="restore-drill-"))
    media, private, backup = work / "media", work / "private-media", work / "backup"
    for folder in (media, private, backup):
        folder.mkdir()
    env = django_env(media, private)
    dump, archive = backup / "cluster.dump", backup / "media.tar.gz"
    try:
        print("restore drill")
        print(f"  database {NAME} on {SERVER['host']}:{SERVER['port']}; folders under {work}")

        def load() -> None:
            recreate_database()
            manage(env, "migrate", "--no-input")
            manage(env, "load_demo", "--verbosity", "0")
            python(env, ADD_FILES)

        timed("load the demo cluster", load)
        before_rows, before_files = table_fingerprints(), file_fingerprints(media, private)

        timed("backup: pg_dump --format=custom", lambda: subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", NAME], env=PG_ENV, check=True))  # fmt: skip
        timed("backup: tar media + private media", lambda: subprocess.run(
            ["tar", "-czf", str(archive), "-C", str(work), media.name, private.name], check=True))  # fmt: skip
        timed("wipe: drop database, remove folders", lambda: (drop_database(), shutil.rmtree(media),
                                                               shutil.rmtree(private)))  # fmt: skip
        assert not media.exists() and not private.exists()
        timed("restore: pg_restore", lambda: (recreate_database(), subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={NAME}", str(dump)], env=PG_ENV,
            check=True)))  # fmt: skip
        timed("restore: untar", lambda: subprocess.run(["tar", "-xzf", str(archive), "-C", str(work)], check=True))
        if "--tamper" in sys.argv:
            # The drill's own check: one row and one file lost after the restore must be reported.
            with psycopg.connect(dbname=NAME, autocommit=True, **SERVER) as connection:
                connection.execute(
                    "DELETE FROM wagtailcore_modellogentry WHERE id = (SELECT max(id) FROM wagtailcore_modellogentry)"
                )
            next(path for path in private.rglob("*") if path.is_file()).write_bytes(b"")
        after_rows, after_files = table_fingerprints(), file_fingerprints(media, private)
        served = python(env, HOME_PAGE)

        tables = [key for key in before_rows if not key.startswith("sequence ")]
        rows = sum(before_rows[key][0] for key in tables)
        print()
        print(f"  tables compared                    {len(tables):7d}   rows {rows}")
        print(f"  sequences compared                 {len(before_rows) - len(tables):7d}")
        print(f"  files compared                     {len(before_files):7d}   "
              f"{sum(size for size, _ in before_files.values()) / 2**20:.1f} MiB "
              f"({sum(1 for key in before_files if key.startswith(private.name + '/'))} private)")  # fmt: skip
        print(f"  backup size: dump {dump.stat().st_size / 2**20:.1f} MiB, media archive "
              f"{archive.stat().st_size / 2**20:.1f} MiB")  # fmt: skip
        print(f"  restored portal home page          {served} (status, bytes)")
        differences = [
            key for key in before_rows.keys() | after_rows.keys() if before_rows.get(key) != after_rows.get(key)
        ]
        differences += [
            key for key in before_files.keys() | after_files.keys() if before_files.get(key) != after_files.get(key)
        ]
        if differences or not served.startswith("200 ") or not before_files or not tables:
            print(f"  RESTORE DRILL FAILED: {len(differences)} differences, e.g. {sorted(differences)[:10]}")
            return 1
        print("  every row, sequence and file identical after the restore: PASSED")
        return 0
    finally:
        drop_database()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
