"""Personal data is blanked CONSULTATION_RETENTION_DAYS after a consultation's end; the comment text stays."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cms.consultations.models import ConsultationComment
from cms.consultations.retention import PurgeConsultationPersonalDataAction

from .conftest import make_consultation, submit_comment, today

pytestmark = pytest.mark.django_db


def comment_on(site, end: date, **fields) -> ConsultationComment:
    page = make_consultation(site, start=end - timedelta(days=20), end=end)
    return submit_comment(page, submitted_at=page_time(end), **fields)


def page_time(day: date):
    from datetime import datetime, time

    from django.utils import timezone

    return datetime.combine(day, time(10, 0), tzinfo=timezone.get_current_timezone())


@override_settings(CONSULTATION_RETENTION_DAYS=365)
def test_old_comments_lose_their_personal_data_and_recent_ones_keep_it(department):
    old = comment_on(department, today() - timedelta(days=366), email="old@example.com")
    boundary = comment_on(department, today() - timedelta(days=365))
    recent = comment_on(department, today() - timedelta(days=30))

    out = StringIO()
    call_command("purge_consultation_personal_data", stdout=out)

    assert "已清除 1 条" in out.getvalue()
    old.refresh_from_db()
    assert (old.name, old.phone, old.email, old.ip_digest) == ("", "", "", "")
    assert old.content == "建议增加对老年人的照顾条款。"
    assert old.personal_data_purged_at is not None
    assert old.public_name == "匿名"
    for kept in (boundary, recent):
        kept.refresh_from_db()
        assert (kept.name, kept.phone) == ("张三丰", "13800138000")
        assert kept.personal_data_purged_at is None


def test_personal_data_is_ciphertext_in_the_database(open_consultation):
    comment = submit_comment(open_consultation, name="钱八", phone="13700001111", email="q8@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, email FROM consultations_consultationcomment WHERE id = %s", [comment.pk])
        stored = cursor.fetchone()
    assert all(value and value not in ("钱八", "13700001111", "q8@example.com") for value in stored)


def test_a_second_run_purges_nothing_more_and_a_dry_run_writes_nothing(department):
    comment_on(department, date(2020, 1, 10))
    out = StringIO()
    call_command("purge_consultation_personal_data", "--dry-run", stdout=out)
    assert "将清除 1 条" in out.getvalue()
    assert ConsultationComment.objects.filter(personal_data_purged_at__isnull=True).count() == 1
    assert PurgeConsultationPersonalDataAction().execute() == 1
    assert PurgeConsultationPersonalDataAction().execute() == 0
