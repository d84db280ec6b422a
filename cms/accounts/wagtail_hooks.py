"""账号与安全 in the Wagtail admin: the info center's scoped account views and audit export."""

from django.urls import path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import views
from .services import grant_site_admin_settings


@hooks.register("register_admin_urls")
def register_account_urls():
    return [
        path("accounts/", views.AccountIndexView.as_view(), name="accounts_index"),
        path("accounts/new/", views.AccountCreateView.as_view(), name="accounts_create"),
        path("accounts/bulk/", views.BulkCreateView.as_view(), name="accounts_bulk"),
        path("accounts/dormant/", views.DormantView.as_view(), name="accounts_dormant"),
        path("accounts/overview/", views.OverviewView.as_view(), name="accounts_overview"),
        path("accounts/audit/", views.AuditExportView.as_view(), name="accounts_audit_export"),
        path("accounts/password/", views.ChangePasswordView.as_view(), name="accounts_change_password"),
        path("accounts/2fa/setup/", views.TwoFactorSetupView.as_view(), name="accounts_2fa_setup"),
        path("accounts/2fa/verify/", views.TwoFactorVerifyView.as_view(), name="accounts_2fa_verify"),
        path("accounts/<int:pk>/toggle/", views.ToggleActiveView.as_view(), name="accounts_toggle"),
        path("accounts/<int:pk>/reset/", views.ResetPasswordView.as_view(), name="accounts_reset"),
        path("accounts/<int:pk>/unlock/", views.UnlockView.as_view(), name="accounts_unlock"),
        path("accounts/<int:pk>/move/", views.MoveAccountView.as_view(), name="accounts_move"),
        path("accounts/<int:pk>/history/", views.LoginHistoryView.as_view(), name="accounts_history"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, label, url_name, permission, **kwargs):
        self.permission = permission
        super().__init__(label, reverse_lazy(url_name), **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class InfoCenterMenuItem(MenuItem):
    def is_shown(self, request):
        from .services import is_info_center_user

        return is_info_center_user(request.user)


account_menu = Menu(
    items=[
        PermissionMenuItem("站群总览", "accounts_overview", "sites.view_siteprofile", icon_name="site", order=100),
        PermissionMenuItem("单位账号", "accounts_index", views.MANAGE, icon_name="user", order=200),
        PermissionMenuItem("长期未登录账号", "accounts_dormant", views.MANAGE, icon_name="time", order=300),
        PermissionMenuItem("导出审计日志", "accounts_audit_export", views.AUDIT, icon_name="history", order=400),
        InfoCenterMenuItem("两步验证", reverse_lazy("accounts_2fa_setup"), icon_name="key", order=450),
        PermissionMenuItem(
            "修改密码", "accounts_change_password", "wagtailadmin.access_admin", icon_name="key", order=500
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_account_menu():
    return SubmenuMenuItem("账号与安全", account_menu, icon_name="lock", name="accounts", order=160)


@hooks.register("register_log_actions")
def register_account_actions(actions):
    for action, label in (
        ("accounts.create", "新建账号"),
        ("accounts.disable", "停用账号"),
        ("accounts.enable", "启用账号"),
        ("accounts.reset_password", "重置密码"),
        ("accounts.unlock", "解除登录锁定"),
        ("accounts.move", "迁移账号"),
        ("accounts.enable_2fa", "启用两步验证"),
    ):
        actions.register_action(action, label, label)


@hooks.register("after_provision_site", order=10)
def grant_new_site_admin_settings(site, profile, organisation, site_type, actor, **kwargs) -> None:
    grant_site_admin_settings(site)
