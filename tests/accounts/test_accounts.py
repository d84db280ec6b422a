"""The account lifecycle the info center runs: create, disable/enable, reset, move, bulk, dormant, history."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from wagtail.models import ModelLogEntry, Page

from cms.accounts.bulk_import import bulk_create_accounts
from cms.accounts.errors import AccountError
from cms.accounts.lifecycle import AccountRequest, create_account, move_account, reset_password, set_account_active
from cms.accounts.models import AccountProfile, LoginEvent
from cms.accounts.reports import cluster_overview, disable_dormant_accounts, dormant_accounts
from tests.accounts.conftest import PASSWORD
from tests.conftest import column_of
from tests.workflow.conftest import draft_article, submit

User = get_user_model()


def request_for(site, **fields) -> AccountRequest:
    values = dict(username="jyj_li", site=site, role="编辑", responsible_name="李四", responsible_phone="13905630000")
    return AccountRequest(**{**values, **fields})


@pytest.fixture
def security_admin(make_info_center_user):
    return make_info_center_user("安全管理员", username="secadmin")


class TestCreate:
    def test_account_joins_its_sites_role_group_with_a_responsible_person(self, department, security_admin):
        user, password = create_account(request_for(department), actor=security_admin)
        assert [g.name for g in user.groups.all()] == ["宣州区教育局·编辑"]
        profile = user.account
        assert (profile.site, profile.role, profile.responsible_name) == (department, "editor", "李四")
        assert profile.must_change_password
        assert user.check_password(password) and len(password) >= 14
        assert ModelLogEntry.objects.filter(action="accounts.create", object_id=str(user.pk)).exists()

    def test_every_problem_is_reported_in_chinese_and_nothing_is_created(self, department):
        with pytest.raises(AccountError) as refused:
            create_account(
                request_for(
                    "nosuch.example.gov.cn", username="a b", role="局长", responsible_name="", responsible_phone="x"
                )
            )
        errors = refused.value.message_dict
        assert set(errors) == {"username", "site", "role", "responsible_name", "responsible_phone"}
        assert "站点“nosuch.example.gov.cn”不存在" in errors["site"][0]
        assert not User.objects.exists()

    def test_a_username_is_taken_once(self, department):
        create_account(request_for(department))
        with pytest.raises(AccountError, match="已存在"):
            create_account(request_for(department, username="JYJ_LI"))

    def test_admin_view_shows_the_one_time_password_once(self, department, security_admin, client):
        client.force_login(security_admin)
        response = client.post(
            reverse("accounts:create"),
            {
                "username": "jyj_wang",
                "site": department.pk,
                "role": "reviewer",
                "responsible_name": "王五",
                "responsible_phone": "0563-3020000",
            },
        )
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        password = response.context["password"]
        assert escape(password) in response.content.decode()  # & in a password is shown as &amp;
        assert User.objects.get(username="jyj_wang").check_password(password)
        listing = client.get(reverse("accounts:index")).content.decode()
        assert "jyj_wang" in listing and escape(password) not in listing

    def test_bad_input_in_the_admin_form_is_a_message_not_a_500(self, department, security_admin, client):
        client.force_login(security_admin)
        form = {"username": "!!", "site": department.pk, "role": "editor", "responsible_name": "王五"}
        response = client.post(reverse("accounts:create"), {**form, "responsible_phone": "0563-3020000"})
        assert response.status_code == 200 and "用户名“!!”无效" in response.content.decode()


class TestDisableResetMove:
    def test_disabled_account_cannot_log_in_and_enabling_restores_it(self, department, make_account, client):
        user = make_account(department, username="jyj_zhao")
        set_account_active(user, False)
        assert not client.login(username="jyj_zhao", password=PASSWORD)
        with pytest.raises(AccountError, match="已经是停用状态"):
            set_account_active(user, False)
        set_account_active(user, True)
        assert client.login(username="jyj_zhao", password=PASSWORD)

    def test_disabling_ends_an_open_session(self, department, make_account, client):
        user = make_account(department)
        client.force_login(user)
        assert client.get("/admin/").status_code == 200
        set_account_active(user, False)
        assert client.get("/admin/").status_code == 302  # back to the login page

    def test_reset_gives_a_new_one_time_password_and_forces_a_change(self, department, make_account, client):
        user = make_account(department, username="jyj_qian")
        password = reset_password(user)
        assert not client.login(username="jyj_qian", password=PASSWORD)
        assert client.login(username="jyj_qian", password=password)
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:change_password"))
        new = "Changed-pass-2026#"
        response = client.post(
            reverse("accounts:change_password") + "?next=/admin/",
            {"old_password": password, "new_password1": new, "new_password2": new},
        )
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
        assert not AccountProfile.objects.get(user=user).must_change_password

    def test_move_keeps_the_role_and_leaves_every_group_of_the_old_site(self, portal, make_site, make_account):
        a = make_site("jyj.example.gov.cn", name="宣州区教育局")
        b = make_site("wjw.example.gov.cn", name="宣州区卫生健康委员会")
        user = make_account(a, "reviewer")
        user.groups.add(*user.groups.model.objects.filter(name="宣州区教育局·编辑"))
        move_account(user, "wjw.example.gov.cn")
        assert [g.name for g in user.groups.all()] == ["宣州区卫生健康委员会·审核"]
        assert AccountProfile.objects.get(user=user).site == b
        with pytest.raises(AccountError, match="已属于"):
            move_account(user, b)

    def test_superusers_are_not_managed_here(self, superuser):
        with pytest.raises(AccountError):
            set_account_active(superuser, False)
        with pytest.raises(AccountError):
            reset_password(superuser)


def workbook(rows) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "站点", "角色", "责任人", "电话", "邮箱"])
    for row in rows:
        sheet.append(row)
    data = BytesIO()
    book.save(data)
    data.seek(0)
    return data


class TestBulk:
    def test_creates_every_row_with_its_one_time_password(self, department, township):
        result = bulk_create_accounts(
            workbook(
                [
                    ["jyj_a", "jyj.example.gov.cn", "编辑", "甲", "0563-1111111", ""],
                    ["sy_b", "水阳镇人民政府", "审核", "乙", "0563-2222222", "b@example.gov.cn"],
                ]
            )
        )
        assert not result.errors
        assert [name for name, _ in result.created] == ["jyj_a", "sy_b"]
        assert User.objects.get(username="sy_b").groups.get().name == "水阳镇人民政府·审核"

    def test_one_bad_row_creates_nothing_and_reports_every_bad_row(self, department):
        result = bulk_create_accounts(
            workbook(
                [
                    ["jyj_a", "jyj.example.gov.cn", "编辑", "甲", "0563-1111111"],
                    ["jyj_a", "jyj.example.gov.cn", "编辑", "甲", "0563-1111111"],
                    ["jyj_c", "nowhere", "局长", "", "abc"],
                ]
            )
        )
        assert not result.created and not User.objects.exists()
        rows = {row for row, _ in result.errors}
        assert rows == {3, 4}
        assert any("用户名" in m and "已存在" in m for row, m in result.errors if row == 3)
        assert sum(1 for row, _ in result.errors if row == 4) == 4  # site, role, person, phone

    def test_a_file_that_is_not_xlsx_is_refused_in_chinese(self, db):
        result = bulk_create_accounts(BytesIO(b"not a spreadsheet"))
        assert result.errors == [(0, "文件无法读取：请上传 .xlsx 格式的表格。")]


class TestDormant:
    def test_no_login_for_90_days_is_dormant_and_one_click_disables(self, department, make_account, superuser):
        old, recent, never = (make_account(department) for _ in range(3))
        User.objects.filter(pk=old.pk).update(last_login=timezone.now() - timedelta(days=91))
        User.objects.filter(pk=recent.pk).update(last_login=timezone.now() - timedelta(days=10))
        User.objects.filter(pk=never.pk).update(last_login=None, date_joined=timezone.now() - timedelta(days=120))
        User.objects.filter(pk=superuser.pk).update(last_login=timezone.now() - timedelta(days=300))
        assert {u.username for u in dormant_accounts()} == {old.username, never.username}
        assert {u.username for u in dormant_accounts(days=5)} == {old.username, never.username, recent.username}
        assert sorted(disable_dormant_accounts()) == sorted([old.username, never.username])
        assert not dormant_accounts().exists()
        assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {
            old.username,
            never.username,
        }

    def test_the_report_view_lists_and_disables(self, department, make_account, security_admin, client):
        old = make_account(department)
        User.objects.filter(pk=old.pk).update(last_login=timezone.now() - timedelta(days=200))
        client.force_login(security_admin)
        assert old.username in client.get(reverse("accounts:dormant") + "?days=90").content.decode()
        client.post(reverse("accounts:dormant"), {"days": 90})
        old.refresh_from_db()
        assert not old.is_active


class TestLoginHistory:
    def test_logins_failures_and_logouts_are_recorded_with_address(self, department, make_account, client):
        user = make_account(department, username="jyj_sun")
        client.post("/admin/login/", {"username": "jyj_sun", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
        client.post("/admin/login/", {"username": "jyj_sun", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
        client.post("/admin/logout/")
        kinds = list(LoginEvent.objects.filter(user=user).order_by("at", "pk").values_list("kind", "ip_address"))
        assert kinds == [("failed", "10.1.2.3"), ("login", "10.1.2.3"), ("logout", "127.0.0.1")]

    def test_the_history_view_is_for_the_security_admin_only(self, department, make_account, security_admin, client):
        user = make_account(department)
        client.force_login(user)
        assert client.get(reverse("accounts:history", args=[user.pk])).status_code == 302
        client.force_login(security_admin)
        assert "登录成功" in client.get(reverse("accounts:history", args=[user.pk])).content.decode()


class TestOverview:
    def test_every_site_with_type_status_organisation_accounts_and_last_update(self, department, make_account):
        make_account(department)
        make_account(department)
        rows = {row["site"].hostname: row for row in cluster_overview()}
        assert set(rows) == {"www.example.gov.cn", "jyj.example.gov.cn"}
        jyj = rows["jyj.example.gov.cn"]
        assert (jyj["site_type"], jyj["status"], jyj["accounts"], jyj["waiting_for_review"]) == (
            "部门子站",
            "运行中",
            2,
            0,
        )
        assert jyj["last_update"] is not None and rows["www.example.gov.cn"]["accounts"] == 0

    def test_counts_every_page_waiting_and_the_latest_update_of_the_site(self, department, make_user):
        # Grouping by each page's path counted at most one waiting page per site and took
        # the update time of whichever page came last in the tree, not the latest.
        editor = make_user(department, "editor")
        column = column_of(department, "tzgg")
        drafts = [draft_article(column, f"待审稿件{n}", user=editor) for n in range(3)]
        for page in drafts:
            submit(page, editor)
        latest = timezone.now() + timedelta(hours=1)
        earliest_in_tree = Page.objects.filter(pk=department.root_page.pk)
        earliest_in_tree.update(last_published_at=latest)  # the home page: first in tree order
        row = next(r for r in cluster_overview() if r["site"].pk == department.pk)
        assert row["waiting_for_review"] == 3
        assert row["last_update"] == latest

    def test_query_count_does_not_grow_with_sites(self, portal, make_site, django_assert_max_num_queries):
        make_site("a1.example.gov.cn")
        with django_assert_max_num_queries(4) as few:
            cluster_overview()
        for n in range(2, 5):
            make_site(f"a{n}.example.gov.cn")
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(cluster_overview()) == 5


class TestCommands:
    def test_dormant_accounts_lists_and_disables(self, department, make_account, capsys):
        from django.core.management import call_command

        old = make_account(department, username="jyj_old")
        User.objects.filter(pk=old.pk).update(last_login=timezone.now() - timedelta(days=100))
        call_command("dormant_accounts")
        assert "jyj_old\t宣州区教育局\t" in capsys.readouterr().out
        old.refresh_from_db()
        assert old.is_active
        call_command("dormant_accounts", "--disable")
        old.refresh_from_db()
        assert not old.is_active

    def test_purge_audit_log_refuses_less_than_the_retention(self, db):
        from django.core.management import CommandError, call_command

        with pytest.raises(CommandError, match="至少保留 180 天"):
            call_command("purge_audit_log", "--older-than-days", "30")


class TestAdminViews:
    def test_bulk_import_page_reports_bad_rows_and_creates_nothing(self, department, security_admin, client):
        client.force_login(security_admin)
        sheet = workbook(
            [["jyj_a", "jyj.example.gov.cn", "编辑", "甲", "0563-1111111"], ["jyj_b", "x", "编辑", "", "1"]]
        )
        upload = SimpleUploadedFile("accounts.xlsx", sheet.getvalue())
        response = client.post(reverse("accounts:bulk"), {"file": upload})
        page = response.content.decode()
        assert response.status_code == 200 and "未创建任何账号" in page
        assert "站点“x”不存在" in page and "请填写责任人姓名" in page
        assert not User.objects.filter(username__startswith="jyj_").exists()

    def test_site_admin_saves_own_appearance_but_not_another_sites(self, portal, make_site, make_account, client):
        from sites.models import SiteAppearance

        own = make_site("jyj.example.gov.cn", name="宣州区教育局")
        other = make_site("wjw.example.gov.cn", name="宣州区卫生健康委员会")
        client.force_login(make_account(own, "site_admin"))
        form = {
            "primary_colour": "#8b0000",
            "sponsor_line": "宣州区教育局主办",
            "banner_alt": "",
            "footer_links-TOTAL_FORMS": "0",
            "footer_links-INITIAL_FORMS": "0",
            "footer_links-MIN_NUM_FORMS": "0",
            "footer_links-MAX_NUM_FORMS": "1000",
        }
        for site, saved in ((own, True), (other, False)):
            url = reverse("wagtailsettings:edit", args=["sites", "siteappearance", site.pk])
            client.post(url, form)
            assert SiteAppearance.objects.filter(site=site, sponsor_line="宣州区教育局主办").exists() is saved
