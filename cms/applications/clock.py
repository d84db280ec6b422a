"""The statutory clock of an application, in working days of the one calendar (``cms.disclosure.working_days``).

- 第三十一条: an online application is received on the day the agency confirms it (登记);
  that day is ``received_on`` and, as for every period here, is not itself counted.
- 第三十条: an unclear application gets one 补正 notice within 7 working days of receipt;
  the answer period then runs from the day the corrected application arrives.
- 第三十三条: the answer is due within 20 working days, extendable once by at most 20;
  the time spent consulting a third party or another agency (第三十二条、第三十四条:
  15 working days each) is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from cms.disclosure.working_days import Overrides, add_working_days, load_overrides, working_days_between

from .models import (
    ANSWER_WORKING_DAYS,
    CORRECTION_NOTICE_WORKING_DAYS,
    THIRD_PARTY_WORKING_DAYS,
    Application,
    ApplicationState,
)


def today() -> date:
    return timezone.localdate()


def paused_working_days(pauses, until: date, overrides: Overrides | None = None) -> int:
    """Working days inside the consultation pauses, an ongoing one counted up to ``until``."""
    return sum(working_days_between(p.started_on, p.ended_on or until, overrides) for p in pauses)


def third_party_deadline(started_on: date) -> date:
    return add_working_days(started_on, THIRD_PARTY_WORKING_DAYS)


def correction_notice_due(received_on: date, overrides: Overrides | None = None) -> date:
    return add_working_days(received_on, CORRECTION_NOTICE_WORKING_DAYS, overrides)


@dataclass(frozen=True)
class StatutoryClock:
    """What the handler (and the applicant, at the look-up) sees of a case's deadline."""

    starts_on: date | None  # the day the 20 working days run from (received, or correction received)
    due_date: date | None  # None while not running (not yet received, or waiting for a correction)
    paused_working_days: int
    is_paused: bool
    is_stopped: bool  # waiting for the applicant's correction
    working_days_left: int | None
    is_overdue: bool
    is_due_soon: bool
    correction_notice_due: date | None

    @property
    def label(self) -> str:
        if self.is_stopped:
            return "等待申请人补正（不计时）"
        if self.due_date is None:
            return "尚未登记"
        if self.is_paused:
            return f"征求意见中（暂停计时），按今日计答复期限为{self.due_date:%Y年%m月%d日}"
        if self.is_overdue:
            return f"已超期{-self.working_days_left}个工作日"
        if self.working_days_left == 0:
            return "今日到期"
        return f"剩余{self.working_days_left}个工作日"


def clock_of(
    application: Application, now_day: date | None = None, pauses=None, overrides: Overrides | None = None
) -> StatutoryClock:
    """The clock of ``application`` on ``now_day`` (for a concluded case, as it stood on its conclusion).

    ``pauses``: the case's ``ClockPause`` rows when already loaded (lists compute many clocks);
    ``overrides``: the working-day overrides covering every day walked (``clocks_of`` loads one window)."""
    now_day = now_day or today()
    if application.concluded_on:
        now_day = application.concluded_on
    state = application.state
    received = application.received_on
    notice_due = (
        correction_notice_due(received, overrides) if received and not application.correction_requested_on else None
    )
    if received is None:
        return StatutoryClock(None, None, 0, False, False, None, False, False, None)
    if state == ApplicationState.CORRECTION:
        return StatutoryClock(None, None, 0, False, True, None, False, False, None)
    starts_on = application.correction_received_on or received
    pauses = list(application.pauses.all()) if pauses is None else pauses
    paused = paused_working_days([p for p in pauses if p.started_on >= starts_on], now_day, overrides)
    due = add_working_days(starts_on, ANSWER_WORKING_DAYS + application.extension_days + paused, overrides)
    left = (
        working_days_between(now_day, due, overrides)
        if now_day <= due
        else -working_days_between(due, now_day, overrides)
    )
    open_now = not application.is_concluded
    return StatutoryClock(
        starts_on=starts_on,
        due_date=due,
        paused_working_days=paused,
        is_paused=state == ApplicationState.THIRD_PARTY,
        is_stopped=False,
        working_days_left=left,
        is_overdue=now_day > due,
        is_due_soon=open_now and now_day <= due and left <= settings.APPLICATION_WARNING_WORKING_DAYS,
        correction_notice_due=notice_due if open_now else None,
    )


def clocks_of(applications, now_day: date | None = None) -> dict[int, StatutoryClock]:
    """The clocks of many cases (a list page, a panel) with one read of the working-day overrides.

    The cases' ``pauses`` must be prefetched (``prefetch_related("pauses")``)."""

    applications = list(applications)
    now_day = now_day or today()
    starts = [a.received_on for a in applications if a.received_on]
    if not starts:
        return {a.pk: clock_of(a, now_day, pauses=[], overrides={}) for a in applications}
    # 40 working days plus paused spans never reach two years past the latest start.
    overrides = load_overrides(min(starts), max(max(starts), now_day) + timedelta(days=730))
    return {a.pk: clock_of(a, now_day, pauses=list(a.pauses.all()), overrides=overrides) for a in applications}
