"""Account records kept beside Django's User: the unit an account belongs to, its
responsible person, password history and login events.

Nothing here changes another app's tables: the site an account works for is a
foreign key on our own one-to-one profile.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from wagtail.models import Site


class AccountRole(models.TextChoices):
    """Roles the info center hands out to a unit (keys of ``sites.groups.ROLES``)."""

    EDITOR = "editor", "编辑"
    REVIEWER = "reviewer", "审核"
    LEADER = "leader", "领导"
    SITE_ADMIN = "site_admin", "站点管理员"


class InfoCenterRole(models.TextChoices):
    """The info center's groups (信息中心 and 三员分立), by key; the label is the group's first name."""

    INFO_CENTER = "info_center", "信息中心"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


class InfoCenterGroup(models.Model):
    """Ties an info-center role to its group by key, so renaming the group in the admin changes nothing."""

    role = models.CharField("角色", max_length=30, choices=InfoCenterRole.choices, unique=True)
    group = models.OneToOneField(
        "auth.Group", verbose_name="用户组", on_delete=models.CASCADE, related_name="info_center_role"
    )

    class Meta:
        verbose_name = "信息中心角色"
        verbose_name_plural = "信息中心角色"

    def __str__(self) -> str:
        return self.get_role_display()


class AccountProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts", verbose_name="所属站点"
    )
    role = models.CharField("角色", max_length=20, choices=AccountRole.choices, blank=True)
    responsible_name = models.CharField("责任人", max_length=50, blank=True)
    responsible_phone = models.CharField("责任人电话", max_length=30, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "账号档案"
        verbose_name_plural = "账号档案"
        permissions = [
            ("manage_accounts", "可管理各单位账号（信息中心·安全管理员）"),
            ("view_audit_log", "可查阅和导出审计日志（信息中心·审计管理员）"),
            ("set_up_two_factor", "可启用两步验证（信息中心各角色）"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.responsible_name or '未填写责任人'}）"


class PasswordHistory(models.Model):
    """Hashes of an account's previous passwords, so the last N cannot be reused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "历史密码"

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class LoginEvent(models.Model):
    """One login attempt (success or failure), or a logout: the account's login history."""

    class Kind(models.TextChoices):
        LOGIN = "login", "登录成功"
        FAILED = "failed", "登录失败"
        LOGOUT = "logout", "退出"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_events"
    )
    username = models.CharField("用户名", max_length=150, db_index=True)
    kind = models.CharField("事件", max_length=10, choices=Kind.choices)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=255, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
