"""The letters' clocks, in working days of the one holiday calendar (``cms.disclosure.working_days``).

- A letter's **due date** is the ``ReplyDeadline`` of its kind (or of a complex matter,
  once the unit marks it so) counted from the day it was received, which itself
  does not count (《民法典》第二百零一条, as for every period here).
- An **extension** (once, with a reason) adds working days to the due date.
- A **transfer** keeps the due date: the clock is the citizen's, not the unit's.
- The **inspection guard**: a letter unanswered for more than three months fails the
  site at the national inspection (国办秘函〔2019〕19号, 单项否决); any open letter
  older than ``LETTER_VETO_GUARD_DAYS`` (60 calendar days) is shown in red to the info center.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from cms.disclosure.working_days import add_working_days, working_days_between

from .models import COMPLEX, DEFAULT_REPLY_WORKING_DAYS, ReplyDeadline


def reply_working_days(kind: str, *, is_complex: bool = False) -> int:
    """The configured reply period of a kind of letter (the complex-matter period when longer)."""
    keys = [kind, COMPLEX] if is_complex else [kind]
    configured = dict(ReplyDeadline.objects.filter(key__in=keys).values_list("key", "working_days"))
    days = [configured.get(key, DEFAULT_REPLY_WORKING_DAYS[key]) for key in keys]
    return max(days)


def due_date_for(received_on: date, kind: str, *, is_complex: bool = False) -> date:
    return add_working_days(received_on, reply_working_days(kind, is_complex=is_complex))


def extended_due_date(due: date, working_days: int) -> date:
    return add_working_days(due, working_days)


def today() -> date:
    return timezone.localdate()


def warning_working_days() -> int:
    """Letters due within this many working days are shown as 即将到期 (and mailed)."""
    return settings.LETTER_WARNING_WORKING_DAYS


def veto_guard_cutoff(now_day: date | None = None) -> date:
    """Open letters received on or before this day are past the info center's 60-day guard."""
    return (now_day or today()) - timedelta(days=settings.LETTER_VETO_GUARD_DAYS)


def warning_horizon(now_day: date | None = None) -> date:
    """The last due date that counts as 即将到期 today."""
    return add_working_days(now_day or today(), warning_working_days())


@dataclass(frozen=True)
class Clock:
    """What a handler sees of a letter's deadline."""

    due_date: date
    working_days_left: int  # negative: working days overdue
    is_overdue: bool
    is_due_soon: bool
    past_veto_guard: bool
    days_open: int

    @property
    def label(self) -> str:
        if self.is_overdue:
            return f"已超期{-self.working_days_left}个工作日"
        if self.working_days_left == 0:
            return "今日到期"
        return f"剩余{self.working_days_left}个工作日"


def clock_of(letter, now_day: date | None = None) -> Clock:
    """The clock of an open letter (for a closed one, as it stood on its reply day)."""
    now_day = now_day or today()
    received = timezone.localdate(letter.received_at)
    if letter.closed_at:
        now_day = timezone.localdate(letter.closed_at)
    if now_day <= letter.due_date:
        left = working_days_between(now_day, letter.due_date)
    else:
        left = -working_days_between(letter.due_date, now_day)
    open_now = not letter.is_closed
    return Clock(
        due_date=letter.due_date,
        working_days_left=left,
        is_overdue=now_day > letter.due_date,
        is_due_soon=open_now and now_day <= letter.due_date and left <= warning_working_days(),
        past_veto_guard=open_now and received <= veto_guard_cutoff(now_day),
        days_open=(now_day - received).days,
    )
