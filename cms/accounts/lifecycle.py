"""The account lifecycle: create, disable / enable, reset, unlock, move.

Called alike by the admin views, the bulk import, the commands and the tests. Each
validates first and writes in one transaction, so a refused call leaves everything
as it was; every change goes to Wagtail's audit log (``accounts.*`` actions).

三员分立 (``check_may_manage``, asked by every action): holders of
``accounts.manage_accounts`` (安全管理员) manage unit accounts; an account in any
info-center group is managed only by a superuser (the installer), so no info-center
role can take over another's account — the 安全管理员 cannot reset the 审计管理员's
password and read the audit trail as them. ``actor=None`` is the system itself
(a command or shell on the server), which already holds the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from wagtail.log_actions import log
from wagtail.models import Site

from .errors import AccountError
from .models import AccountProfile, AccountRole
from .passwords import generate_password
from .roles import MANAGE_ACCOUNTS, site_groups, site_role_group

User = get_user_model()

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
PHONE_RE = re.compile(r"^[0-9+()\- ]{7,20}$")
ROLE_FOR_LABEL = {label: key for key, label in AccountRole.choices}


@dataclass(frozen=True)
class AccountRequest:
    username: str
    site: Site | str
    role: str
    responsible_name: str
    responsible_phone: str
    email: str = ""


def unit_accounts() -> QuerySet:
    """Accounts neither superuser nor in any info-center group: what the 安全管理员 manages."""
    return User.objects.filter(is_superuser=False).exclude(groups__info_center_role__isnull=False)


def manageable_accounts(actor) -> QuerySet:
    """The accounts ``actor`` may manage (the one statement of the rule): a superuser or the
    system every account but superusers, the holder of ``accounts.manage_accounts`` unit accounts."""
    if actor is None or actor.is_superuser:
        return User.objects.filter(is_superuser=False)
    if actor.has_perm(MANAGE_ACCOUNTS):
        return unit_accounts()
    return User.objects.none()


def check_may_manage(actor, user=None) -> None:
    """Refuse unless ``actor`` may manage accounts at all and, given ``user``, that account."""
    if actor is not None and not actor.has_perm(MANAGE_ACCOUNTS):
        raise AccountError("无权管理账号：需要信息中心安全管理员的权限。")
    if user is None:
        return
    if user.is_superuser:
        raise AccountError("超级管理员账号不能在此管理。")
    if not manageable_accounts(actor).filter(pk=user.pk).exists():
        raise AccountError(f"账号“{user.username}”属于信息中心角色，只能由超级管理员（系统安装方）管理。")


def resolve_site(value: Site | str) -> Site | None:
    """A Site given itself, its hostname or its name (what a person types in a form or a sheet)."""
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
    role = ROLE_FOR_LABEL.get(request.role, request.role)
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
    check_may_manage(actor)
    errors = validate_account_request(request)
    if errors:
        raise AccountError(errors)
    with transaction.atomic():
        return create_validated(request, actor)


def create_validated(request: AccountRequest, actor) -> tuple[Any, str]:
    """The writes of ``create_account`` for a request already validated (the bulk import validates all rows first)."""
    site = resolve_site(request.site)
    role = ROLE_FOR_LABEL.get(request.role, request.role)
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
    check_may_manage(actor, user)  # also keeps anyone from disabling their own (info-center) account
    if user.is_active == active:
        raise AccountError(f"账号“{user.username}”已经是{'启用' if active else '停用'}状态。")
    user.is_active = active
    user.save(update_fields=["is_active"])
    log(instance=user, action="accounts.enable" if active else "accounts.disable", user=actor)


@transaction.atomic
def reset_password(user, *, actor=None) -> str:
    """A new one-time password (shown once); the account must change it at next login. Also unlocks."""
    check_may_manage(actor, user)
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
    check_may_manage(actor, user)
    cleared = axes_reset(username=user.username)
    log(instance=user, action="accounts.unlock", user=actor, data={"cleared": cleared})
    return cleared


@transaction.atomic
def move_account(user, site: Site | str, *, actor=None) -> None:
    """Move an account to another site, keeping its role: it leaves every group of the old site."""
    check_may_manage(actor, user)
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
