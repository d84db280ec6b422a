"""Reply deadlines in working days of the one holiday calendar: weekends, 法定节假日 and 调休 make-up days.

Dates are 2025's National Day: 1–8 October off, Sunday 28 September and Saturday 11 October
working days (国务院办公厅关于2025年部分节假日安排的通知). The day a letter arrives is not counted.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from cms.disclosure.models import WorkingDayOverride
from cms.letters.actions import AcceptLetterAction, ExtendDeadlineAction, RejectLetterAction
from cms.letters.deadlines import clock_of
from cms.letters.models import LetterKind, ReplyDeadline

from .conftest import local, write_letter


@pytest.fixture
def staff(department, make_user):
    return {"editor": make_user(department, "editor"), "reviewer": make_user(department, "reviewer")}


class TestDueDates:
    def test_a_consultation_gets_two_working_days_and_a_make_up_sunday_counts(self, department):
        letter, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 9, 26))  # a Friday
        assert letter.due_date == date(2025, 9, 29)  # Sat off, Sun 28 (make-up) 1, Mon 29 2

    def test_a_suggestion_gets_five_and_the_national_day_holiday_does_not_count(self, department):
        letter, _ = write_letter(department, kind=LetterKind.SUGGESTION, received_at=local(2025, 9, 29))
        # Tue 30 Sep 1; 1–8 Oct off; Thu 9 2, Fri 10 3, Sat 11 (make-up) 4, Sun off, Mon 13 5
        assert letter.due_date == date(2025, 10, 13)

    def test_an_ordinary_weekend(self, department):
        letter, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 11, 14))  # Friday
        assert letter.due_date == date(2025, 11, 18)

    def test_a_complaint_gets_fifteen(self, department):
        letter, _ = write_letter(department, kind=LetterKind.COMPLAINT, received_at=local(2025, 11, 3))  # Monday
        assert letter.due_date == date(2025, 11, 24)  # three full weeks

    def test_a_letter_written_late_at_night_counts_from_its_local_day(self, department):
        # 23:30 in Beijing is 15:30 UTC: the local day (Friday) is the day not counted.
        letter, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 11, 14, 23))
        assert letter.due_date == date(2025, 11, 18)

    def test_the_info_centers_periods_apply_to_letters_received_afterwards(self, department):
        before, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 11, 14))
        period = ReplyDeadline.objects.get(key=LetterKind.CONSULT)
        period.working_days = 3
        period.save()  # as the admin's edit view does: every process forgets the old periods
        after, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 11, 14))
        before.refresh_from_db()
        assert (before.due_date, after.due_date) == (date(2025, 11, 18), date(2025, 11, 19))

    def test_an_override_of_the_calendar_wins(self, department):
        WorkingDayOverride.objects.create(date=date(2025, 11, 17), is_working_day=False, note="临时停工")
        letter, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 11, 14))
        assert letter.due_date == date(2025, 11, 19)

    def test_a_complex_matter_gets_the_longer_period_on_acceptance(self, department, staff):
        letter, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 11, 3))
        assert letter.due_date == date(2025, 11, 5)
        letter = AcceptLetterAction(letter, staff["editor"], is_complex=True).execute()
        assert letter.is_complex and letter.due_date == date(2025, 11, 24)

    def test_an_extension_adds_working_days_across_the_holiday(self, department, staff):
        letter, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 9, 26))
        letter = ExtendDeadlineAction(letter, staff["reviewer"], working_days=3, reason="需要征求意见").execute()
        assert letter.due_date == date(2025, 10, 10)  # Tue 30 Sep, Thu 9, Fri 10 Oct


class TestClock:
    def test_days_left_due_soon_and_overdue(self, department):
        letter, _ = write_letter(department, kind=LetterKind.SUGGESTION, received_at=local(2025, 11, 3))
        assert letter.due_date == date(2025, 11, 10)
        monday = clock_of(letter, date(2025, 11, 3))
        assert (monday.working_days_left, monday.is_due_soon, monday.is_overdue) == (5, False, False)
        friday = clock_of(letter, date(2025, 11, 7))
        assert (friday.working_days_left, friday.is_due_soon, friday.label) == (1, True, "剩余1个工作日")
        assert clock_of(letter, date(2025, 11, 10)).label == "今日到期"
        late = clock_of(letter, date(2025, 11, 12))
        assert (late.is_overdue, late.working_days_left, late.label) == (True, -2, "已超期2个工作日")

    @override_settings(LETTER_VETO_GUARD_DAYS=60)
    def test_the_sixty_day_guard(self, department):
        letter, _ = write_letter(department, received_at=local(2025, 9, 1))
        assert not clock_of(letter, date(2025, 10, 30)).past_veto_guard  # 59 days
        assert clock_of(letter, date(2025, 10, 31)).past_veto_guard  # 60 days

    def test_a_closed_letter_stops_its_clock(self, department, staff):
        letter, _ = write_letter(department, kind=LetterKind.CONSULT, received_at=local(2025, 9, 1))
        letter = RejectLetterAction(letter, staff["editor"], reason="属于信访事项，请通过信访渠道反映").execute()
        clock = clock_of(letter, date(2026, 1, 1))
        assert not clock.past_veto_guard and not clock.is_due_soon
