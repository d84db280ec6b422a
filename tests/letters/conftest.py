"""Fixtures of the letters tests: the department's and the portal's mailboxes, and letters in them."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page

from cms.letters.actions import LetterSubmission, SubmitLetterAction
from cms.letters.mailboxes import interaction_column
from cms.letters.models import Letter, LetterKind, MailboxPage


def mailbox_of(site) -> MailboxPage:
    return Page.objects.child_of(interaction_column(site)).type(MailboxPage).get().specific


def submission(**fields) -> LetterSubmission:
    values = dict(
        kind=LetterKind.CONSULT,
        subject="关于义务教育阶段学校招生划片的咨询",
        content="我家住在水阳镇，孩子今年上小学，请问应到哪所学校报名？",
        name="张三",
        phone="13912345678",
        email="zhangsan@example.com",
        wants_public=True,
        consented=True,
    )
    values.update(fields)
    return LetterSubmission(**values)


def write_letter(site_or_mailbox, *, received_at: datetime | None = None, **fields) -> tuple[Letter, str]:
    """A citizen's letter through the real action; returns it with its query code."""
    mailbox = site_or_mailbox if isinstance(site_or_mailbox, MailboxPage) else mailbox_of(site_or_mailbox)
    action = SubmitLetterAction(mailbox, submission(**fields), received_at=received_at)
    letter = action.execute()
    return letter, action.query_code


def local(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture
def dept_mailbox(department) -> MailboxPage:
    return mailbox_of(department)
