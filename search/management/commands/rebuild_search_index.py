"""python manage.py rebuild_search_index — recreate the public search index from the page tree."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import services


class Command(BaseCommand):
    help = "从页面树重建站群全文检索索引（重建期间读者继续使用旧索引）。"

    def handle(self, *args, **options):
        total = services.count_indexable()
        started = time.monotonic()
        with tqdm(total=total, desc="重建索引", unit="页", disable=options["verbosity"] == 0) as bar:
            written = services.rebuild_index(progress=bar.update)
        seconds = time.monotonic() - started
        backend = settings.SEARCH_BACKEND
        self.stdout.write(
            self.style.SUCCESS(f"索引重建完成：{written} 个页面，用时 {seconds:.1f} 秒（后端：{backend}）。")
        )
