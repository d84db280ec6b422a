"""Screenshots of the public pages for the README: ``make screenshots``.

Builds a throwaway demo cluster (``load_demo`` in a test database, dropped at
the end), serves it in this process, and saves PNGs of the home page, a column,
an article and the 政府信息公开 landing page at 1280 px (desktop) and 375 px (phone) wide, for the portal
(base theme) and a township (township theme), into ``docs/screenshots/``.

Debian's Chromium (``/usr/bin/chromium``, or ``CHROMIUM_PATH``) driven by
Playwright, as in ``tests/browser``, and a Chinese font (the pages ask for
"Noto Sans CJK SC" among others: ``apt-get install -y fonts-noto-cjk``; the
script refuses to run without one, which would draw every character as a box).
Each shot is cut to its first
``MAX_HEIGHT`` pixels and reduced to a 256-colour palette, which keeps text
sharp and the files small.

    .venv/bin/python bench/screenshots.py
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import harness

harness.setup("screenshots")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from PIL import Image  # noqa: E402

from cms.content.models import ArticlePage  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OUTPUT = harness.REPO_ROOT / "docs" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 375}
MAX_HEIGHT = {"desktop": 1100, "phone": 1500}
SITES = (("portal", "localhost", "/zcwj/"), ("township", "shuiyang.localhost", "/gzdt/"))


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def serve() -> tuple[ThreadedWSGIServer, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedWSGIServer(("127.0.0.1", port), QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(WSGIHandler()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


def chinese_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())


def end_server_sessions() -> None:
    """Server threads may still hold a connection to the throwaway database; it is dropped next."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def shrink(path: Path) -> None:
    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def pages() -> list[tuple[str, str, str, str]]:
    """(site key, host, page label, path) of every page to shoot."""
    shots = []
    for key, host, column in SITES:
        prefix = f"/{host.replace('.', '-')}{column}"
        article = ArticlePage.objects.live().filter(url_path__startswith=prefix).order_by("-publication_date").first()
        shots += [
            (key, host, "home", "/"),
            (key, host, "column", column),
            (key, host, "article", f"{column}{article.slug}/"),
            (key, host, "disclosure", "/zfxxgk/"),  # the 政府信息公开 landing page (issue 15)
        ]
    return shots


def run() -> int:
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)")
        return 1
    if not chinese_font_installed():
        print("No Chinese font found (fc-list :lang=zh): apt-get install -y fonts-noto-cjk")
        return 1
    from playwright.sync_api import sync_playwright

    server, port = serve()
    harness.timed(
        "load the demo cluster",
        lambda: call_command(
            "load_demo", "--password", "Screenshots-2026", "--port", str(port), verbosity=0, stdout=io.StringIO()
        ),
    )
    OUTPUT.mkdir(parents=True, exist_ok=True)
    total = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for device, width in WIDTHS.items():
                context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 600})
                page = context.new_page()
                for key, host, label, path in pages():
                    response = page.goto(f"http://{host}:{port}{path}")
                    assert response is not None and response.status == 200, (host, path)
                    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT[device])
                    target = OUTPUT / f"{key}-{label}-{width}.png"
                    page.screenshot(
                        path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
                    )
                    shrink(target)
                    size = target.stat().st_size
                    total += size
                    print(f"  {target.relative_to(harness.REPO_ROOT)}  {width}×{height}  {size // 1024} KB")
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        end_server_sessions()
    print(f"  total {total // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "screenshots"))
