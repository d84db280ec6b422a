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

from cms.disclosure.working_days import WorkingDayIndex, add_working_days, working_days_between
from core.cache import Scope, held_per_process, invalidate_after_commit

from .models import COMPLEX, DEFAULT_REPLY_WORKING_DAYS, ReplyDeadline


@held_per_process(Scope.REPLY_DEADLINES)
def configured_periods() -> dict[str, int]:
    """The info center's periods by key (six rows, read on every submission: held per process)."""
    return dict(ReplyDeadline.objects.values_list("key", "working_days"))


def reply_deadlines_changed(sender, **kwargs) -> None:
    """``post_save``/``post_delete`` of a ``ReplyDeadline`` (connected in ``LettersConfig.ready``).
    A bulk ``update()`` sends no signal: whoever does one calls this too."""
    invalidate_after_commit(Scope.REPLY_DEADLINES)


def reply_working_days(kind: str, *, is_complex: bool = False) -> int:
    """The configured reply period of a kind of letter (the complex-matter period when longer)."""
    keys = [kind, COMPLEX] if is_complex else [kind]
    configured = configured_periods()
    return max(configured.get(key, DEFAULT_REPLY_WORKING_DAYS[key]) for key in keys)


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


def clock_of(letter, now_day: date | None = None, index: WorkingDayIndex | None = None) -> Clock:
    """The clock of an open letter (for a closed one, as it stood on its reply day).

    ``index``: a ``WorkingDayIndex`` spanning the days involved, for many letters at once
    (``clocks_of``); without it each clock reads the calendar overrides itself."""
    now_day = now_day or today()
    received = timezone.localdate(letter.received_at)
    if letter.closed_at:
        now_day = timezone.localdate(letter.closed_at)
    between = index.between if index is not None else working_days_between
    left = between(now_day, letter.due_date) if now_day <= letter.due_date else -between(letter.due_date, now_day)
    open_now = not letter.is_closed
    return Clock(
        due_date=letter.due_date,
        working_days_left=left,
        is_overdue=now_day > letter.due_date,
        is_due_soon=open_now and now_day <= letter.due_date and left <= warning_working_days(),
        past_veto_guard=open_now and received <= veto_guard_cutoff(now_day),
        days_open=(now_day - received).days,
    )


def clocks_of(letters, now_day: date | None = None) -> dict[int, Clock]:
    """The clocks of many letters (a list page, a dashboard panel) with one calendar read."""
    letters = list(letters)
    if not letters:
        return {}
    now_day = now_day or today()
    days = [now_day]
    for letter in letters:
        days.append(letter.due_date)
        if letter.closed_at:
            days.append(timezone.localdate(letter.closed_at))
    index = WorkingDayIndex(min(days), max(days))
    return {letter.pk: clock_of(letter, now_day, index) for letter in letters}
