"""Handling an application: every allowed and refused step, who may take it, and what it leaves behind."""

from __future__ import annotations

from datetime import date

import pytest
from wagtail.models import ModelLogEntry

from cms.applications.actions import (
    TRANSITIONS,
    ApproveAnswerAction,
    ConsultThirdPartyAction,
    DeliverAction,
    DraftAnswerAction,
    EndConsultationAction,
    ExtendAnswerAction,
    LapseCorrectionAction,
    ReceiveCorrectionAction,
    RegisterApplicationAction,
    RequestCorrectionAction,
    ReturnAnswerAction,
    TransferApplicationAction,
    WithdrawApplicationAction,
    find_application,
    purge_expired_personal_data,
)
from cms.applications.errors import ApplicationError
from cms.applications.models import Application, ApplicationState, DeliveryMeans, Outcome

from .conftest import apply, registered

S = ApplicationState
BASIS = "《中华人民共和国政府信息公开条例》第三十七条"


def draft(case, user):
    return DraftAnswerAction(case, user, outcome=Outcome.DISCLOSED, legal_basis=BASIS, answer="予以公开。").execute()


def answer(case, staff, outcome=Outcome.PARTLY_DISCLOSED, on=None):
    kw = {"on": on} if on else {}
    DraftAnswerAction(
        case, staff["editor"], outcome=outcome, legal_basis=BASIS, answer="经审查，现将可以公开的部分提供给您。", **kw
    ).execute()
    return ApproveAnswerAction(case, staff["reviewer"], **kw).execute()


class TestTheWholeWay:
    def test_registered_answered_and_delivered(self, department, staff):
        case, code = apply(department, submitted=date(2025, 11, 3))
        assert case.state == S.SUBMITTED and case.received_on is None and case.number == ""
        case = RegisterApplicationAction(case, staff["editor"], on=date(2025, 11, 3)).execute()
        assert case.number == f"{department.profile.organisation.display_name}依申〔2025〕1号"
        case = answer(case, staff, on=date(2025, 11, 20))
        assert (case.state, case.concluded_on, case.outcome) == (
            S.ANSWERED,
            date(2025, 11, 20),
            Outcome.PARTLY_DISCLOSED,
        )
        case = DeliverAction(
            case, staff["editor"], means=DeliveryMeans.EMAIL, delivered_on=date(2025, 11, 21), on=date(2025, 11, 21)
        ).execute()
        assert case.state == S.DELIVERED
        actions = list(case.events.values_list("action", flat=True))
        assert actions == ["submit", "register", "draft_answer", "approve_answer", "deliver"]
        logged = ModelLogEntry.objects.filter(object_id=str(case.pk), action__startswith="applications.")
        assert logged.count() == 5
        assert "李四" not in "".join(entry.label for entry in logged)
        assert find_application(code, "123X") == case and find_application(code, "1234") is None

    def test_numbers_run_per_unit_and_year(self, department, staff):
        first = registered(department, staff["editor"], date(2025, 12, 30))
        second = registered(department, staff["editor"], date(2025, 12, 31))
        next_year = registered(department, staff["editor"], date(2026, 1, 5))
        org = department.profile.organisation.display_name
        assert [first.number, second.number, next_year.number] == [
            f"{org}依申〔2025〕1号",
            f"{org}依申〔2025〕2号",
            f"{org}依申〔2026〕1号",
        ]

    def test_no_answer_to_the_correction_ends_the_case(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        case = RequestCorrectionAction(case, staff["editor"], items="请写明文件名称", on=date(2025, 11, 4)).execute()
        with pytest.raises(ApplicationError, match="尚未届满"):
            LapseCorrectionAction(case, staff["editor"], on=case.correction_deadline).execute()
        case = LapseCorrectionAction(case, staff["editor"], on=date(2025, 12, 1)).execute()
        assert (case.state, case.outcome) == (S.CLOSED, Outcome.NO_CORRECTION)

    def test_nobody_approves_their_own_answer_and_an_editor_not_at_all(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        draft(case, staff["reviewer"])
        with pytest.raises(ApplicationError, match="不能审核自己拟定的答复"):
            ApproveAnswerAction(case, staff["reviewer"]).execute()
        with pytest.raises(ApplicationError, match="无权"):
            ApproveAnswerAction(case, staff["editor"]).execute()
        ReturnAnswerAction(case, staff["leader"], reason="请补充法律依据").execute()
        assert Application.objects.get(pk=case.pk).state == S.REGISTERED

    def test_still_unclear_only_after_a_correction(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        with pytest.raises(ApplicationError, match="已经补正"):
            DraftAnswerAction(
                case, staff["editor"], outcome=Outcome.STILL_UNCLEAR, legal_basis=BASIS, answer="仍不明确。"
            ).execute()


class TestRefusedTransitions:
    @pytest.mark.parametrize("state", S.values)
    def test_each_step_only_from_its_states(self, department, staff_with_township, state):
        staff = staff_with_township
        case = registered(department, staff["editor"], date(2025, 11, 3))
        Application.objects.filter(pk=case.pk).update(
            state=state, concluded_on=date(2025, 11, 20), correction_deadline=date(2025, 11, 10)
        )
        case.refresh_from_db()
        on = {"on": date(2025, 11, 25)}
        steps = {
            "register": lambda: RegisterApplicationAction(case, staff["editor"], on=date(2025, 11, 3)),
            "request_correction": lambda: RequestCorrectionAction(case, staff["editor"], items="请写明名称", **on),
            "receive_correction": lambda: ReceiveCorrectionAction(case, staff["editor"], text="名称为某通知", **on),
            "lapse_correction": lambda: LapseCorrectionAction(case, staff["editor"], **on),
            "consult_third_party": lambda: ConsultThirdPartyAction(case, staff["editor"], third_party="某公司", **on),
            "end_consultation": lambda: EndConsultationAction(case, staff["editor"], opinion="同意公开", **on),
            "extend": lambda: ExtendAnswerAction(case, staff["leader"], working_days=5, reason="需要调取档案", **on),
            "draft_answer": lambda: DraftAnswerAction(
                case, staff["editor"], outcome=Outcome.DISCLOSED, legal_basis=BASIS, answer="予以公开。", **on
            ),
            "approve_answer": lambda: ApproveAnswerAction(case, staff["reviewer"], **on),
            "return_answer": lambda: ReturnAnswerAction(case, staff["reviewer"], reason="请修改", **on),
            "deliver": lambda: DeliverAction(case, staff["editor"], means=DeliveryMeans.POST, **on),
            "transfer": lambda: TransferApplicationAction(
                case, staff["editor"], to_unit=staff["township"], reason="转办"
            ),
            "withdraw": lambda: WithdrawApplicationAction(case, staff["editor"], note="申请人电话撤回", **on),
        }
        assert set(steps) == set(TRANSITIONS)
        for name, make in steps.items():
            events = case.events.count()
            if state in TRANSITIONS[name][0]:
                make().check()
            else:
                with pytest.raises(ApplicationError, match="不能"):
                    make().execute()
                assert case.events.count() == events
                assert Application.objects.get(pk=case.pk).state == state


@pytest.fixture
def staff_with_township(staff, township):
    return {**staff, "township": township}


class TestIsolationAndTransfer:
    def test_another_unit_cannot_touch_the_case(self, department, staff):
        case, _ = apply(department, submitted=date(2025, 11, 3))
        with pytest.raises(ApplicationError, match="无权"):
            RegisterApplicationAction(case, staff["other_editor"], on=date(2025, 11, 3)).execute()
        with pytest.raises(ApplicationError, match="无权"):
            RegisterApplicationAction(case, staff["overseer"], on=date(2025, 11, 3)).execute()  # the unit's job

    def test_transfer_keeps_the_clock_and_hands_the_case_over(self, department, township, staff):
        case = registered(department, staff["editor"], date(2025, 11, 3))
        due = case.due_date
        case = TransferApplicationAction(case, staff["overseer"], to_unit=township, reason="信息由水阳镇制作").execute()
        assert (case.unit_id, case.due_date, case.received_on) == (township.pk, due, date(2025, 11, 3))
        with pytest.raises(ApplicationError, match="无权"):
            draft(case, staff["editor"])
        draft(case, staff["other_editor"])


class TestRetention:
    def test_purge_erases_the_applicant_and_keeps_the_case(self, department, staff, settings):
        settings.APPLICATION_RETENTION_DAYS = 30
        case = registered(department, staff["editor"], date(2025, 11, 3))
        case = answer(case, staff, on=date(2025, 11, 20))
        assert purge_expired_personal_data() == 1
        case.refresh_from_db()
        assert (case.name, case.id_number, case.phone, case.email) == ("", "", "", "")
        assert case.outcome == Outcome.PARTLY_DISCLOSED and case.personal_data_purged_at
        assert purge_expired_personal_data() == 0
