"""The cluster's one scheduler: fires the jobs of ``cms.operations.schedule.JOBS``."""

from __future__ import annotations

import logging
import signal
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cms.operations.schedule import JOBS, fire_due_jobs, next_tick

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "定时作业调度：每分钟检查作业表（cms/operations/schedule.py），把到时的作业交给后台任务执行。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")
        parser.add_argument("--now", help="以此时间检查（ISO 8601，如 2026-12-03T08:00+08:00；须与 --once 同用）")
        parser.add_argument("--list", action="store_true", dest="list_jobs", help="列出作业表后退出")

    def handle(self, *args, once: bool, now: str | None, list_jobs: bool, **options):
        if list_jobs:
            for job in JOBS:
                when = "每分钟" if job.at is None else f"每天 {job.at:%H:%M}"
                self.stdout.write(f"{job.name}\t{when}\t{job.label}")
            return
        if now is not None and not once:
            raise CommandError("--now 只能与 --once 同用。")
        if once:
            self.tick(self.parse_now(now) if now else timezone.now())
            return
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.stdout.write("调度器已启动：每分钟检查一次作业表。")
        while self.running:
            self.tick(timezone.now())
            close_old_connections()
            # Sleep in short steps so a stop signal is honoured within a second.
            wake = next_tick(timezone.now())
            while self.running and timezone.now() < wake:
                time.sleep(min(1.0, max((wake - timezone.now()).total_seconds(), 0)))

    def stop(self, signum, frame) -> None:
        self.running = False

    def tick(self, now: datetime) -> None:
        try:
            fired = fire_due_jobs(now)
        except Exception:
            # One failed tick (the database restarting) must not end the scheduler: the next minute retries.
            logger.exception("scheduler tick at %s failed", now.isoformat())
            close_old_connections()
            return
        for job in fired:
            self.stdout.write(f"{timezone.localtime(now):%Y-%m-%d %H:%M} 已交给后台任务：{job.label}（{job.name}）")

    @staticmethod
    def parse_now(value: str) -> datetime:
        parsed = parse_datetime(value)
        if parsed is None:
            raise CommandError(f"--now 的时间格式不对：{value}（例：2026-12-03T08:00+08:00）")
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
