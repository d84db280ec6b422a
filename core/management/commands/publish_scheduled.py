"""Wagtail's ``publish_scheduled``, where a refused revision does not stop the others.

Wagtail's command publishes every due revision in one loop and stops at the
first exception. The publish guard (``core.publishing``) refuses revisions on
purpose — an item taken down since it was scheduled, a revision that lost its
review — so here each revision is published on its own: a refusal is logged,
its schedule cleared (it would be refused again every run) and the loop goes on.
The dry run and the expiry step are Wagtail's own (expiry runs after the
publications here, so a revision whose own expiry date has passed is expired at once). ``core`` is listed before
``wagtail`` in INSTALLED_APPS, so this command is the one ``manage.py`` runs.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.management.commands import publish_scheduled
from wagtail.models import Revision

from core.publishing import PublishRefused

logger = logging.getLogger(__name__)


class Command(publish_scheduled.Command):
    def handle(self, *args, **options):
        if not options["dryrun"]:
            self.publish_due_revisions()
        # Dry run, expiry, and anything that became due meanwhile: Wagtail's own loop.
        return super().handle(*args, **options)

    def publish_due_revisions(self) -> None:
        due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by("approved_go_live_at")
        for revision in due:
            try:
                with transaction.atomic():
                    revision.publish(log_action="wagtail.publish.scheduled")
            except PublishRefused as refused:
                Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
                log(
                    instance=revision.as_object(),
                    action="publishing.schedule_refused",
                    data={"revision": revision.pk, "reason": refused.message},
                    revision=revision,
                )
                logger.warning("scheduled revision %s not published: %s", revision.pk, refused.message)
                self.stderr.write(f"未发布定时版本 {revision.pk}：{refused.message}")
