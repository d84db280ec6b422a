"""三员分立 over accounts: the 安全管理员 manages unit accounts; the accounts of the info
center's roles are managed only by a superuser (the installer), and every account
action reaches the audit trail the 审计管理员 exports."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from wagtail.models import ModelLogEntry

from cms.accounts.bulk_import import bulk_create_accounts
from cms.accounts.errors import AccountError
from cms.accounts.lifecycle import (
    AccountRequest,
    create_account,
    move_account,
    reset_password,
    set_account_active,
    unlock_account,
)
from cms.accounts.reports import disable_dormant_accounts
from tests.accounts.conftest import PASSWORD

User = get_user_model()
INFO_CENTER_ROLES = ("审计管理员", "安全管理员", "系统管理员", "信息中心")


@pytest.fixture
def security_admin(make_info_center_user):
    return make_info_center_user("安全管理员", username="secadmin")


def unit_request(site, username: str = "jyj_new") -> AccountRequest:
    return AccountRequest(
        username=username, site=site, role="editor", responsible_name="李四", responsible_phone="13905630000"
    )


def exported_audit_log(client, make_info_center_user) -> str:
    client.force_login(make_info_center_user("审计管理员"))
    return client.post(reverse("accounts:audit_export"), {"since": "", "until": ""}).content.decode("utf-8-sig")


class TestInfoCenterAccountsAreOutOfTheSecurityAdminsReach:
    @pytest.mark.parametrize("role", INFO_CENTER_ROLES)
    def test_no_lifecycle_action_reaches_an_info_center_account(
        self, role, department, security_admin, make_info_center_user
    ):
        target = make_info_center_user(role)
        for action in (
            lambda: reset_password(target, actor=security_admin),
            lambda: set_account_active(target, False, actor=security_admin),
            lambda: unlock_account(target, actor=security_admin),
            lambda: move_account(target, department, actor=security_admin),
        ):
            with pytest.raises(AccountError, match="只能由超级管理员"):
                action()
        target.refresh_from_db()
        assert target.is_active and target.check_password(PASSWORD)
        refused = ("accounts.disable", "accounts.reset_password", "accounts.change_password", "accounts.move")
        assert not ModelLogEntry.objects.filter(action__in=refused)

    @pytest.mark.parametrize("view", ["reset", "toggle", "unlock", "move"])
    def test_the_admin_shows_the_security_admin_no_action_on_the_audit_admin(
        self, security_admin, make_info_center_user, client, view
    ):
        # Neither the confirmation screen nor the action: the account is not one the
        # 安全管理员 manages, so for that user it does not exist here (as in the list).
        auditor = make_info_center_user("审计管理员")
        client.force_login(security_admin)
        assert client.get(reverse(f"accounts:{view}", args=[auditor.pk])).status_code == 404
        response = client.post(reverse(f"accounts:{view}", args=[auditor.pk]))
        assert response.status_code == 404 and "one-time-password" not in response.content.decode()
        auditor.refresh_from_db()
        assert auditor.check_password(PASSWORD) and auditor.is_active

    def test_the_account_list_offers_the_security_admin_unit_accounts_only(
        self, department, make_account, security_admin, make_info_center_user, client
    ):
        make_account(department, username="jyj_listed")
        make_info_center_user("审计管理员", username="auditor_hidden")
        client.force_login(security_admin)
        content = client.get(reverse("accounts:index")).content.decode()
        assert "jyj_listed" in content and "auditor_hidden" not in content

    def test_the_login_history_of_info_center_accounts_is_not_the_security_admins(
        self, security_admin, make_info_center_user, client
    ):
        auditor = make_info_center_user("审计管理员")
        client.force_login(security_admin)
        assert client.get(reverse("accounts:history", args=[auditor.pk])).status_code == 404

    def test_one_click_dormant_disabling_leaves_info_center_accounts_alone(
        self, department, make_account, security_admin, make_info_center_user
    ):
        unit = make_account(department, username="jyj_sleepy")
        auditor = make_info_center_user("审计管理员")
        long_ago = timezone.now() - timedelta(days=400)
        User.objects.filter(pk__in=[unit.pk, auditor.pk]).update(last_login=long_ago, date_joined=long_ago)
        assert disable_dormant_accounts(actor=security_admin) == ["jyj_sleepy"]
        auditor.refresh_from_db()
        assert auditor.is_active

    def test_a_superuser_manages_info_center_accounts(self, superuser, make_info_center_user):
        auditor = make_info_center_user("审计管理员")
        password = reset_password(auditor, actor=superuser)
        set_account_active(auditor, False, actor=superuser)
        auditor.refresh_from_db()
        assert auditor.check_password(password) and not auditor.is_active


class TestOnlyTheAccountManagerActs:
    @pytest.mark.parametrize("role", ("审计管理员", "系统管理员", "信息中心"))
    def test_roles_without_manage_accounts_change_no_unit_account(
        self, role, department, make_account, make_info_center_user
    ):
        actor = make_info_center_user(role)
        unit = make_account(department)
        for action in (
            lambda: reset_password(unit, actor=actor),
            lambda: set_account_active(unit, False, actor=actor),
            lambda: unlock_account(unit, actor=actor),
            lambda: create_account(unit_request(department), actor=actor),
        ):
            with pytest.raises(AccountError, match="无权管理账号"):
                action()
        result = bulk_create_accounts(BytesIO(b"whatever"), actor=actor)
        assert result.errors == [(0, "无权管理账号：需要信息中心安全管理员的权限。")]
        with pytest.raises(AccountError, match="无权管理账号"):
            disable_dormant_accounts(actor=actor)
        unit.refresh_from_db()
        assert unit.is_active and unit.check_password(PASSWORD)
        assert not User.objects.filter(username="jyj_new").exists()

    def test_a_unit_account_cannot_manage_accounts_either(self, department, township, make_account):
        site_admin = make_account(department, "site_admin")
        with pytest.raises(AccountError, match="无权管理账号"):
            move_account(make_account(department), township, actor=site_admin)


def workbook(*rows) -> BytesIO:
    book = Workbook()
    book.active.append(["用户名", "站点", "角色", "责任人", "电话", "邮箱"])
    for row in rows:
        book.active.append(list(row))
    data = BytesIO()
    book.save(data)
    data.seek(0)
    return data


class TestEveryAccountActionIsInTheAuditExport:
    def test_the_security_admins_actions_on_unit_accounts(
        self, department, township, security_admin, make_account, make_info_center_user, client
    ):
        user, _ = create_account(unit_request(department, "jyj_trail"), actor=security_admin)
        bulk_create_accounts(workbook(("jyj_bulk", department.hostname, "编辑", "王五", "13905630001", "")),
                             actor=security_admin)  # fmt: skip
        set_account_active(user, False, actor=security_admin)
        set_account_active(user, True, actor=security_admin)
        reset_password(user, actor=security_admin)
        unlock_account(user, actor=security_admin)
        move_account(user, township, actor=security_admin)
        text = exported_audit_log(client, make_info_center_user)
        lines = [line for line in text.splitlines() if ",secadmin," in line]
        for action in (
            "accounts.create",
            "accounts.disable",
            "accounts.enable",
            "accounts.reset_password",
            "accounts.unlock",
            "accounts.move",
        ):
            assert any(f",{action},jyj_trail," in line for line in lines), action
        assert any(",accounts.create,jyj_bulk," in line for line in lines)

    def test_a_superusers_actions_on_info_center_accounts(self, superuser, make_info_center_user, client):
        target = make_info_center_user("安全管理员", username="sec2")
        reset_password(target, actor=superuser)
        set_account_active(target, False, actor=superuser)
        text = exported_audit_log(client, make_info_center_user)
        assert ",root,accounts.reset_password,sec2," in text and ",root,accounts.disable,sec2," in text
