"""Working days (工作日) under the Chinese public-holiday calendar.

A day is a working day when, in this order:

1. the admin-editable ``WorkingDayOverride`` table says so (it wins, so the
   info center can correct a wrong entry or fill in a year in advance);
2. otherwise the ``chinese-calendar`` package says so — it knows the State
   Council's 法定节假日 *and* the 调休 make-up working days (a Saturday or
   Sunday that is a working day);
3. otherwise, for a year the package has no data for, Monday–Friday. That
   guess ignores every holiday of the year, so callers should show
   ``uncovered_years()`` to the user rather than trust it silently.

Deadline counting follows the usual rule for statutory periods (《民法典》
第二百零一条: 期间开始的当日不计入): the day the period starts from is not
counted; the period ends at the end of its last working day.

The override table holds a few dozen rows a year and is read on hot paths (every letter
submitted gets a due date): each process keeps the whole table (``all_overrides``) until
a row is saved or deleted (``Scope.WORKING_DAYS``, retired by ``cms.disclosure.handlers``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache

import chinese_calendar

from core.cache import Scope, held_per_process

from .models import WorkingDayOverride

# 《政府信息公开条例》(2019) 第二十六条: 属于主动公开范围的政府信息，应当自该政府
# 信息形成或者变更之日起20个工作日内及时公开。
ART26_WORKING_DAYS = 20

ONE_DAY = timedelta(days=1)

#: date → is_working_day, as loaded from ``WorkingDayOverride``.
Overrides = Mapping[date, bool]


@held_per_process(Scope.WORKING_DAYS)
def all_overrides() -> Mapping[date, bool]:
    """Every override row (shared by the process: never change it)."""
    return dict(WorkingDayOverride.objects.values_list("date", "is_working_day"))


def load_overrides(start: date, end: date) -> dict[date, bool]:
    """The override rows from ``start`` to ``end`` inclusive (no query while the process holds the table)."""
    return {day: working for day, working in all_overrides().items() if start <= day <= end}


@cache
def is_covered_by_holiday_calendar(year: int) -> bool:
    """Whether the installed ``chinese-calendar`` has the official holiday data for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:  # the package's way of saying "no data for that year"
        return False
    return True


def is_working_day(day: date, overrides: Overrides | None = None) -> bool:
    """Whether ``day`` is a working day (see the module docstring for the order of rules).

    ``overrides``: a preloaded ``load_overrides()`` dict covering ``day``; pass it
    when checking many days so the table is read once, not once per day. When
    omitted, the override for ``day`` is looked up (one query).
    """
    if overrides is None:
        overrides = load_overrides(day, day)
    if day in overrides:
        return overrides[day]
    if is_covered_by_holiday_calendar(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def working_days_between(start: date, end: date, overrides: Overrides | None = None) -> int:
    """The number of working days ``d`` with ``start < d <= end``.

    ``start`` itself is not counted (the day information is formed is day 0) and
    ``end`` is, so ``working_days_between(formed, published) <= 20`` means
    "published within 20 working days" in the sense of Art. 26; it is 0 when
    ``end <= start``. Holidays are skipped and make-up days counted: from Friday
    2024-09-27 to Tuesday 2024-10-08 there are 3 working days (Sunday 29
    September, a make-up day; Monday 30 September; Tuesday 8 October).

    ``overrides`` must cover ``(start, end]`` when given; otherwise the range is
    loaded in one query.
    """
    if end <= start:
        return 0
    if overrides is None:
        overrides = load_overrides(start + ONE_DAY, end)
    return sum(is_working_day(start + timedelta(days=n), overrides) for n in range(1, (end - start).days + 1))


def add_working_days(start: date, n: int, overrides: Overrides | None = None) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted); ``start`` when ``n == 0``.

    ``add_working_days(formed, ART26_WORKING_DAYS)`` is the last day on which an
    item formed on ``formed`` may be published on time. It is the smallest
    ``d`` with ``working_days_between(start, d) == n``.

    ``overrides`` must cover the days walked when given; otherwise they are
    loaded a window at a time (one query in practice: the first window is wide
    enough for ``n`` working days across the longest holiday, Spring Festival).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    loaded: Overrides = overrides if overrides is not None else {}
    loaded_until = start if overrides is None else date.max
    day = start
    remaining = n
    while remaining:
        day += ONE_DAY
        if day > loaded_until:
            # n working days span at most ~7/5·n calendar days plus a 9-day
            # holiday block; 2n + 14 leaves room for both.
            loaded_until = day + timedelta(days=2 * remaining + 14)
            loaded = {**loaded, **load_overrides(day, loaded_until)}
        if is_working_day(day, loaded):
            remaining -= 1
    return day


class WorkingDayIndex:
    """``working_days_between`` for many date pairs inside one span.

    Builds a running count of working days over ``[start, end]`` once (one
    overrides query, one calendar lookup per day), after which each pair costs
    O(1) — a report over thousands of items walks the span once, not once per item.
    """

    def __init__(self, start: date, end: date, overrides: Overrides | None = None) -> None:
        if end < start:
            raise ValueError("end must not be before start")
        if overrides is None:
            overrides = load_overrides(start, end)
        self.start, self.end = start, end
        # self._running[i]: working days in (start, start + i]
        self._running = [0]
        for n in range(1, (end - start).days + 1):
            self._running.append(self._running[-1] + is_working_day(start + timedelta(days=n), overrides))

    def between(self, start: date, end: date) -> int:
        """Same result as ``working_days_between(start, end)``; both dates must lie in the span."""
        if not (self.start <= start <= self.end and self.start <= end <= self.end):
            raise ValueError(f"{start}–{end} lies outside {self.start}–{self.end}")
        if end <= start:
            return 0
        return self._running[(end - self.start).days] - self._running[(start - self.start).days]


def uncovered_years(start: date, end: date) -> list[int]:
    """Years from ``start`` to ``end`` computed as plain Monday–Friday weeks.

    Those are the years the installed ``chinese-calendar`` has no data for and
    for which nobody has entered any ``WorkingDayOverride`` either; results
    touching them ignore that year's holidays and should carry a warning. (A
    year with at least one override row counts as looked after: we cannot
    tell whether the info center entered all of its holidays.)
    """
    return years_without_holiday_data(range(start.year, end.year + 1))


def years_without_holiday_data(years: Iterable[int]) -> list[int]:
    """``uncovered_years`` for any set of years, sorted; no query while the process holds the overrides."""
    candidates = sorted({year for year in years if not is_covered_by_holiday_calendar(year)})
    if not candidates:
        return []
    with_overrides = {day.year for day in all_overrides()}
    return [year for year in candidates if year not in with_overrides]


def format_years(years: Iterable[int]) -> str:
    """``[2001, 2002, 2003, 2030]`` → ``"2001–2003年、2030年"``, for warnings."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return "、".join(f"{first}年" if first == last else f"{first}–{last}年" for first, last in runs)
