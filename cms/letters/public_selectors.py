"""The read side of letters for the public pages and the reports: the public list and the monthly figures.

``monthly_statistics`` is what the mailbox's 统计 page, its XLSX download and the
政府网站工作年度报表 read (the admin side and the bench may reuse it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from cms.disclosure.working_days import WorkingDayIndex

from .models import Letter, LetterState, MailboxPage

# What the public list reads: no personal data but the name, shown masked.
PUBLIC_LIST_FIELDS = (
    "pk",
    "number",
    "kind",
    "subject",
    "name",
    "received_at",
    "replied_at",
    "replying_unit__site_name",
)


def public_letters(mailbox: MailboxPage) -> QuerySet[Letter]:
    """The mailbox's letters answered in public, last answered first (the partial index
    ``letters_public_by_mailbox`` serves both the filter and the order)."""
    return Letter.objects.filter(mailbox=mailbox, is_public=True, state=LetterState.REPLIED).order_by("-replied_at")


def public_letter_list(mailbox: MailboxPage, page_number: int, page_size: int) -> tuple[list[Letter], bool]:
    """One page of ``public_letters`` (1-based) and whether a next page exists, in one query:
    it reads one row past the page instead of counting the whole list (COUNT(*) over a
    mailbox with 100,000 replies reads every index entry on each visit)."""
    offset = (page_number - 1) * page_size
    rows = list(
        public_letters(mailbox)
        .select_related("replying_unit")
        .only(*PUBLIC_LIST_FIELDS)[offset : offset + page_size + 1]
    )
    return rows[:page_size], len(rows) > page_size


def public_letter(mailbox: MailboxPage, number: str) -> Letter | None:
    """A letter of the mailbox the public may read (answered in public), else None."""
    return public_letters(mailbox).select_related("replying_unit").filter(number=number).first()


@dataclass(frozen=True)
class PeriodFigures:
    """The figures of one month, or of the whole year (``month`` None)."""

    month: int | None
    received: int  # 收到: received in the period
    closed: int  # 办结: replied or refused with a reason in the period
    closed_on_time: int  # 按期办结: closed on or before its due date
    working_days_total: int  # working days received → closed, summed over ``closed``
    public_replies: int  # 公开答复: replied in the period and published

    @property
    def average_working_days(self) -> float | None:
        """平均办理工作日, one decimal; None without a closed letter."""
        return round(self.working_days_total / self.closed, 1) if self.closed else None

    @property
    def label(self) -> str:
        return f"{self.month}月" if self.month else "全年"


@dataclass(frozen=True)
class YearStatistics:
    year: int
    months: list[PeriodFigures]
    total: PeriodFigures

    def annual_report(self) -> list[tuple[str, object]]:
        """The year's figures under the names of the 政府网站工作年度报表 (互动交流 · 留言办理)."""
        average = self.total.average_working_days
        return [
            ("收到留言数量", self.total.received),
            ("办结留言数量", self.total.closed),
            ("平均办理时间（工作日）", average if average is not None else "—"),
            ("公开答复数量", self.total.public_replies),
        ]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year in local time, as [start, end)."""
    return (
        timezone.make_aware(datetime(year, 1, 1)),
        timezone.make_aware(datetime(year + 1, 1, 1)),
    )


def monthly_statistics(site, year: int) -> YearStatistics:
    """The letters to ``site`` (all its mailboxes) month by month in ``year``, local time.

    A letter counts as 收到 in the month it was received and as 办结 (with 按期, its working
    days and 公开答复) in the month it was closed, so a letter of December answered in
    January is in this year's 收到 and next year's 办结, as the annual report counts them.
    Three queries whatever the number of letters: the received counts by month, the
    closed letters' dates, the working-day overrides of their span (``WorkingDayIndex``)."""
    start, end = year_bounds(year)
    received = dict(
        Letter.objects.filter(site=site, received_at__gte=start, received_at__lt=end)
        .annotate(month=ExtractMonth("received_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    # Grouped in the database by the local days that matter: a year of 100,000 answered letters
    # is a few thousand groups, each counted once in Python (reading every row took seconds).
    closed_groups = list(
        Letter.objects.filter(site=site, closed_at__gte=start, closed_at__lt=end)
        .annotate(received_on=TruncDate("received_at"), closed_on=TruncDate("closed_at"))
        .values_list("received_on", "closed_on", "due_date", "state", "is_public")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months = {month: [0, 0, 0, 0] for month in range(1, 13)}  # closed, on time, working days, public
    if closed_groups:
        index = WorkingDayIndex(min(row[0] for row in closed_groups), max(row[1] for row in closed_groups))
        for received_on, closed_on, due_date, state, is_public, n in closed_groups:
            figures = months[closed_on.month]
            figures[0] += n
            figures[1] += n if closed_on <= due_date else 0
            figures[2] += n * index.between(received_on, closed_on)
            figures[3] += n if state == LetterState.REPLIED and is_public else 0
    by_month = [
        PeriodFigures(month, received.get(month, 0), closed, on_time, days, public)
        for month, (closed, on_time, days, public) in months.items()
    ]
    total = PeriodFigures(
        None,
        sum(m.received for m in by_month),
        sum(m.closed for m in by_month),
        sum(m.closed_on_time for m in by_month),
        sum(m.working_days_total for m in by_month),
        sum(m.public_replies for m in by_month),
    )
    return YearStatistics(year, by_month, total)


def statistics_years(today: date | None = None, span: int = 5) -> list[int]:
    """The years the statistics page offers: this year and the ``span - 1`` before it."""
    this_year = (today or timezone.localdate()).year
    return list(range(this_year, this_year - span, -1))
