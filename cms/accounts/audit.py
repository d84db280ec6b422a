"""The audit trail: Wagtail's audit log plus login events, exported and purged past the retention."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.models import ModelLogEntry, PageLogEntry

from .errors import AccountError
from .models import LoginEvent
from .passwords import days_ago


def audit_entries(since=None, until=None) -> list[tuple]:
    """Wagtail's audit log (page and model entries) plus login events, newest first."""

    def window(qs, name):
        if since:
            qs = qs.filter(**{f"{name}__gte": since})
        if until:
            qs = qs.filter(**{f"{name}__lt": until})
        return qs

    entries = []
    for model in (PageLogEntry, ModelLogEntry):
        for entry in window(model.objects.select_related("user"), "timestamp").order_by("-timestamp"):
            entries.append(
                (entry.timestamp, entry.user.username if entry.user else "", entry.action, entry.label, entry.data)
            )
    for event in window(LoginEvent.objects.all(), "at"):
        entries.append((event.at, event.username, f"accounts.{event.kind}", event.ip_address or "", {}))
    entries.sort(key=lambda e: e[0], reverse=True)
    return entries


def purge_audit_log(older_than_days: int) -> int:
    """Delete audit entries older than ``older_than_days``; refuses less than the retention (≥180 days)."""
    if older_than_days < settings.AUDIT_LOG_RETENTION_DAYS:
        raise AccountError(f"审计日志至少保留 {settings.AUDIT_LOG_RETENTION_DAYS} 天（等保 2.0 要求不少于 6 个月）。")
    cutoff = days_ago(older_than_days)
    with transaction.atomic():
        deleted = PageLogEntry.objects.filter(timestamp__lt=cutoff).delete()[0]
        deleted += ModelLogEntry.objects.filter(timestamp__lt=cutoff).delete()[0]
        deleted += LoginEvent.objects.filter(at__lt=cutoff).delete()[0]
    return deleted
