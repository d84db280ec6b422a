"""政府信息公开工作年度报告 (国办公开办函〔2021〕30号): the figures the system computes, the balance
checks of what is entered, the draft page it generates, who may touch which organisation's report."""

from __future__ import annotations

import io
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from cms.applications.actions import ApproveAnswerAction, DraftAnswerAction
from cms.applications.models import ApplicantType, Outcome
from cms.content.models import ColumnPage
from cms.disclosure.annual_report import (
    ANNUAL_REPORTS_SLUG,
    AnnualReportError,
    GenerateAnnualReportAction,
    build_report,
    document_counts,
    report_column,
)
from cms.disclosure.annual_report_views import report_statuses
from cms.disclosure.metadata import DocumentClass, Validity
from cms.disclosure.models import AnnualReportData, AnnualReportPage

from ..applications.conftest import registered
from ..conftest import publish_through_workflow

YEAR = 2025
NORMATIVE, REGULATION = DocumentClass.NORMATIVE, DocumentClass.REGULATION


def balanced_data(organisation, **fields) -> AnnualReportData:
    values = dict(
        overview="本机关认真贯彻落实《条例》。\n\n全年主动公开政府信息。",
        licensing_decisions=12,
        punishment_decisions=3,
        coercion_decisions=1,
        administrative_fees=Decimal("1.2500"),
        review_upheld=1,
        review_corrected=1,
        review_total=2,
        direct_suit_pending=1,
        direct_suit_total=1,
        problems="公开平台栏目设置有待优化。",
        other_matters="无其他需要报告的事项。",
    )
    values.update(fields)
    data = AnnualReportData(organisation=organisation, year=YEAR, **values)
    data.full_clean()
    data.save()
    return data


def editor_of(site, make_user):
    return make_user(site, "editor")


@pytest.fixture
def department_org(department):
    return department.profile.organisation


# --- table 1: computed from the catalogue ----------------------------------------------------


class TestTable1:
    def test_counts_issued_repealed_and_in_force_of_the_organisations_own_documents_of_the_year(
        self, department, township, publish_policy, department_org
    ):
        def policy(title, formed, document_class=NORMATIVE, **fields):
            return publish_policy(department, title, date_formed=formed, document_class=document_class, **fields)

        policy("本年制发的规范性文件", date(YEAR, 3, 1))
        policy("年末最后一天制发", date(YEAR, 12, 31))
        policy("往年制发仍有效", date(2023, 5, 1))
        policy("往年制发、已修订", date(2023, 6, 1), validity=Validity.REVISED, validity_changed_on=date(2024, 1, 1))
        policy("本年废止", date(2022, 1, 5), validity=Validity.REPEALED, validity_changed_on=date(YEAR, 6, 1))
        policy("本年失效", date(2022, 2, 5), validity=Validity.EXPIRED, validity_changed_on=date(YEAR, 7, 1))
        policy("往年已废止", date(2020, 1, 5), validity=Validity.REPEALED, validity_changed_on=date(2024, 6, 1))
        policy(
            "次年才废止：年末仍有效", date(2021, 1, 5), validity=Validity.REPEALED, validity_changed_on=date(2026, 2, 1)
        )
        policy("次年制发", date(YEAR + 1, 1, 1))
        policy("本年制发的规章", date(YEAR, 4, 1), document_class=REGULATION)
        policy("其他政策文件不计", date(YEAR, 4, 2), document_class="")
        policy("其他机关发布的不计", date(YEAR, 4, 3), issuing_organisation=township.profile.organisation)

        counts = document_counts(department_org.pk, YEAR)

        normative = counts[NORMATIVE]
        assert normative.issued == 2
        assert normative.repealed == 2
        # 本年制发 ×2, 往年仍有效, 已修订 (applies as amended), 次年才废止.
        assert normative.in_force == 5
        assert (counts[REGULATION].issued, counts[REGULATION].repealed, counts[REGULATION].in_force) == (1, 0, 1)
        assert document_counts(township.profile.organisation.pk, YEAR)[NORMATIVE].issued == 1

    def test_a_draft_or_unpublished_document_is_not_counted(self, department, publish_policy, department_org):
        page = publish_policy(department, "发布后撤下", date_formed=date(YEAR, 3, 1), document_class=NORMATIVE)
        assert document_counts(department_org.pk, YEAR)[NORMATIVE].issued == 1
        page.unpublish()
        assert document_counts(department_org.pk, YEAR)[NORMATIVE].issued == 0

    def test_the_report_reads_a_constant_number_of_queries_whatever_the_number_of_items(
        self, department, publish_policy, department_org
    ):
        publish_policy(department, "第一件", date_formed=date(YEAR, 3, 1), document_class=NORMATIVE)
        with CaptureQueriesContext(connection) as few:
            build_report(department_org, YEAR)
        for n in range(6):
            publish_policy(department, f"又一件{n}", date_formed=date(YEAR, 3, 2 + n), document_class=NORMATIVE)
        with CaptureQueriesContext(connection) as many:
            report = build_report(department_org, YEAR)
        assert report.documents[NORMATIVE].issued == 7
        assert len(many) == len(few) <= 4


# --- table 3: the applications' own table -------------------------------------------------------


class TestTable3:
    def test_is_the_organisations_cases_of_the_year(self, department, township, make_user, department_org):
        editor, reviewer = make_user(department, "editor"), make_user(department, "reviewer")
        case = registered(
            department, editor, date(YEAR, 3, 3), applicant_type=ApplicantType.COMMERCIAL, contact_person="王经理"
        )
        DraftAnswerAction(
            case,
            editor,
            outcome=Outcome.DISCLOSED,
            legal_basis="《条例》第三十六条",
            answer="予以公开。",
            on=date(YEAR, 3, 10),
        ).execute()
        ApproveAnswerAction(case, reviewer, on=date(YEAR, 3, 11)).execute()
        registered(department, editor, date(YEAR, 12, 29))  # still open: carried forward
        registered(township, make_user(township, "editor"), date(YEAR, 5, 5))  # another organisation's

        report = build_report(department_org, YEAR)

        assert report.table3.total(report.table3.new) == 2
        assert report.table3.outcomes[Outcome.DISCLOSED][ApplicantType.COMMERCIAL] == 1
        assert report.table3.total(report.table3.carried_forward) == 1
        rows = dict(report.table3_rows())
        # 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
        assert rows["一、本年新收政府信息公开申请数量"] == [1, 1, 0, 0, 0, 0, 2]
        assert rows["四、结转下年度继续办理"] == [1, 0, 0, 0, 0, 0, 1]
        assert report.problems() == []


# --- table 4 and the other entered figures: balance checks ------------------------------------


class TestBalanceChecks:
    def test_a_total_that_is_not_the_sum_of_its_row_is_refused_naming_the_row(self, department_org):
        data = AnnualReportData(
            organisation=department_org,
            year=YEAR,
            review_upheld=2,
            review_pending=1,
            review_total=2,
            suit_after_review_total=1,
        )
        with pytest.raises(ValidationError) as refused:
            data.full_clean()
        errors = refused.value.message_dict
        assert errors["review_total"] == [
            "表四“行政复议”：总计（2）应等于结果维持、结果纠正、其他结果、尚未审结之和（3）。"
        ]
        assert "行政诉讼（复议后起诉）" in errors["suit_after_review_total"][0]
        assert "direct_suit_total" not in errors

    def test_balanced_figures_pass(self, department_org):
        balanced_data(department_org)  # full_clean inside

    def test_fees_collected_cannot_exceed_the_fees_notified(self, department_org):
        data = AnnualReportData(
            organisation=department_org,
            year=YEAR,
            fee_notices=1,
            fee_notices_amount=Decimal("100"),
            fees_collected=Decimal("150"),
        )
        with pytest.raises(ValidationError) as refused:
            data.full_clean()
        assert "不能大于收费通知总金额" in refused.value.message_dict["fees_collected"][0]

    def test_the_admin_form_shows_the_failing_row_and_saves_nothing(
        self, client, department, make_user, department_org
    ):
        client.force_login(editor_of(department, make_user))
        url = reverse("disclosure_annual_reports:edit", args=[department_org.pk, YEAR])
        form = {name: "0" for name in ("licensing_decisions", "punishment_decisions", "coercion_decisions")}
        form |= {"administrative_fees": "0", "fee_notices": "0", "fee_notices_amount": "0", "fees_collected": "0"}
        form |= {
            f"{g}_{c}": "0"
            for g in ("review", "direct_suit", "suit_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")
        }
        form |= {"direct_suit_corrected": "2", "direct_suit_total": "1"}

        response = client.post(url, form)

        assert response.status_code == 200
        assert "表四“行政诉讼（未经复议直接起诉）”：总计（1）应等于" in response.content.decode()
        assert not AnnualReportData.objects.filter(organisation=department_org, year=YEAR).exists()

        form["direct_suit_total"] = "2"
        response = client.post(url, form)
        assert response.status_code == 302
        data = AnnualReportData.objects.get(organisation=department_org, year=YEAR)
        assert data.direct_suit_total == 2
        assert ModelLogEntry.objects.filter(object_id=str(data.pk), action="wagtail.create").exists()  # audit trail


# --- generation --------------------------------------------------------------------------------


class TestGeneration:
    def test_every_site_type_has_the_column_the_report_goes_to(self, portal, township, department):
        from cms.content.blueprints import BLUEPRINTS

        for blueprint in BLUEPRINTS.values():
            titles = [spec.title for _, spec in blueprint.walk() if spec.slug == ANNUAL_REPORTS_SLUG]
            assert titles == ["政府信息公开年报"]
        for site in (portal, township, department):
            assert report_column(site).title == "政府信息公开年报"

    def test_creates_a_draft_in_the_sites_annual_report_column(
        self, department, make_user, department_org, publish_policy
    ):
        publish_policy(department, "规范性文件", date_formed=date(YEAR, 3, 1), document_class=NORMATIVE)
        balanced_data(department_org)
        editor = editor_of(department, make_user)

        page = GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()

        page = AnnualReportPage.objects.get(pk=page.pk)
        column = page.get_parent().specific
        assert isinstance(column, ColumnPage) and column.slug == ANNUAL_REPORTS_SLUG
        assert column.pk == report_column(department).pk
        assert page.title == f"{department_org.name}{YEAR}年政府信息公开工作年度报告"
        assert page.report_year == YEAR
        assert not page.live and page.latest_revision.user == editor
        assert page.workflow_in_progress is False  # the editor submits it
        body = page.get_latest_revision_as_object().body
        for heading in (
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ):
            assert f"<h2>{heading}</h2>" in body
        assert '<th scope="row">行政规范性文件</th><td>1</td><td>0</td><td>1</td>' in body
        assert '<th scope="row">行政许可</th><td colspan="3">12</td>' in body
        assert "<p>本机关认真贯彻落实《条例》。</p>" in body
        assert f"{YEAR}年度，本机关未收取政府信息公开信息处理费。" in body

    def test_regenerating_updates_the_same_page(self, department, make_user, department_org):
        data = balanced_data(department_org)
        editor = editor_of(department, make_user)
        first = GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()
        data.licensing_decisions = 99
        data.save()

        again = GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()

        assert again.pk == first.pk
        assert AnnualReportPage.objects.descendant_of(department.root_page).filter(report_year=YEAR).count() == 1
        assert (
            '<th scope="row">行政许可</th><td colspan="3">99</td>'
            in AnnualReportPage.objects.get(pk=first.pk).get_latest_revision_as_object().body
        )

    def test_regenerating_a_published_report_leaves_it_live_until_the_new_revision_is_approved(
        self, department, make_user, department_org
    ):
        data = balanced_data(department_org)
        editor = editor_of(department, make_user)
        page = GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()
        publish_through_workflow(
            page, editor=editor, reviewers=[make_user(department, "reviewer"), make_user(department, "leader")]
        )
        page = AnnualReportPage.objects.get(pk=page.pk)
        assert page.live
        data.punishment_decisions = 42
        data.save()

        GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()

        page = AnnualReportPage.objects.get(pk=page.pk)
        assert page.live and page.has_unpublished_changes
        assert '<th scope="row">行政处罚</th><td colspan="3">3</td>' in page.body  # what the public reads, still
        assert '<th scope="row">行政处罚</th><td colspan="3">42</td>' in page.get_latest_revision_as_object().body

    def test_refuses_an_unbalanced_report_and_writes_nothing(self, department, make_user, department_org):
        balanced_data(department_org)
        AnnualReportData.objects.filter(organisation=department_org).update(review_total=5)  # past the form's check

        with pytest.raises(AnnualReportError) as refused:
            GenerateAnnualReportAction(department_org, YEAR, user=editor_of(department, make_user)).execute()

        assert any("表四“行政复议”：总计（5）" in m for m in refused.value.messages)
        assert not AnnualReportPage.objects.descendant_of(department.root_page).exists()

    def test_refuses_while_the_report_is_in_review(self, department, make_user, department_org):
        balanced_data(department_org)
        editor = editor_of(department, make_user)
        page = GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()
        page.get_workflow().start(page, editor)

        with pytest.raises(AnnualReportError, match="正在审核中"):
            GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()

    def test_entered_text_cannot_inject_markup(self, department, make_user, department_org):
        balanced_data(department_org, overview='<script>alert(1)</script><img src=x onerror="alert(2)">')
        page = GenerateAnnualReportAction(department_org, YEAR, user=editor_of(department, make_user)).execute()
        body = page.get_latest_revision_as_object().body
        assert "<script" not in body and "<img" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # shown as the text it is

    def test_the_fee_line_states_the_notices_and_what_was_collected(self, department_org):
        balanced_data(department_org, fee_notices=2, fee_notices_amount=Decimal("1200"), fees_collected=Decimal("800"))
        line = build_report(department_org, YEAR).fee_line()
        assert line == (
            f"{YEAR}年度，本机关依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
            "发出收费通知2件，总金额1,200.00元，实际收取总金额800.00元。"
        )


# --- who may touch which report ---------------------------------------------------------------


class TestPermissions:
    def test_an_editor_cannot_see_edit_or_generate_another_organisations_report(
        self, client, department, township, make_user, department_org
    ):
        township_org = township.profile.organisation
        client.force_login(editor_of(department, make_user))

        def refused(response) -> bool:  # Wagtail's refusal: back to the dashboard, with its message
            return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")

        for name in ("detail", "edit"):
            assert refused(client.get(reverse(f"disclosure_annual_reports:{name}", args=[township_org.pk, YEAR])))
        assert refused(
            client.get(reverse("disclosure_annual_reports:detail", args=[township_org.pk, YEAR]), {"format": "xlsx"})
        )
        assert refused(
            client.post(
                reverse("disclosure_annual_reports:edit", args=[township_org.pk, YEAR]), {"overview": "越权填写"}
            )
        )
        assert not AnnualReportData.objects.filter(organisation=township_org).exists()
        assert refused(client.post(reverse("disclosure_annual_reports:generate", args=[township_org.pk, YEAR])))
        assert not AnnualReportPage.objects.descendant_of(township.root_page).exists()
        # Their own organisation's pages open.
        assert client.get(reverse("disclosure_annual_reports:edit", args=[department_org.pk, YEAR])).status_code == 200
        with pytest.raises(PermissionDenied):
            GenerateAnnualReportAction(township_org, YEAR, user=editor_of(department, make_user)).check()

    def test_the_list_shows_an_editor_only_their_own_organisation(
        self, client, department, township, make_user, department_org
    ):
        client.force_login(editor_of(department, make_user))
        content = client.get(reverse("disclosure_annual_reports:index"), {"year": YEAR}).content.decode()
        assert department_org.name in content
        assert township.profile.organisation.name not in content

    def test_the_overseer_sees_and_generates_every_organisations_report(
        self, client, department, township, make_user, department_org
    ):
        overseer = make_user(None, "信息中心")
        overseer.user_permissions.add(Permission.objects.get(codename="oversee_annual_reports"))
        client.force_login(overseer)
        content = client.get(reverse("disclosure_annual_reports:index"), {"year": YEAR}).content.decode()
        assert department_org.name in content and township.profile.organisation.name in content
        balanced_data(township.profile.organisation)
        page = GenerateAnnualReportAction(township.profile.organisation, YEAR, user=overseer).execute()
        assert page.get_parent().specific.pk == report_column(township).pk

    def test_a_user_of_no_site_is_refused(self, client, department, make_user):
        client.force_login(make_user(None, "审计管理员"))
        response = client.get(reverse("disclosure_annual_reports:index"))
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
        assert (
            reverse("disclosure_annual_reports:index") not in client.get(reverse("wagtailadmin_home")).content.decode()
        )

    def test_a_sites_editor_finds_the_reports_in_the_menu(self, client, department, make_user):
        client.force_login(editor_of(department, make_user))
        assert reverse("disclosure_annual_reports:index") in client.get(reverse("wagtailadmin_home")).content.decode()


# --- the admin pages and the XLSX ---------------------------------------------------------------


class TestAdmin:
    def test_the_list_shows_whether_the_report_exists_and_is_published(
        self, client, department, township, superuser, make_user, department_org
    ):
        client.force_login(superuser)
        url = reverse("disclosure_annual_reports:index")
        content = client.get(url, {"year": YEAR}).content.decode()
        assert "2026年1月31日前公布" in content and "逾期未公布" in content
        assert township.profile.organisation.name in content  # the superuser sees every organisation

        balanced_data(department_org)
        editor = editor_of(department, make_user)
        page = GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()
        assert "草稿（待提交审核）" in client.get(url, {"year": YEAR}).content.decode()
        publish_through_workflow(
            page, editor=editor, reviewers=[make_user(department, "reviewer"), make_user(department, "leader")]
        )
        content = client.get(url, {"year": YEAR}).content.decode()
        assert "已发布 1 / " in content

        public = client.get(AnnualReportPage.objects.get(pk=page.pk).get_url(), HTTP_HOST=department.hostname)
        assert public.status_code == 200
        html = public.content.decode()
        assert f"{department_org.name}{YEAR}年政府信息公开工作年度报告" in html
        assert '<th scope="row">行政规范性文件</th><td>0</td><td>0</td><td>0</td>' in html

    def test_the_detail_page_previews_the_tables_and_generates(self, client, department, make_user, department_org):
        balanced_data(department_org)
        client.force_login(editor_of(department, make_user))
        detail = reverse("disclosure_annual_reports:detail", args=[department_org.pk, YEAR])
        content = client.get(detail).content.decode()
        assert "勾稽关系检查通过" in content and "<h2>四、政府信息公开行政复议、行政诉讼情况</h2>" in content

        response = client.post(reverse("disclosure_annual_reports:generate", args=[department_org.pk, YEAR]))

        page = AnnualReportPage.objects.descendant_of(department.root_page).get(report_year=YEAR)
        assert response.status_code == 302 and response["Location"] == reverse(
            "wagtailadmin_pages:edit", args=[page.pk]
        )
        editor_page = client.get(response["Location"])
        assert editor_page.status_code == 200
        assert "第二十条第（一）项" in editor_page.content.decode()  # the body, shown read-only

    def test_the_editor_submits_the_draft_to_review_from_the_page_editor_and_the_tables_stay(
        self, client, department, make_user, department_org
    ):
        balanced_data(department_org)
        editor = editor_of(department, make_user)
        page = GenerateAnnualReportAction(department_org, YEAR, user=editor).execute()
        client.force_login(editor)
        form = {
            "title": page.title,
            "slug": page.slug,
            "report_year": str(YEAR),
            "disclosure_mode": "proactive",
            "validity": "effective",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
            "action-submit": "1",
        }  # no body: the editor shows it read-only

        response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), form)

        assert response.status_code == 302
        page = AnnualReportPage.objects.get(pk=page.pk)
        assert page.workflow_in_progress and not page.live
        assert '<th scope="row">行政许可</th><td colspan="3">12</td>' in page.get_latest_revision_as_object().body

    def test_an_unbalanced_report_is_shown_with_its_problems_and_no_button(
        self, client, department, make_user, department_org
    ):
        balanced_data(department_org)
        AnnualReportData.objects.filter(organisation=department_org).update(review_total=9)
        client.force_login(editor_of(department, make_user))
        content = client.get(
            reverse("disclosure_annual_reports:detail", args=[department_org.pk, YEAR])
        ).content.decode()
        assert "表四“行政复议”：总计（9）" in content
        assert "生成年报草稿</button>" not in content

    def test_junk_years_are_not_errors(self, client, department, make_user, department_org):
        client.force_login(editor_of(department, make_user))
        assert client.get(reverse("disclosure_annual_reports:index"), {"year": "abc"}).status_code == 200
        assert (
            client.get(reverse("disclosure_annual_reports:detail", args=[department_org.pk, 1900])).status_code == 404
        )

    def test_the_xlsx_reads_back(self, client, department, make_user, department_org, publish_policy):
        publish_policy(department, "规章一件", date_formed=date(YEAR, 3, 1), document_class=REGULATION)
        balanced_data(department_org)
        client.force_login(editor_of(department, make_user))

        response = client.get(
            reverse("disclosure_annual_reports:detail", args=[department_org.pk, YEAR]), {"format": "xlsx"}
        )

        assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        assert workbook.sheetnames == ["二、主动公开政府信息情况", "三、收到和处理申请情况", "四、行政复议行政诉讼情况"]
        table1 = [list(row) for row in workbook["二、主动公开政府信息情况"].iter_rows(values_only=True)]
        assert ["规章", 1, 0, 1] in table1
        assert ["行政规范性文件", 0, 0, 0] in table1
        assert ["行政许可", 12, None, None] in table1
        assert ["行政事业性收费", 1.25, None, None] in table1
        table3 = [list(row) for row in workbook["三、收到和处理申请情况"].iter_rows(values_only=True)]
        assert table3[0][:2] == [None, "自然人"] and table3[0][-1] == "总计"
        assert table3[1] == ["一、本年新收政府信息公开申请数量", 0, 0, 0, 0, 0, 0, 0]
        table4 = [list(row) for row in workbook["四、行政复议行政诉讼情况"].iter_rows(values_only=True)]
        assert table4[0] == [None, "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        assert table4[1] == ["行政复议", 1, 1, 0, 0, 2]
        assert table4[2] == ["行政诉讼（未经复议直接起诉）", 0, 0, 0, 1, 1]

    def test_the_status_of_every_organisation_is_read_in_constant_queries(
        self, department, township, portal, make_user
    ):
        organisations = [site.profile.organisation for site in (portal, department, township)]
        for organisation in organisations[1:]:
            balanced_data(organisation)
        with CaptureQueriesContext(connection) as one:
            report_statuses(organisations[:1], YEAR)
        with CaptureQueriesContext(connection) as three:
            statuses = report_statuses(organisations, YEAR)
        assert len(one) == len(three) == 3
        assert [s.data is not None for s in statuses] == [False, True, True]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (CI runs it)")
def test_two_simultaneous_generations_make_one_page(seeded_transactional_db, make_site):
    """Two people press 生成 at once: the second waits for the first and updates its page."""
    from django.contrib.auth import get_user_model

    site = make_site("jyj.example.gov.cn", name="宣州区教育局")
    organisation = site.profile.organisation
    balanced_data(organisation)
    user = get_user_model().objects.create_superuser("root", "root@example.gov.cn", "Secret-pass-2026")
    barrier = threading.Barrier(2)
    made: list[int] = []
    errors: list[BaseException] = []

    def generate() -> None:
        try:
            barrier.wait()
            made.append(GenerateAnnualReportAction(organisation, YEAR, user=user).execute().pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(made) == 2 and made[0] == made[1]
    assert AnnualReportPage.objects.filter(report_year=YEAR).count() == 1


class TestImportedDocuments:
    def test_an_imported_catalogue_says_which_rows_are_normative_documents(self, tmp_path, department, department_org):
        from cms.disclosure.importer import import_rows, read_rows, validate_rows

        header = ["标题", "发布日期", "发布机构", "成文日期", "主题分类", "体裁", "公开时限", "文件类别"]
        rows = [
            [
                "关于规范某事项的通知",
                "2025-03-02",
                department_org.name,
                "2025-03-01",
                "综合政务",
                "通知",
                "长期",
                "规范性文件",
            ],
            ["某某办法", "2025-04-02", department_org.name, "2025-04-01", "综合政务", "决定", "长期", "规章"],
            ["工作要点", "2025-05-02", department_org.name, "2025-05-01", "综合政务", "通知", "长期", ""],
        ]
        path = tmp_path / "catalogue.csv"
        path.write_text("\n".join(",".join(row) for row in [header, *rows]), encoding="utf-8")
        _, source = read_rows(path, "csv")
        column = ColumnPage.objects.get(url_path=f"{department.root_page.url_path}zcwj/")

        import_rows(source, column)

        counts = document_counts(department_org.pk, YEAR)
        assert (counts[NORMATIVE].issued, counts[REGULATION].issued) == (1, 1)
        bad = [["另一份通知", *rows[0][1:7], "红头文件"]]
        path.write_text("\n".join(",".join(row) for row in [header, *bad]), encoding="utf-8")
        errors = validate_rows(read_rows(path, "csv")[1], column)
        assert [e.column for e in errors] == ["文件类别"]
        assert "“红头文件”无效，可选：规章、行政规范性文件、规范性文件" in errors[0].message
