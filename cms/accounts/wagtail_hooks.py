"""账号与安全 in the Wagtail admin: the info center's scoped account views and audit export."""

from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import urls, views
from .roles import MANAGE_ACCOUNTS, TWO_FACTOR, VIEW_AUDIT_LOG, grant_site_admin_settings

# Main menu: Wagtail's 页面 100, 站群管理 150, 信息公开 160, 账号与安全 180, 图片 300 …
MENU_ORDER = 180


@hooks.register("register_admin_urls")
def register_account_urls():
    return [path("accounts/", include((urls.urlpatterns, urls.app_name), namespace="accounts"))]


class PermissionMenuItem(MenuItem):
    def __init__(self, label, url_name, permission, **kwargs):
        self.permission = permission
        super().__init__(label, reverse_lazy(url_name), **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


account_menu = Menu(
    items=[
        PermissionMenuItem("站群总览", "accounts:overview", views.OVERVIEW, icon_name="site", order=100),
        PermissionMenuItem("单位账号", "accounts:index", MANAGE_ACCOUNTS, icon_name="user", order=200),
        PermissionMenuItem("长期未登录账号", "accounts:dormant", MANAGE_ACCOUNTS, icon_name="time", order=300),
        PermissionMenuItem("导出审计日志", "accounts:audit_export", VIEW_AUDIT_LOG, icon_name="history", order=400),
        PermissionMenuItem("两步验证", "accounts:2fa_setup", TWO_FACTOR, icon_name="key", order=450),
        PermissionMenuItem(
            "修改密码", "accounts:change_password", "wagtailadmin.access_admin", icon_name="key", order=500
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_account_menu():
    return SubmenuMenuItem("账号与安全", account_menu, icon_name="lock", name="accounts", order=MENU_ORDER)


@hooks.register("register_log_actions")
def register_account_actions(actions):
    for action, label in (
        ("accounts.create", "新建账号"),
        ("accounts.disable", "停用账号"),
        ("accounts.enable", "启用账号"),
        ("accounts.reset_password", "重置密码"),
        ("accounts.change_password", "修改密码"),
        ("accounts.unlock", "解除登录锁定"),
        ("accounts.move", "迁移账号"),
        ("accounts.enable_2fa", "启用两步验证"),
    ):
        actions.register_action(action, label, label)


@hooks.register("after_provision_site", order=10)
def grant_new_site_admin_settings(site, profile, organisation, site_type, actor, **kwargs) -> None:
    grant_site_admin_settings(site)
