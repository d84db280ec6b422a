"""Blanking citizens' personal data once a consultation is long over (docs/consultations.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ConsultationComment


@dataclass
class PurgeConsultationPersonalDataAction:
    """Names, phones and e-mails of comments on consultations that ended more than
    ``CONSULTATION_RETENTION_DAYS`` days ago become empty; the comment text stays (it is the
    consultation's record) and ``personal_data_purged_at`` says when. Run daily."""

    today: date | None = None
    retention_days: int | None = None

    def cutoff(self) -> date:
        days = settings.CONSULTATION_RETENTION_DAYS if self.retention_days is None else self.retention_days
        return (self.today or timezone.localdate()) - timedelta(days=days)

    def check(self) -> None:
        days = settings.CONSULTATION_RETENTION_DAYS if self.retention_days is None else self.retention_days
        if days < 0:
            raise ValueError("保存期限（天）不能为负数。")

    def due(self):
        return ConsultationComment.objects.filter(
            consultation__end_date__lt=self.cutoff(), personal_data_purged_at__isnull=True
        )

    def execute(self) -> int:
        self.check()
        with transaction.atomic():
            # An UPDATE, not a save per row: "" is stored as "" by EncryptedTextField.
            return self.due().update(name="", phone="", email="", ip_digest="", personal_data_purged_at=timezone.now())
