"""Business actions on the cluster: provisioning, opening, closing, reopening and maintenance of sites.

Each action is one class in Wagtail's ``wagtail/actions/`` shape: ``check()``
refuses (with the reasons, in Chinese) before anything is written, ``execute()``
checks and then does all its writes in one transaction, so a refused or failed
call leaves nothing half-created. Admin views, management commands, the demo
loader and tests all go through them (the module-level functions are their thin
callers).

The cluster knows no editorial app: what the editorial apps add to a new or
closed site (the column tree, workflows, settings grants, withdrawn pushes) they
register themselves with the Wagtail hooks ``after_provision_site`` and
``after_close_site``, which run inside the action's transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from core.forms import text_refusal

from .groups import ROLES, group_name
from .launch import launch_findings
from .models import Organisation, SiteGroup, SiteProfile, SiteStatus, SiteType, site_id_code_validator
from .themes import DEFAULT_THEME, available_themes

# RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")

AFTER_PROVISION_SITE = "after_provision_site"  # fn(site, profile, organisation, site_type, actor)
AFTER_CLOSE_SITE = "after_close_site"  # fn(site, profile, withdraw_pushed, reason, actor)


class ProvisioningError(ValidationError):
    """A provisioning request was refused; ``message_dict`` says why, per field."""


class SiteStatusError(ValidationError):
    """A close/reopen/maintenance request was refused."""


class SitePermissionError(PermissionDenied):
    """The actor may not perform this action on the cluster."""


def home_page_model() -> type[Page]:
    """The page model of every site's root (``CLUSTER_HOME_PAGE_MODEL``), named in settings so
    the cluster need not import the editorial app that defines it."""
    return apps.get_model(settings.CLUSTER_HOME_PAGE_MODEL)


@dataclass(frozen=True)
class SubsiteRequest:
    """Everything needed to provision one site, as typed by an operator."""

    hostname: str
    site_name: str
    site_type: str
    organisation: Organisation | str | int
    site_id_code: str
    sponsor: str = ""
    port: int = 80
    theme: str = DEFAULT_THEME
    icp_number: str = ""
    police_record_number: str = ""
    contact_address: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    disclosure_office_address: str = ""
    disclosure_office_phone: str = ""
    office_hours: str = ""
    # 筹建: visible to the site's staff only until the info center opens it (``OpenSiteAction``).
    # The demo and test fixtures build sites that are open at once.
    status: str = SiteStatus.PREPARING


PROVISIONED_STATUSES = (SiteStatus.PREPARING, SiteStatus.OPEN)


def normalise_hostname(hostname: str) -> str:
    return hostname.strip().lower().rstrip(".")


def resolve_organisation(value: Organisation | str | int) -> Organisation | None:
    """An Organisation given itself, its id, its name, short name or index code."""
    if isinstance(value, Organisation):
        return value
    if isinstance(value, int):
        return Organisation.objects.filter(pk=value).first()
    text = str(value).strip()
    if not text:
        return None
    return (
        Organisation.objects.filter(name=text).first()
        or Organisation.objects.filter(index_code=text).first()
        or Organisation.objects.filter(short_name=text).first()
    )


def _check_permission(actor, codename: str, what: str) -> None:
    # No actor: the command line, the demo loader, a worker — trusted callers.
    if actor is not None and not actor.has_perm(codename):
        raise SitePermissionError(f"你没有{what}的权限。")


class ProvisionSiteAction:
    """新建子站: the root page, the Site and its profile, the site's groups with page and media
    permissions on that site only, a media collection, then what the editorial apps add
    (``after_provision_site``), and an audit-log entry — in one transaction."""

    def __init__(self, request: SubsiteRequest, *, actor=None) -> None:
        self.request = request
        self.actor = actor

    def check(self, skip_permission_checks: bool = False) -> None:
        """Refuse with every problem of the request at once, per field."""
        if not skip_permission_checks:
            _check_permission(self.actor, "sites.add_siteprofile", "新建子站")
        request = self.request
        errors: dict[str, list[str]] = {}

        def refuse(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        hostname = normalise_hostname(request.hostname)
        if not hostname:
            refuse("hostname", "请填写主机名。")
        elif not HOSTNAME_RE.match(hostname):
            refuse(
                "hostname",
                f"主机名“{request.hostname}”格式不正确：只能包含字母、数字、连字符和点，如 jyj.example.gov.cn。",
            )
        else:
            taken = Site.objects.filter(hostname=hostname).first()
            if taken:
                refuse("hostname", f"主机名“{hostname}”已被站点“{taken.site_name or taken.hostname}”使用。")

        if not 1 <= int(request.port) <= 65535:
            refuse("port", "端口必须在 1 到 65535 之间。")

        site_name = request.site_name.strip()
        if not site_name:
            refuse("site_name", "请填写网站名称。")
        elif Site.objects.filter(site_name=site_name).exists():
            refuse("site_name", f"网站名称“{site_name}”已存在。")

        if request.site_type not in SiteType.values:
            refuse("site_type", f"未知的站点类型“{request.site_type}”，可选：门户网站、乡镇/街道子站、部门子站。")
        elif request.site_type == SiteType.PORTAL and SiteProfile.objects.filter(site_type=SiteType.PORTAL).exists():
            refuse("site_type", "门户网站已存在，一个站群只能有一个门户网站。")

        organisation = resolve_organisation(request.organisation)
        if organisation is None:
            refuse("organisation", f"机构“{request.organisation}”不存在，请先在“机构”中添加。")

        try:
            site_id_code_validator(request.site_id_code.strip())
        except ValidationError as error:
            refuse("site_id_code", f"网站标识码“{request.site_id_code}”无效。{error.messages[0]}")

        if request.theme not in available_themes():
            refuse("theme", f"主题“{request.theme}”不存在，可选：{'、'.join(available_themes())}。")

        if request.status not in PROVISIONED_STATUSES:
            refuse("status", "新建的网站只能处于“筹建”或“运行中”状态。")

        if errors:
            raise ProvisioningError(errors)
        self.hostname, self.site_name, self.organisation = hostname, site_name, organisation

    def execute(self, skip_permission_checks: bool = False) -> Site:
        self.check(skip_permission_checks=skip_permission_checks)
        request, organisation = self.request, self.organisation
        with transaction.atomic():
            home = Page.get_first_root_node().add_child(
                instance=home_page_model()(
                    title=self.site_name,
                    slug=_unique_root_slug(self.hostname),
                    live=True,
                    first_published_at=timezone.now(),
                )
            )
            is_portal = request.site_type == SiteType.PORTAL
            site = Site.objects.create(
                hostname=self.hostname,
                port=int(request.port),
                site_name=self.site_name,
                root_page=home,
                is_default_site=is_portal and not Site.objects.filter(is_default_site=True).exists(),
            )
            profile = SiteProfile.objects.create(
                site=site,
                site_type=request.site_type,
                organisation=organisation,
                site_id_code=request.site_id_code.strip(),
                sponsor=request.sponsor.strip() or organisation.name,
                theme=request.theme,
                icp_number=request.icp_number.strip(),
                police_record_number=request.police_record_number.strip(),
                contact_address=request.contact_address.strip(),
                contact_phone=request.contact_phone.strip(),
                contact_email=request.contact_email.strip(),
                status=request.status,
                disclosure_office_address=request.disclosure_office_address.strip(),
                disclosure_office_phone=request.disclosure_office_phone.strip(),
                office_hours=request.office_hours.strip(),
            )
            _create_site_groups(site, Collection.get_first_root_node().add_child(name=self.site_name))
            for fn in hooks.get_hooks(AFTER_PROVISION_SITE):
                fn(site=site, profile=profile, organisation=organisation, site_type=request.site_type, actor=self.actor)
            log(
                instance=profile,
                action="sites.provision",
                user=self.actor,
                data={"hostname": self.hostname, "site_type": request.site_type, "status": request.status},
            )
        return site


def _unique_root_slug(hostname: str) -> str:
    base = hostname.replace(".", "-")[:200]
    slug, n = base, 1
    while Page.objects.filter(depth=2, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _create_site_groups(site: Site, collection: Collection) -> list[Group]:
    """One group per role, tied to the site by ``SiteGroup``, with page permissions on the
    site's root page (so on its subtree alone) and media permissions on its collection."""
    codenames = {"access_admin"} | {p for role in ROLES for p in role.page_permissions + role.collection_permissions}
    permissions = {p.codename: p for p in Permission.objects.filter(codename__in=codenames)}
    home = site.root_page
    names = {role.key: group_name(site.site_name, role) for role in ROLES}
    taken = set(Group.objects.filter(name__in=names.values()).values_list("name", flat=True))
    groups = []
    for role in ROLES:
        name = names[role.key]
        group = Group.objects.create(name=_free_group_name(name) if name in taken else name)
        group.permissions.add(permissions["access_admin"])
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page=home, permission=permissions[c]) for c in role.page_permissions
        )
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(group=group, collection=collection, permission=permissions[c])
            for c in role.collection_permissions
        )
        groups.append(group)
    SiteGroup.objects.bulk_create(
        SiteGroup(site=site, role=role.key, group=group) for role, group in zip(ROLES, groups, strict=True)
    )
    return groups


def _free_group_name(name: str) -> str:
    # Group names are unique in Django; a renamed site may have left its old groups'
    # names to a new site of that name. The name is only a label: number it.
    candidate, n = name, 1
    while Group.objects.filter(name=candidate).exists():
        n += 1
        candidate = f"{name}（{n}）"
    return candidate


def provision_subsite(request: SubsiteRequest, *, actor=None) -> Site:
    """Create a whole site in one transaction and return its Wagtail ``Site`` (``ProvisionSiteAction``)."""
    return ProvisionSiteAction(request, actor=actor).execute()


class _StatusAction:
    """Shared by the status actions: lock the profile row, refuse or change the status, log it."""

    action: str  # the audit-log action
    what: str  # for the permission refusal

    def __init__(self, site: Site, *, actor=None) -> None:
        self.site = site
        self.actor = actor

    def check(self, skip_permission_checks: bool = False) -> None:
        if not skip_permission_checks:
            _check_permission(self.actor, "sites.change_siteprofile", self.what)
        self.check_status(self._profile(lock=False))

    def check_status(self, profile: SiteProfile) -> None:
        raise NotImplementedError

    def execute(self, skip_permission_checks: bool = False) -> SiteProfile:
        with transaction.atomic():
            if not skip_permission_checks:
                _check_permission(self.actor, "sites.change_siteprofile", self.what)
            # Row lock: two operators closing and reopening at once serialise here,
            # and the second sees the first's status when it checks.
            profile = self._profile(lock=True)
            self.check_status(profile)
            return self.change(profile)

    def change(self, profile: SiteProfile) -> SiteProfile:
        raise NotImplementedError

    def _profile(self, *, lock: bool) -> SiteProfile:
        profiles = SiteProfile.objects.select_for_update() if lock else SiteProfile.objects
        profile = profiles.filter(site=self.site).first()
        if profile is None:
            raise SiteStatusError(f"站点“{self.site}”没有子站档案，不属于本站群。")
        return profile

    def _set_status(self, profile: SiteProfile, status: str, **fields) -> SiteProfile:
        previous = profile.status
        profile.status = status
        profile.status_changed_at = timezone.now()
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save()
        log(
            instance=profile,
            action=self.action,
            user=self.actor,
            data={"from": previous, "to": status, "notice": profile.closure_notice},
        )
        return profile


class CloseSiteAction(_StatusAction):
    """关停: every URL of the site answers 410 with the notice and a link to the portal.

    With ``withdraw_pushed`` the editorial apps (``after_close_site``) also withdraw
    the items it pushed to other sites, in the same transaction."""

    action = "sites.close"
    what = "关停子站"

    def __init__(
        self,
        site: Site,
        *,
        notice: str,
        actor=None,
        closed_on: date | None = None,
        withdraw_pushed: bool = False,
    ) -> None:
        super().__init__(site, actor=actor)
        self.notice = notice.strip()
        self.closed_on = closed_on
        self.withdraw_pushed = withdraw_pushed

    def check_status(self, profile: SiteProfile) -> None:
        if profile.site_type == SiteType.PORTAL:
            raise SiteStatusError("门户网站不能关停。")
        if profile.status == SiteStatus.CLOSED:
            raise SiteStatusError(f"网站“{profile}”已经关停。")
        if not self.notice:
            raise SiteStatusError("请填写关停公告，说明关停原因及信息去向。")
        if message := text_refusal(SiteProfile, "closure_notice", self.notice):
            raise SiteStatusError(message)

    def change(self, profile: SiteProfile) -> SiteProfile:
        profile = self._set_status(
            profile,
            SiteStatus.CLOSED,
            closure_notice=self.notice,
            closed_on=self.closed_on or timezone.localdate(),
        )
        for fn in hooks.get_hooks(AFTER_CLOSE_SITE):
            fn(
                site=self.site,
                profile=profile,
                withdraw_pushed=self.withdraw_pushed,
                reason=f"{profile}已关停。{self.notice}",
                actor=self.actor,
            )
        return profile


class LaunchRefused(SiteStatusError):
    """The launch checklist found something missing; ``findings`` lists it, in Chinese."""

    def __init__(self, profile: SiteProfile, findings: list[str]) -> None:
        super().__init__([f"网站“{profile}”尚未通过开通检查，暂不能开通：", *findings])
        self.findings = findings


class OpenSiteAction(_StatusAction):
    """开通: a 筹建 site goes public once the launch checklist (``sites.launch``) finds nothing missing."""

    action = "sites.open"
    what = "开通子站"

    def check_status(self, profile: SiteProfile) -> None:
        if profile.status != SiteStatus.PREPARING:
            raise SiteStatusError(
                f"网站“{profile}”当前状态为“{profile.get_status_display()}”，只有筹建中的网站需要开通。"
            )
        if findings := launch_findings(self.site, profile):
            raise LaunchRefused(profile, findings)

    def change(self, profile: SiteProfile) -> SiteProfile:
        return self._set_status(profile, SiteStatus.OPEN)


class ReopenSiteAction(_StatusAction):
    """Reopen a closed site or end maintenance."""

    action = "sites.reopen"
    what = "重新开通子站"

    def check_status(self, profile: SiteProfile) -> None:
        if profile.status == SiteStatus.OPEN:
            raise SiteStatusError(f"网站“{profile}”正在运行，无需重新开通。")
        if profile.status == SiteStatus.PREPARING:  # reopening would skip the launch checklist
            raise SiteStatusError(f"网站“{profile}”正在筹建，请通过“开通”上线（须先通过开通检查）。")

    def change(self, profile: SiteProfile) -> SiteProfile:
        return self._set_status(profile, SiteStatus.OPEN, closure_notice="", closed_on=None)


class StartMaintenanceAction(_StatusAction):
    """Every URL of the site answers 503 with Retry-After until reopened."""

    action = "sites.maintenance"
    what = "设置子站维护"

    def check_status(self, profile: SiteProfile) -> None:
        if profile.status != SiteStatus.OPEN:
            raise SiteStatusError(
                f"网站“{profile}”当前状态为“{profile.get_status_display()}”，只有运行中的网站可以进入维护。"
            )

    def change(self, profile: SiteProfile) -> SiteProfile:
        return self._set_status(profile, SiteStatus.MAINTENANCE)


def close_subsite(
    site: Site, *, notice: str, actor=None, closed_on: date | None = None, withdraw_pushed: bool = False
) -> SiteProfile:
    """``CloseSiteAction``: many callers (commands, syndication, tests) close a site."""
    return CloseSiteAction(
        site, notice=notice, actor=actor, closed_on=closed_on, withdraw_pushed=withdraw_pushed
    ).execute()


def reopen_subsite(site: Site, *, actor=None) -> SiteProfile:
    """``ReopenSiteAction``."""
    return ReopenSiteAction(site, actor=actor).execute()


def start_maintenance(site: Site, *, actor=None) -> SiteProfile:
    """``StartMaintenanceAction``."""
    return StartMaintenanceAction(site, actor=actor).execute()
