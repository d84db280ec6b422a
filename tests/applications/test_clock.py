"""The statutory clock (《政府信息公开条例》第三十至三十三条): weekends, holidays, make-up days, a year end.

2025's National Day: 1–8 October off, Sunday 28 September and Saturday 11 October working days;
New Year 2026: 1–3 January off, Sunday 4 January a working day. The day of receipt is not counted.
"""

from __future__ import annotations

from datetime import date

import pytest

from cms.applications.actions import (
    ConsultThirdPartyAction,
    EndConsultationAction,
    ExtendAnswerAction,
    ReceiveCorrectionAction,
    RequestCorrectionAction,
)
from cms.applications.clock import clock_of
from cms.applications.errors import ApplicationError
from cms.applications.models import ApplicationState

from .conftest import registered


class TestTwentyWorkingDays:
    def test_across_the_national_day_holiday_and_its_make_up_days(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 9, 22))
        assert case.received_on == date(2025, 9, 22)
        assert case.due_date == date(2025, 10, 24) == clock_of(case, date(2025, 9, 22)).due_date

    def test_across_new_year_into_the_next_year(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 12, 19))
        # 22–31 Dec: 8; Sun 4 Jan (make-up): 9; 5–9 Jan: 14; 12–16 Jan: 19; Mon 19 Jan: 20
        assert case.due_date == date(2026, 1, 19)

    def test_days_left_and_overdue(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        assert case.due_date == date(2025, 12, 1)
        assert clock_of(case, date(2025, 11, 28)).working_days_left == 1
        assert clock_of(case, date(2025, 11, 28)).is_due_soon
        late = clock_of(case, date(2025, 12, 3))
        assert (late.is_overdue, late.working_days_left, late.label) == (True, -2, "已超期2个工作日")


class TestCorrection:
    """第三十条: one notice within 7 working days; the clock stops and restarts from the correction."""

    def test_the_notice_is_due_within_seven_working_days(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        assert clock_of(case, date(2025, 11, 3)).correction_notice_due == date(2025, 11, 12)

    def test_the_answer_period_restarts_in_full_from_the_corrected_application(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        case = RequestCorrectionAction(
            case, staff["editor"], items="请写明所需文件的名称或发文时间", on=date(2025, 11, 5)
        ).execute()
        assert case.state == ApplicationState.CORRECTION and case.due_date is None
        assert clock_of(case, date(2025, 11, 7)).is_stopped
        case = ReceiveCorrectionAction(
            case, None, text="所需文件为2025年招生工作通知", by_applicant=True, on=date(2025, 11, 10)
        ).execute()
        assert case.state == ApplicationState.REGISTERED
        assert case.due_date == date(2025, 12, 8)  # 20 working days from Monday 10 November

    def test_only_one_correction_notice(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        RequestCorrectionAction(case, staff["editor"], items="请写明文件名称", on=date(2025, 11, 4)).execute()
        case = ReceiveCorrectionAction(case, staff["editor"], text="文件名称为招生通知", on=date(2025, 11, 6)).execute()
        with pytest.raises(ApplicationError, match="一次性"):
            RequestCorrectionAction(case, staff["editor"], items="请再补充发文字号", on=date(2025, 11, 7)).execute()

    def test_a_late_notice_is_recorded_as_late(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        RequestCorrectionAction(case, staff["editor"], items="请写明文件名称", on=date(2025, 11, 13)).execute()
        assert "超过第三十条规定的7个工作日" in case.events.get(action="request_correction").note


class TestThirdParty:
    """第三十二条、第三十三条第二款: consulting a third party does not count."""

    def test_the_consultation_is_not_counted(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 9, 22))
        case = ConsultThirdPartyAction(case, staff["editor"], third_party="某建筑公司", on=date(2025, 10, 9)).execute()
        assert case.state == ApplicationState.THIRD_PARTY and case.due_date is None
        paused = clock_of(case, date(2025, 10, 14))
        assert paused.is_paused and paused.paused_working_days == 4  # 10, 11 (make-up), 13, 14 October
        case = EndConsultationAction(case, staff["editor"], opinion="第三方同意公开", on=date(2025, 10, 16)).execute()
        # 6 working days (10, 11, 13, 14, 15, 16 Oct) added to 24 October
        assert case.due_date == date(2025, 11, 3)


class TestExtension:
    """第三十三条第二款: once, at most 20 working days, the head of the office's consent."""

    def test_once_by_at_most_twenty_with_the_leader(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        with pytest.raises(ApplicationError, match="无权"):
            ExtendAnswerAction(case, staff["reviewer"], working_days=20, reason="需要调取档案").execute()
        with pytest.raises(ApplicationError, match="1 至 20"):
            ExtendAnswerAction(case, staff["leader"], working_days=21, reason="需要调取档案").execute()
        case = ExtendAnswerAction(case, staff["leader"], working_days=20, reason="需要调取档案").execute()
        assert case.due_date == date(2025, 12, 29)
        assert case.extension_approved_by == staff["leader"]
        with pytest.raises(ApplicationError, match="只能延长一次"):
            ExtendAnswerAction(case, staff["leader"], working_days=1, reason="还需要时间").execute()
