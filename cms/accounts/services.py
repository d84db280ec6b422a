"""The info center's account actions, the role groups and the security reports.

Plain functions, called alike by the admin views, the management commands and
the tests. Each validates first and writes in one transaction, so a refused call
leaves everything as it was. Every change is written to Wagtail's audit log with
the ``accounts.*`` actions registered in ``wagtail_hooks``.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import GroupCollectionPermission, GroupPagePermission, GroupSitePermission, Page, Site

from sites.groups import ROLE_BY_KEY, site_group, site_groups

from .models import AccountProfile, AccountRole, LoginEvent, PasswordHistory

User = get_user_model()

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
PHONE_RE = re.compile(r"^[0-9+()\- ]{7,20}$")
ROLE_LABELS = {label: key for key, label in AccountRole.choices}


class AccountError(ValidationError):
    """An account action was refused; the message says why, in Chinese."""


# ------------------------------------------------------------------ info-center roles (三员分立)

SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
INFO_CENTER_ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    # Cluster operations: sites, organisations, taxonomy, every site's settings. No accounts, no audit trail.
    SYSTEM_ADMIN: [
        ("wagtailadmin", "access_admin"),
        ("sites", "add_siteprofile"),
        ("sites", "change_siteprofile"),
        ("sites", "view_siteprofile"),
        ("sites", "add_organisation"),
        ("sites", "change_organisation"),
        ("sites", "view_organisation"),
        ("sites", "change_siteappearance"),
    ],
    # Accounts and security policy: the scoped account views only; no pages, no audit trail.
    SECURITY_ADMIN: [("wagtailadmin", "access_admin"), ("accounts", "manage_accounts"), ("sites", "view_siteprofile")],
    # Reads and exports the audit trail; changes nothing. Nobody can edit or erase it from the admin.
    AUDIT_ADMIN: [("wagtailadmin", "access_admin"), ("accounts", "view_audit_log")],
}


@transaction.atomic
def ensure_info_center_roles() -> dict[str, Group]:
    """The three info-center groups with exactly their permissions (idempotent).

    系统管理员 holds what the 信息中心 group holds (sites' provisioning grants: 站群管理,
    the taxonomy, every page and every collection) plus every site's settings; the
    信息中心 group stays as it was for existing installs and tests.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from sites.services import ensure_info_center_group

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    info_center = ensure_info_center_group()
    groups = {}
    for name, wanted in INFO_CENTER_ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [Permission.objects.get(content_type__app_label=a, codename=c) for a, c in wanted]
        if name == SYSTEM_ADMIN:
            permissions += list(info_center.permissions.all())
            for grant in GroupPagePermission.objects.filter(group=info_center):
                GroupPagePermission.objects.get_or_create(group=group, page=grant.page, permission=grant.permission)
            for grant in GroupCollectionPermission.objects.filter(group=info_center):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=grant.collection, permission=grant.permission
                )
        group.permissions.set(permissions)
        groups[name] = group
    return groups


def site_role_group(site: Site, role: str) -> Group:
    spec = ROLE_BY_KEY.get(role)
    if spec is None:
        raise AccountError(f"未知的角色“{role}”。")
    try:
        return site_group(site, role)
    except Group.DoesNotExist:
        raise AccountError(f"站点“{site.site_name}”没有“{spec.label}”用户组，请检查站点是否由站群开通。") from None


def grant_site_admin_settings(site: Site) -> None:
    """The site's 站点管理员 may edit that site's appearance settings, and no other site's."""
    permission = Permission.objects.get(content_type__app_label="sites", codename="change_siteappearance")
    GroupSitePermission.objects.get_or_create(
        group=site_role_group(site, AccountRole.SITE_ADMIN), site=site, permission=permission
    )


# ------------------------------------------------------------------ passwords


def generate_password(length: int = 14) -> str:
    """A one-time password that satisfies the policy: every character class present."""
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*-_=+?"]
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def record_password_change(user, *, keep: int = 5) -> None:
    """Remember the new hash (the last ``keep`` are refused) and restart the expiry clock."""
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    AccountProfile.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": False}
    )


def password_change_required(user) -> bool:
    """True after a reset, or when the password is older than PASSWORD_EXPIRY_DAYS."""
    profile = AccountProfile.objects.filter(user=user).only("must_change_password", "password_changed_at").first()
    if profile is None:
        return False
    if profile.must_change_password:
        return True
    expiry = settings.PASSWORD_EXPIRY_DAYS
    return bool(expiry and profile.password_changed_at and profile.password_changed_at < _days_ago(expiry))


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


# ------------------------------------------------------------------ the account lifecycle


@dataclass(frozen=True)
class AccountRequest:
    username: str
    site: Site | str
    role: str
    responsible_name: str
    responsible_phone: str
    email: str = ""


def resolve_site(value: Site | str) -> Site | None:
    """A Site given itself, its hostname or its name."""
    if isinstance(value, Site):
        return value
    text = str(value).strip()
    return Site.objects.filter(hostname=text.lower()).first() or Site.objects.filter(site_name=text).first()


def validate_account_request(request: AccountRequest, *, taken: set[str] = frozenset()) -> dict[str, list[str]]:
    """Every problem of one request, per field (empty when it can be created)."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    username = request.username.strip()
    if not USERNAME_RE.match(username):
        refuse("username", f"用户名“{username}”无效：3–150 个字母、数字或 _ . @ + - 字符。")
    elif username.lower() in taken or User.objects.filter(username__iexact=username).exists():
        refuse("username", f"用户名“{username}”已存在。")
    site = resolve_site(request.site)
    if site is None:
        refuse("site", f"站点“{request.site}”不存在（请填写主机名或网站名称）。")
    role = ROLE_LABELS.get(request.role, request.role)
    if role not in AccountRole.values:
        refuse("role", f"角色“{request.role}”无效，可选：编辑、审核、领导、站点管理员。")
    elif site is not None:
        try:
            site_role_group(site, role)
        except AccountError as error:
            refuse("site", error.messages[0])
    if not request.responsible_name.strip():
        refuse("responsible_name", "请填写责任人姓名（账号须明确专人负责）。")
    if not PHONE_RE.match(request.responsible_phone.strip()):
        refuse("responsible_phone", f"责任人电话“{request.responsible_phone}”格式不正确。")
    return errors


def create_account(request: AccountRequest, *, actor=None) -> tuple[Any, str]:
    """Create a unit's account in its site's role group; returns the user and its one-time password."""
    errors = validate_account_request(request)
    if errors:
        raise AccountError(errors)
    with transaction.atomic():
        return _create(request, actor)


def _create(request: AccountRequest, actor) -> tuple[Any, str]:
    site = resolve_site(request.site)
    role = ROLE_LABELS.get(request.role, request.role)
    password = generate_password()
    user = User(username=request.username.strip(), email=request.email.strip())
    user.set_password(password)
    user.save()  # set_password + save (not create_user) so the password history and clock start
    user.groups.add(site_role_group(site, role))
    profile = AccountProfile.objects.get(user=user)
    profile.site, profile.role, profile.must_change_password = site, role, True
    profile.responsible_name = request.responsible_name.strip()
    profile.responsible_phone = request.responsible_phone.strip()
    profile.save()
    user.account = profile
    log(instance=user, action="accounts.create", user=actor, data={"site": site.hostname, "role": role})
    return user, password


@transaction.atomic
def set_account_active(user, active: bool, *, actor=None) -> None:
    """停用 / 启用. A disabled account cannot log in and its open sessions end on their next request."""
    if user.is_superuser:
        raise AccountError("超级管理员账号不能在此停用或启用。")
    if actor is not None and actor.pk == user.pk:
        raise AccountError("不能停用自己的账号。")
    if user.is_active == active:
        raise AccountError(f"账号“{user.username}”已经是{'启用' if active else '停用'}状态。")
    user.is_active = active
    user.save(update_fields=["is_active"])
    log(instance=user, action="accounts.enable" if active else "accounts.disable", user=actor)


@transaction.atomic
def reset_password(user, *, actor=None) -> str:
    """A new one-time password (shown once); the account must change it at next login. Also unlocks."""
    if user.is_superuser:
        raise AccountError("超级管理员的密码不能在此重置。")
    password = generate_password()
    user.set_password(password)
    user.save()  # records the history (PasswordHistoryValidator.password_changed)
    AccountProfile.objects.filter(user=user).update(must_change_password=True)
    axes_reset(username=user.username)
    log(instance=user, action="accounts.reset_password", user=actor)
    return password


@transaction.atomic
def unlock_account(user, *, actor=None) -> int:
    """Lift a login lockout before its cool-off ends; returns how many failures were cleared."""
    cleared = axes_reset(username=user.username)
    log(instance=user, action="accounts.unlock", user=actor, data={"cleared": cleared})
    return cleared


@transaction.atomic
def move_account(user, site: Site | str, *, actor=None) -> None:
    """Move an account to another site, keeping its role: it leaves every group of the old site."""
    target = resolve_site(site)
    if target is None:
        raise AccountError(f"站点“{site}”不存在。")
    profile = AccountProfile.objects.select_for_update().filter(user=user).first()
    if profile is None or not profile.role or profile.site_id is None:
        raise AccountError(f"账号“{user.username}”不是子站账号，不能迁移。")
    if profile.site_id == target.pk:
        raise AccountError(f"账号“{user.username}”已属于站点“{target.site_name}”。")
    new_group = site_role_group(target, profile.role)
    old_site = profile.site
    user.groups.remove(*site_groups(old_site).values())
    user.groups.add(new_group)
    profile.site = target
    profile.save(update_fields=["site"])
    log(instance=user, action="accounts.move", user=actor, data={"from": old_site.hostname, "to": target.hostname})


# ------------------------------------------------------------------ bulk creation from XLSX

BULK_COLUMNS = ("用户名", "站点", "角色", "责任人", "电话", "邮箱")
BULK_FIELDS = ("username", "site", "role", "responsible_name", "responsible_phone", "email")
FIELD_FOR_COLUMN = dict(zip(BULK_COLUMNS, BULK_FIELDS, strict=True))
COLUMN_FOR_FIELD = {v: k for k, v in FIELD_FOR_COLUMN.items()}


@dataclass
class BulkResult:
    """Created accounts with their one-time passwords, or the rows' errors (then nothing was created)."""

    created: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def bulk_create_accounts(source: str | IO, *, actor=None) -> BulkResult:
    """All-or-nothing: every row is checked first; one bad row and no account is created,
    and the report lists every bad row (sheet row number, column, reason)."""
    from openpyxl import load_workbook

    result = BulkResult()
    try:
        sheet = load_workbook(source, read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        result.errors.append((0, "文件无法读取：请上传 .xlsx 格式的表格。"))
        return result
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        result.errors.append((0, "表格是空的。"))
        return result
    header = [str(cell or "").strip() for cell in rows[0]]
    missing = [c for c in BULK_COLUMNS[:5] if c not in header]
    if missing:
        result.errors.append((1, f"表头缺少列：{'、'.join(missing)}（应为 {'、'.join(BULK_COLUMNS)}）。"))
        return result
    requests: list[AccountRequest] = []
    taken: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        values = {
            FIELD_FOR_COLUMN[name]: str(row[i] if i < len(row) and row[i] is not None else "").strip()
            for i, name in enumerate(header)
            if name in FIELD_FOR_COLUMN
        }
        if not any(values.values()):
            continue
        request = AccountRequest(**{"email": "", **values})
        for name, messages in validate_account_request(request, taken=taken).items():
            result.errors.extend((number, f"{COLUMN_FOR_FIELD[name]}：{m}") for m in messages)
        taken.add(request.username.lower())
        requests.append(request)
    if not requests and not result.errors:
        result.errors.append((0, "表格中没有账号。"))
    if result.errors:
        return result
    with transaction.atomic():
        for request in requests:
            user, password = _create(request, actor)
            result.created.append((user.username, password))
    return result


# ------------------------------------------------------------------ reports


def dormant_accounts(days: int | None = None):
    """Active unit accounts with no login for ``days`` (DORMANT_ACCOUNT_DAYS); never-used
    accounts count from their creation. One query, whatever the number of sites."""
    cutoff = _days_ago(days if days is not None else settings.DORMANT_ACCOUNT_DAYS)
    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=cutoff)
        .select_related("account__site")
        .order_by("last_seen")
    )


@transaction.atomic
def disable_dormant_accounts(days: int | None = None, *, actor=None) -> list[str]:
    """一键停用: disable every dormant account; returns their usernames."""
    users = list(dormant_accounts(days).select_for_update(of=("self",)))
    User.objects.filter(pk__in=[u.pk for u in users]).update(is_active=False)
    for user in users:
        log(instance=user, action="accounts.disable", user=actor, data={"reason": "dormant"})
    return [u.username for u in users]


def login_history(user, limit: int = 100):
    return LoginEvent.objects.filter(Q(user=user) | Q(user=None, username=user.username))[:limit]


def accounts_list(site: Site | None = None):
    users = User.objects.filter(is_superuser=False).select_related("account__site").order_by("username")
    return users.filter(account__site=site) if site is not None else users


def cluster_overview() -> list[dict]:
    """站群管理 at a glance: a fixed number of queries (three) whatever the number of sites."""
    sites = list(
        Site.objects.select_related("profile__organisation", "root_page")
        .annotate(account_count=Count("accounts", filter=Q(accounts__user__is_active=True)))
        .order_by("-is_default_site", "site_name")
    )
    # Every site's root page is at depth 2, so the first 8 characters of a page's
    # path (treebeard, 4 per level) name the site it belongs to.
    prefix = Substr("path", 1, 2 * Page.steplen)
    updated = dict(
        Page.objects.filter(depth__gte=2)
        .annotate(prefix=prefix)
        .values("prefix")
        .annotate(last=Max(Coalesce("last_published_at", "first_published_at")))
        .values_list("prefix", "last")
    )
    waiting = dict(
        Page.objects.filter(depth__gte=2, _workflow_states__status="in_progress")
        .annotate(prefix=prefix)
        .values("prefix")
        .annotate(n=Count("pk", distinct=True))
        .values_list("prefix", "n")
    )
    rows = []
    for site in sites:
        profile = getattr(site, "profile", None)
        path = site.root_page.path
        rows.append(
            {
                "site": site,
                "profile": profile,
                "site_type": profile.get_site_type_display() if profile else "",
                "status": profile.get_status_display() if profile else "",
                "organisation": profile.organisation.name if profile else "",
                "accounts": site.account_count,
                "last_update": updated.get(path),
                "waiting_for_review": waiting.get(path, 0),
            }
        )
    return rows


# ------------------------------------------------------------------ audit trail


def audit_entries(since=None, until=None):
    """Wagtail's audit log (page and model entries) plus login events, newest first."""
    from wagtail.models import ModelLogEntry, PageLogEntry

    def window(qs, name):
        if since:
            qs = qs.filter(**{f"{name}__gte": since})
        if until:
            qs = qs.filter(**{f"{name}__lt": until})
        return qs

    entries = []
    for model in (PageLogEntry, ModelLogEntry):
        for entry in window(model.objects.select_related("user"), "timestamp").order_by("-timestamp"):
            entries.append(
                (entry.timestamp, entry.user.username if entry.user else "", entry.action, entry.label, entry.data)
            )
    for event in window(LoginEvent.objects.all(), "at"):
        entries.append((event.at, event.username, f"accounts.{event.kind}", event.ip_address or "", {}))
    entries.sort(key=lambda e: e[0], reverse=True)
    return entries


def purge_audit_log(older_than_days: int) -> int:
    """Delete audit entries older than ``older_than_days``; refuses less than the retention (≥180 days)."""
    from wagtail.models import ModelLogEntry, PageLogEntry

    if older_than_days < settings.AUDIT_LOG_RETENTION_DAYS:
        raise AccountError(f"审计日志至少保留 {settings.AUDIT_LOG_RETENTION_DAYS} 天（等保 2.0 要求不少于 6 个月）。")
    cutoff = _days_ago(older_than_days)
    with transaction.atomic():
        deleted = PageLogEntry.objects.filter(timestamp__lt=cutoff).delete()[0]
        deleted += ModelLogEntry.objects.filter(timestamp__lt=cutoff).delete()[0]
        deleted += LoginEvent.objects.filter(at__lt=cutoff).delete()[0]
    return deleted


# ------------------------------------------------------------------ optional TOTP two-factor (info-center roles)

INFO_CENTER_GROUPS = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN, "信息中心")


def is_info_center_user(user) -> bool:
    return user.is_superuser or user.groups.filter(name__in=INFO_CENTER_GROUPS).exists()


def start_totp_setup(user):
    """A new, unconfirmed authenticator for an info-center user (replaces an earlier unconfirmed one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not is_info_center_user(user):
        raise AccountError("两步验证只面向信息中心的系统管理员、安全管理员和审计管理员。")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def confirm_totp(user, token: str):
    """Confirm the pending authenticator with a code from it; from then on every login asks for a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        raise AccountError("验证码不正确，请输入身份验证器中当前显示的 6 位数字。")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log(instance=user, action="accounts.enable_2fa", user=user)
    return device


def verify_totp(user, token: str):
    """The user's confirmed authenticator if ``token`` is its current code (throttled by django-otp)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(token.strip()):
        raise AccountError("验证码不正确或尝试过于频繁，请稍后输入身份验证器中当前的 6 位数字。")
    return device


def totp_verification_required(request) -> bool:
    """Logged in with a password only, while a confirmed authenticator exists."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    verified = getattr(user, "is_verified", lambda: False)()
    return not verified and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
