"""Table 3 of the annual report (国办公开办函〔2021〕30号) on a seeded year, and its balance rule."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.applications.actions import (
    ApproveAnswerAction,
    DraftAnswerAction,
    LapseCorrectionAction,
    RequestCorrectionAction,
    WithdrawApplicationAction,
)
from cms.applications.models import ApplicantType, Application, Outcome
from cms.applications.report import table3

from .conftest import registered

BASIS = "《中华人民共和国政府信息公开条例》第三十六条"


def concluded(case, staff, outcome, on):
    DraftAnswerAction(case, staff["editor"], outcome=outcome, legal_basis=BASIS, answer="答复内容。", on=on).execute()
    return ApproveAnswerAction(case, staff["reviewer"], on=on).execute()


class TestTable3:
    def test_a_seeded_year_counts_and_balances(self, department, township, staff):
        editor = staff["editor"]
        # Received in 2024, concluded in 2025: carried over into 2025.
        old = registered(department, editor, date(2024, 12, 20))
        concluded(old, staff, Outcome.DISCLOSED, date(2025, 1, 10))
        # Received and concluded in 2025, several outcomes and applicant types.
        concluded(registered(department, editor, date(2025, 3, 3)), staff, Outcome.PARTLY_DISCLOSED, date(2025, 3, 20))
        concluded(
            registered(
                department, editor, date(2025, 4, 1), applicant_type=ApplicantType.COMMERCIAL, contact_person="王经理"
            ),
            staff,
            Outcome.NOT_HELD,
            date(2025, 4, 15),
        )
        concluded(
            registered(
                department,
                editor,
                date(2025, 5, 6),
                applicant_type=ApplicantType.LEGAL_SERVICE,
                contact_person="赵律师",
            ),
            staff,
            Outcome.THIRD_PARTY_RIGHTS,
            date(2025, 5, 30),
        )
        lapsed = registered(department, editor, date(2025, 6, 2))
        RequestCorrectionAction(lapsed, editor, items="请写明文件名称", on=date(2025, 6, 3)).execute()
        LapseCorrectionAction(lapsed, editor, on=date(2025, 7, 1)).execute()
        withdrawn = registered(department, editor, date(2025, 8, 4))
        WithdrawApplicationAction(withdrawn, editor, note="申请人来电撤回申请", on=date(2025, 8, 5)).execute()
        # Received in 2025, still open at the year's end: carried forward.
        registered(
            department, editor, date(2025, 12, 22), applicant_type=ApplicantType.RESEARCH, contact_person="孙研究员"
        )
        # Another unit's case is not this unit's table, but is the cluster's.
        registered(township, staff["other_editor"], date(2025, 9, 1))

        table = table3(2025, [department.pk])
        natural, commercial = ApplicantType.NATURAL_PERSON, ApplicantType.COMMERCIAL
        assert table.total(table.new) == 6 and table.new[natural] == 3
        assert table.total(table.carried_over) == 1
        assert table.outcomes[Outcome.DISCLOSED][natural] == 1
        assert table.outcomes[Outcome.PARTLY_DISCLOSED][natural] == 1
        assert table.outcomes[Outcome.NOT_HELD][commercial] == 1
        assert table.outcomes[Outcome.THIRD_PARTY_RIGHTS][ApplicantType.LEGAL_SERVICE] == 1
        assert table.outcomes[Outcome.NO_CORRECTION][natural] == 1
        assert table.outcomes[Outcome.OTHER][natural] == 1
        assert table.total(table.concluded) == 6
        assert table.carried_forward == {**dict.fromkeys(table.new, 0), ApplicantType.RESEARCH: 1}
        assert table.imbalances() == []
        assert table3(2025).total(table3(2025).new) == 7  # the whole cluster
        # 2026 starts with what 2025 carried forward.
        assert table3(2026, [department.pk]).carried_over[ApplicantType.RESEARCH] == 1

        labels = [label for label, _ in table.rows()]
        assert labels[0] == "一、本年新收政府信息公开申请数量"
        assert "    2．其他法律行政法规禁止公开" in labels and labels[-1] == "四、结转下年度继续办理"

    def test_a_concluded_case_without_outcome_breaks_the_balance(self, department, staff):
        case = registered(department, staff["editor"], date(2025, 3, 3))
        Application.objects.filter(pk=case.pk).update(state="answered", concluded_on=date(2025, 3, 4), outcome="")
        problems = table3(2025, [department.pk]).imbalances()
        assert problems and "没有办理结果分类" in problems[-1]

    def test_one_query_however_many_cases(self, department, staff):
        for day in (3, 4, 5, 6, 7):
            registered(department, staff["editor"], date(2025, 3, day))
        with CaptureQueriesContext(connection) as few:
            table3(2025)
        for day in (10, 11, 12):
            registered(department, staff["editor"], date(2025, 3, day))
        with CaptureQueriesContext(connection) as more:
            table3(2025)
        assert len(few) == len(more) == 1
