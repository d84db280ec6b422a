"""依申请公开 in the admin: each unit sees only its cases, every step through a real POST (refused
ones keep what was typed), the dashboard panels, table 3 and its XLSX, the reminder mails, the
purge command, and constant query counts."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cms.applications.actions import (
    ApproveAnswerAction,
    ConsultThirdPartyAction,
    DraftAnswerAction,
    RequestCorrectionAction,
)
from cms.applications.clock import today
from cms.applications.legal_basis import DEFAULT_LEGAL_BASIS
from cms.applications.models import ApplicantType, Application, ApplicationState, Outcome
from cms.applications.panels import OverseerApplicationsPanel, UnitApplicationsPanel
from cms.applications.reminders import send_reminders
from cms.applications.selectors import (
    consultations_past_due,
    correction_notice_late,
    overdue_applications,
    unit_summary,
)
from cms.disclosure.working_days import add_working_days

from .conftest import apply, registered

S = ApplicationState
INDEX = reverse("applications_admin:index")
TABLE3 = reverse("applications_admin:table3")
BASIS = DEFAULT_LEGAL_BASIS[Outcome.PARTLY_DISCLOSED]


def detail(application) -> str:
    return reverse("applications_admin:detail", args=[application.pk])


def as_user(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def fresh(application) -> Application:
    return Application.objects.get(pk=application.pk)


def working_days_ago(n: int) -> date:
    """A day ``n`` or more working days before today (walks back until the count is reached)."""
    day = today() - timedelta(days=n)
    while add_working_days(day, n) > today():
        day -= timedelta(days=1)
    return day


class TestIsolation:
    def test_the_list_shows_only_the_units_own_cases(self, client, department, township, staff):
        own, _ = apply(department, description="教育局2025年招生划片范围的文件")
        other, _ = apply(township, description="水阳镇2025年低保名单的公示情况")
        response = as_user(client, staff["editor"]).get(INDEX)
        assert response.status_code == 200
        ids = [a.pk for a, _ in response.context["rows"]]
        assert own.pk in ids and other.pk not in ids
        assert "待登记" in response.content.decode()

    def test_another_units_case_is_404_and_its_applicant_never_shown(self, client, department, township, staff):
        other, _ = apply(township, name="王五")
        c = as_user(client, staff["editor"])
        assert c.get(detail(other)).status_code == 404
        assert c.post(detail(other), {"action": "register"}).status_code == 404
        assert fresh(other).state == S.SUBMITTED

    def test_the_unit_and_the_overseer_see_the_applicants_personal_data(self, client, department, staff):
        case, _ = apply(department, name="李四")
        assert "34180219800101123X" in as_user(client, staff["editor"]).get(detail(case)).content.decode()
        body = as_user(client, staff["overseer"]).get(detail(case)).content.decode()
        assert "李四" in body and "13955630000" in body

    def test_the_list_never_shows_personal_data(self, client, department, staff):
        apply(department, name="李四")
        body = as_user(client, staff["overseer"]).get(INDEX).content.decode()
        assert "李四" not in body and "13955630000" not in body

    def test_a_user_without_a_unit_is_refused(self, client, make_user):
        outsider = make_user(None, "安全管理员")
        response = as_user(client, outsider).get(INDEX)
        assert response.status_code in (302, 403)

    def test_filters(self, client, department, staff):
        on = working_days_ago(25)
        late = registered(department, staff["editor"], on)
        company = registered(
            department, staff["editor"], today(), applicant_type=ApplicantType.COMMERCIAL, contact_person="张三"
        )
        c = as_user(client, staff["editor"])
        assert [a.pk for a, _ in c.get(INDEX, {"due": "overdue"}).context["rows"]] == [late.pk]
        assert [a.pk for a, _ in c.get(INDEX, {"applicant_type": "commercial"}).context["rows"]] == [company.pk]
        assert [a.pk for a, _ in c.get(INDEX, {"q": late.number}).context["rows"]] == [late.pk]
        assert c.get(INDEX, {"state": "junk", "due": "junk", "p": "x"}).status_code == 200
        assert "超期" in c.get(INDEX, {"due": "overdue"}).content.decode()


class TestSteps:
    def test_register_correct_consult_draft_approve_deliver(self, client, department, staff):
        case, _ = apply(department)
        editor = as_user(client, staff["editor"])
        page = editor.get(detail(case))
        assert "登记受理" in page.content.decode() and "审核通过并答复" not in page.content.decode()
        response = editor.post(detail(case), {"action": "register", "on": today().isoformat()})
        assert response.status_code == 302
        case = fresh(case)
        assert case.state == S.REGISTERED and case.number and case.due_date

        editor.post(
            detail(case), {"action": "request_correction", "items": "请写明文件的年份和名称", "working_days": "10"}
        )
        assert fresh(case).state == S.CORRECTION
        editor.post(detail(case), {"action": "receive_correction", "text": "2025年义务教育招生划片文件"})
        assert fresh(case).state == S.REGISTERED

        editor.post(detail(case), {"action": "consult_third_party", "third_party": "宣城市某某学校"})
        assert fresh(case).state == S.THIRD_PARTY and fresh(case).due_date is None
        editor.post(detail(case), {"action": "end_consultation", "opinion": "同意公开"})
        assert fresh(case).state == S.REGISTERED

        page = editor.get(detail(case))
        # The suggested legal basis per outcome reaches the page's form (as JSON for its script).
        assert page.context["legal_basis_map"][Outcome.PARTLY_DISCLOSED] == BASIS
        assert 'id="legal-basis-map"' in page.content.decode()
        editor.post(
            detail(case),
            {
                "action": "draft_answer",
                "outcome": Outcome.PARTLY_DISCLOSED,
                "legal_basis": BASIS,
                "answer": "部分公开。",
            },
        )
        assert fresh(case).state == S.IN_REVIEW
        # The author may not approve; the form is not even offered.
        assert "审核通过并答复" not in editor.get(detail(case)).content.decode()
        refused = editor.post(detail(case), {"action": "approve_answer"})
        assert refused.status_code == 200 and "您无权办理" in refused.content.decode()
        assert fresh(case).state == S.IN_REVIEW

        reviewer = as_user(client, staff["reviewer"])
        assert reviewer.post(detail(case), {"action": "approve_answer"}).status_code == 302
        assert fresh(case).state == S.ANSWERED
        reviewer.post(detail(case), {"action": "deliver", "means": "email", "delivered_on": today().isoformat()})
        assert fresh(case).state == S.DELIVERED

    def test_a_refused_step_keeps_what_was_typed_and_is_never_a_500(self, client, department, staff):
        case = registered(department, staff["editor"], today())
        c = as_user(client, staff["leader"])
        response = c.post(detail(case), {"action": "extend", "working_days": "30", "reason": "需要调取档案资料"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "1 至 20 个工作日" in body and "需要调取档案资料" in body
        for junk in (
            {"action": "nope"},
            {"action": "extend", "working_days": "9" * 30},
            {"action": "transfer", "to_unit": "x"},
        ):
            assert c.post(detail(case), junk).status_code == 200
        response = c.post(
            detail(case), {"action": "draft_answer", "outcome": "", "legal_basis": "", "answer": "答复草稿文字"}
        )
        assert "请选择办理结果" in response.content.decode() and "答复草稿文字" in response.content.decode()

    def test_only_the_leader_extends(self, client, department, staff):
        case = registered(department, staff["editor"], today())
        assert "延期答复" not in as_user(client, staff["editor"]).get(detail(case)).content.decode()
        refused = client.post(detail(case), {"action": "extend", "working_days": "10", "reason": "需要调取档案"})
        assert "无权" in refused.content.decode()
        as_user(client, staff["leader"]).post(
            detail(case), {"action": "extend", "working_days": "10", "reason": "需要调取档案"}
        )
        assert fresh(case).extension_days == 10
        # Once only: the form is gone.
        assert 'id="action-extend"' not in client.get(detail(case)).content.decode()

    def test_lapse_return_withdraw_and_transfer(self, client, department, township, staff):
        editor = as_user(client, staff["editor"])
        lapsing = registered(department, staff["editor"], working_days_ago(20))
        RequestCorrectionAction(
            lapsing, staff["editor"], items="请写明文件名称", working_days=5, on=lapsing.received_on
        ).execute()
        editor.post(detail(lapsing), {"action": "lapse_correction"})
        assert fresh(lapsing).state == S.CLOSED and fresh(lapsing).outcome == Outcome.NO_CORRECTION

        returned = registered(department, staff["editor"], today())
        DraftAnswerAction(
            returned, staff["editor"], outcome=Outcome.DISCLOSED, legal_basis=BASIS, answer="予以公开。"
        ).execute()
        as_user(client, staff["reviewer"]).post(detail(returned), {"action": "return_answer", "reason": "请补充依据"})
        assert fresh(returned).state == S.REGISTERED

        withdrawn = registered(department, staff["editor"], today())
        editor = as_user(client, staff["editor"])
        editor.post(detail(withdrawn), {"action": "withdraw", "note": "申请人来电撤回"})
        assert fresh(withdrawn).state == S.CLOSED

        moved = registered(department, staff["editor"], today())
        response = editor.post(
            detail(moved), {"action": "transfer", "to_unit": str(township.pk), "reason": "信息由水阳镇掌握"}
        )
        assert response.status_code == 302 and response.url == INDEX
        assert fresh(moved).unit_id == township.pk
        assert editor.get(detail(moved)).status_code == 404


class TestDashboard:
    def test_unit_panel_lists_overdue_and_late_notices_and_consultations(self, department, township, staff):
        overdue = registered(department, staff["editor"], working_days_ago(25))
        notice = registered(department, staff["editor"], working_days_ago(6))
        consulted = registered(department, staff["editor"], working_days_ago(30))
        ConsultThirdPartyAction(consulted, staff["editor"], third_party="某公司", on=working_days_ago(20)).execute()
        registered(township, staff["other_editor"], working_days_ago(25))
        context = UnitApplicationsPanel(staff["editor"]).get_context_data()
        assert [a.pk for a, _ in context["overdue"]] == [overdue.pk]
        assert context["totals"]["overdue"] == 1 and context["totals"]["third_party"] == 1
        assert notice.pk in [a.pk for a in context["notices"]]
        assert [p.application_id for p in context["consultations"]] == [consulted.pk]
        html = UnitApplicationsPanel(staff["editor"]).render_html({})
        assert "已超期 1 件" in html and "征求第三方意见超过15个工作日" in html

    def test_overseer_panel_counts_per_unit(self, department, township, staff):
        registered(department, staff["editor"], working_days_ago(25))
        registered(township, staff["other_editor"], working_days_ago(25))
        context = OverseerApplicationsPanel().get_context_data()
        assert context["totals"]["overdue"] == 2 and len(context["overdue"]) == 2
        assert {row.unit_id for row in context["summary"]} == {department.pk, township.pk}

    def test_the_home_page_shows_the_panel(self, client, department, staff):
        registered(department, staff["editor"], working_days_ago(25))
        assert "依申请公开" in as_user(client, staff["editor"]).get(reverse("wagtailadmin_home")).content.decode()

    def test_the_overseer_sees_the_cluster_panel_and_others_none(self, client, department, staff, make_user):
        registered(department, staff["editor"], working_days_ago(25))
        body = as_user(client, staff["overseer"]).get(reverse("wagtailadmin_home")).content.decode()
        assert "依申请公开（全站群）" in body and department.site_name in body
        auditor = make_user(None, "审计管理员")
        assert "依申请公开" not in as_user(client, auditor).get(reverse("wagtailadmin_home")).content.decode()


class TestQueryCounts:
    def _counts(self, user, client):
        results = {}
        for name, fn in (
            ("summary", lambda: unit_summary(user)),
            ("overdue", lambda: overdue_applications(user)),
            ("notices", lambda: correction_notice_late(user)),
            ("consultations", lambda: consultations_past_due(user)),
            ("unit_panel", lambda: UnitApplicationsPanel(user).get_context_data()),
            ("overseer_panel", lambda: OverseerApplicationsPanel().get_context_data()),
            ("list", lambda: client.get(INDEX)),
        ):
            with CaptureQueriesContext(connection) as ctx:
                fn()
            results[name] = len(ctx)
        return results

    def _add(self, site, user):
        registered(site, user, working_days_ago(25))
        registered(site, user, working_days_ago(5))
        consulted = registered(site, user, working_days_ago(30))
        ConsultThirdPartyAction(consulted, user, third_party="某公司", on=working_days_ago(20)).execute()

    def test_constant_whatever_the_number_of_cases_and_units(
        self, client, department, township, staff, make_site, make_user
    ):
        self._add(department, staff["editor"])
        as_user(client, staff["editor"])
        self._counts(staff["editor"], client)  # warm the permission caches
        before = self._counts(staff["editor"], client)
        for _ in range(2):
            self._add(department, staff["editor"])
        self._add(township, staff["other_editor"])
        after = self._counts(staff["editor"], client)
        assert after == before, (before, after)
        print("query counts", after)


class TestTable3:
    def _cases(self, department, staff):
        case = registered(department, staff["editor"], today())
        DraftAnswerAction(
            case, staff["editor"], outcome=Outcome.PARTLY_DISCLOSED, legal_basis=BASIS, answer="部分公开。"
        ).execute()
        ApproveAnswerAction(case, staff["reviewer"]).execute()
        registered(department, staff["editor"], today(), applicant_type=ApplicantType.COMMERCIAL, contact_person="张三")

    def test_the_page_and_its_balance(self, client, department, staff):
        self._cases(department, staff)
        response = as_user(client, staff["editor"]).get(TABLE3, {"year": today().year})
        body = response.content.decode()
        assert response.status_code == 200 and "表内数据平衡" in body
        rows = dict(response.context["rows"])
        assert rows["一、本年新收政府信息公开申请数量"] == [1, 1, 0, 0, 0, 0, 1, 2]
        assert rows["三、本年度办理结果 （七）总计"][-1] == 1
        assert rows["四、结转下年度继续办理"] == [0, 1, 0, 0, 0, 0, 1, 1]

    def test_a_unit_sees_only_its_own_and_the_overseer_the_cluster(self, client, department, township, staff):
        self._cases(department, staff)
        registered(township, staff["other_editor"], today())
        mine = as_user(client, staff["other_editor"]).get(TABLE3, {"unit": str(department.pk)})
        assert dict(mine.context["rows"])["一、本年新收政府信息公开申请数量"][-1] == 1  # its own, not the department's
        cluster = as_user(client, staff["overseer"]).get(TABLE3)
        assert dict(cluster.context["rows"])["一、本年新收政府信息公开申请数量"][-1] == 3
        one = client.get(TABLE3, {"unit": str(department.pk)})
        assert dict(one.context["rows"])["一、本年新收政府信息公开申请数量"][-1] == 2

    def test_an_imbalance_is_shown_in_red(self, client, department, staff):
        case = registered(department, staff["editor"], today())
        Application.objects.filter(pk=case.pk).update(state=S.CLOSED, concluded_on=today())  # no outcome
        body = as_user(client, staff["editor"]).get(TABLE3).content.decode()
        assert "app-imbalance" in body and "没有办理结果分类" in body

    def test_xlsx_has_the_same_layout_and_no_personal_data(self, client, department, staff):
        self._cases(department, staff)
        response = as_user(client, staff["editor"]).get(TABLE3, {"format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][1] == "自然人" and rows[0][-2] == "法人或其他组织小计" and rows[0][-1] == "总计"
        assert rows[1][0] == "一、本年新收政府信息公开申请数量" and rows[1][-1] == 2
        text = " ".join(str(v) for row in rows for v in row if v is not None)
        assert "李四" not in text and "13955630000" not in text


class TestMailAndPurge:
    def test_reminders_name_number_unit_due_and_state_only(self, department, staff, settings):
        settings.WAGTAILADMIN_BASE_URL = "https://admin.example.gov.cn"
        staff["editor"].email = "editor@example.gov.cn"
        staff["editor"].save()
        staff["overseer"].email = "center@example.gov.cn"
        staff["overseer"].save()
        case = registered(department, staff["editor"], working_days_ago(25), name="李四")
        sent = send_reminders(force=True)
        assert sent == len(mail.outbox) >= 2  # one mail per recipient
        to_unit = next(m for m in mail.outbox if m.to == ["editor@example.gov.cn"])
        assert case.number in to_unit.body and department.site_name in to_unit.body and "办理中" in to_unit.body
        assert f"{case.due_date:%Y-%m-%d}" in to_unit.body
        for message in mail.outbox:
            assert "李四" not in message.body and "13955630000" not in message.body and "招生" not in message.body
        center = next(m for m in mail.outbox if m.to == ["center@example.gov.cn"])
        assert "已超期 1 件" in center.body
        assert send_reminders() is None  # once a day
        call_command("send_application_reminders", "--force", stdout=io.StringIO())

    def test_purge_command(self, department, staff, settings):
        case = registered(department, staff["editor"], today() - timedelta(days=40))
        Application.objects.filter(pk=case.pk).update(
            state=S.CLOSED, outcome=Outcome.OTHER, concluded_on=today() - timedelta(days=35)
        )
        settings.APPLICATION_RETENTION_DAYS = 30
        out = io.StringIO()
        call_command("purge_application_personal_data", stdout=out)
        assert "已清除 1 件" in out.getvalue()
        assert fresh(case).name == "" and fresh(case).personal_data_purged_at


class TestNotices:
    def test_the_case_offers_the_notices_that_fit_and_they_download(self, client, department, township, staff):
        case = registered(department, staff["editor"], today())
        RequestCorrectionAction(case, staff["editor"], items="请写明文件的年份").execute()
        c = as_user(client, staff["editor"])
        offered = [n.kind for n in c.get(detail(case)).context["notices"]]
        assert offered == ["correction"]
        url = reverse("applications_admin:notice", args=[case.pk, "correction"])
        docx = c.get(url)
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
        pdf = c.get(url, {"format": "pdf"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        # A notice the case has no reason for, and another unit's case: 404.
        assert c.get(reverse("applications_admin:notice", args=[case.pk, "extension"])).status_code == 404
        assert as_user(client, staff["other_editor"]).get(url).status_code == 404

    def test_a_notice_names_the_units_disclosure_office_to_contact(self, department, staff):
        from cms.applications.notices import notice_context

        profile = department.profile
        profile.disclosure_office_address, profile.disclosure_office_phone = "宣州区教育局三楼", "0563-3021234"
        profile.save()
        case = registered(department, staff["editor"], today())
        RequestCorrectionAction(case, staff["editor"], items="请写明文件的年份").execute()
        context = notice_context(fresh(case), "correction")
        assert context.contact == "宣州区教育局三楼　电话：0563-3021234"

    def test_answer_consultation_and_extension_notices(self, client, department, staff):
        case = registered(department, staff["editor"], today())
        ConsultThirdPartyAction(case, staff["editor"], third_party="某公司").execute()
        from cms.applications.actions import EndConsultationAction, ExtendAnswerAction

        EndConsultationAction(case, staff["editor"], opinion="同意公开").execute()
        ExtendAnswerAction(case, staff["leader"], working_days=10, reason="需要汇总资料").execute()
        DraftAnswerAction(
            case, staff["editor"], outcome=Outcome.NOT_HELD, legal_basis=BASIS, answer="本机关不掌握。"
        ).execute()
        ApproveAnswerAction(case, staff["reviewer"]).execute()
        c = as_user(client, staff["editor"])
        offered = [(n.kind, n.pause) for n in c.get(detail(case)).context["notices"]]
        assert offered == [("extension", None), ("third_party", 0), ("answer_unavailable", None)]
        response = c.get(reverse("applications_admin:notice", args=[case.pk, "third_party"]), {"pause": "0"})
        assert response.status_code == 200
