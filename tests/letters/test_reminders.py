"""The daily reminder mails and the retention purge (the commands cron runs)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cms.letters.actions import RejectLetterAction
from cms.letters.models import Letter
from cms.letters.selectors import VETO_GUARD_TEXT

from .conftest import write_letter

PERSONAL = ("张三", "13912345678", "zhangsan@example.com", "李四", "13800001111")


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cluster_letters(department, township, portal, make_user):
    people = {
        "editor": make_user(department, "editor"),
        "reviewer": make_user(department, "reviewer"),
        "other_editor": make_user(township, "editor"),
        "dispatcher": make_user(None, "信息中心"),
        "superuser": get_user_model().objects.create_superuser("root", "root@example.gov.cn", "x"),
    }
    no_mail = make_user(department, "leader")
    no_mail.email = ""
    no_mail.save()
    late, _ = write_letter(department, subject="教育局超期的来信", received_at=days_ago(20))
    soon, _ = write_letter(department, subject="教育局今日到期的来信", name="李四", phone="13800001111")
    Letter.objects.filter(pk=soon.pk).update(due_date=timezone.localdate())
    township_late, _ = write_letter(township, subject="水阳镇超期的来信", received_at=days_ago(20))
    old, _ = write_letter(portal, subject="待分办两个多月的来信", received_at=days_ago(70))
    write_letter(department, subject="教育局刚收到的来信", kind="suggestion")
    return people, {"late": late, "soon": soon, "township_late": township_late, "old": old}


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


class TestReminders:
    def test_each_unit_gets_its_own_late_letters_and_no_personal_data(self, cluster_letters, department):
        people, letters = cluster_letters
        assert "已发送" in run("send_letter_reminders")
        for message in mail.outbox:
            assert len(message.to) == 1  # a unit's handlers do not see each other's addresses
            assert not any(value in message.body or value in message.subject for value in PERSONAL)
        (to_editor,) = mails_to(people["editor"].email)
        assert to_editor.subject == "【来信办理提醒】宣州区教育局：超期 1 件，即将到期 1 件"
        body = to_editor.body
        assert letters["late"].number in body and "教育局超期的来信" in body and "已超期" in body
        assert letters["soon"].number in body and "今日到期" in body
        assert "水阳镇超期的来信" not in body and "教育局刚收到的来信" not in body
        assert "/admin/letters/" in body
        assert mails_to(people["reviewer"].email) and mails_to(people["other_editor"].email)
        assert "水阳镇超期的来信" in mails_to(people["other_editor"].email)[0].body

    def test_the_info_center_gets_the_cluster_summary_and_the_60_day_list(self, cluster_letters):
        people, letters = cluster_letters
        run("send_letter_reminders")
        (to_center,) = mails_to(people["dispatcher"].email)
        assert to_center.subject.startswith("【来信督办】全站群超期 3 件")
        assert "超过60天未办结 1 件" in to_center.subject
        assert VETO_GUARD_TEXT in to_center.body and letters["old"].number in to_center.body
        assert "待分办" in to_center.body and "宣州区教育局：1 / 1 / 0" in to_center.body
        # A superuser holds every permission by the flag alone: not the info center's mailing list.
        assert not mails_to(people["superuser"].email)

    def test_one_round_a_day_unless_forced(self, cluster_letters):
        run("send_letter_reminders")
        sent = len(mail.outbox)
        assert sent > 0
        assert "已经发送过" in run("send_letter_reminders")
        assert len(mail.outbox) == sent
        run("send_letter_reminders", "--force")
        assert len(mail.outbox) == 2 * sent

    def test_nothing_late_nothing_sent(self, department, make_user):
        make_user(department, "editor")
        write_letter(department, kind="suggestion")
        assert "已发送 0 封" in run("send_letter_reminders")
        assert mail.outbox == []


class TestRetention:
    def test_purge_erases_the_citizens_details_and_keeps_the_letter(self, department, make_user, settings):
        editor = make_user(department, "editor")
        old, _ = write_letter(department, subject="三年前办结的来信")
        RejectLetterAction(old, editor, reason="不属于本单位受理范围").execute()
        Letter.objects.filter(pk=old.pk).update(closed_at=days_ago(settings.LETTER_RETENTION_DAYS + 1))
        recent, _ = write_letter(department, subject="上月办结的来信")
        RejectLetterAction(recent, editor, reason="不属于本单位受理范围").execute()

        assert "已清除 1 封来信的个人信息" in run("purge_letter_personal_data")

        old.refresh_from_db()
        assert (old.name, old.phone, old.email) == ("", "", "")
        assert old.personal_data_purged_at is not None
        assert old.subject == "三年前办结的来信" and old.rejection_reason == "不属于本单位受理范围"
        assert old.events.filter(action="purge").count() == 1
        recent.refresh_from_db()
        assert recent.name == "张三" and recent.phone == "13912345678"
        assert "已清除 0 封" in run("purge_letter_personal_data")

    def test_the_admin_says_the_details_were_purged(self, client, department, make_user, settings):
        from django.urls import reverse

        editor = make_user(department, "editor")
        letter, _ = write_letter(department)
        RejectLetterAction(letter, editor, reason="不属于本单位受理范围").execute()
        Letter.objects.filter(pk=letter.pk).update(closed_at=days_ago(settings.LETTER_RETENTION_DAYS + 1))
        run("purge_letter_personal_data")
        client.force_login(editor)
        html = client.get(reverse("letters_admin:detail", args=[letter.pk])).content.decode()
        assert "个人信息已于" in html and "13912345678" not in html
