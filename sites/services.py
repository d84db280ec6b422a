"""Business actions on the cluster: provisioning, closing and reopening subsites.

Plain functions, called alike by the admin views, the management commands and
the tests. Each validates everything first, then does all its writes in one
transaction, so a refused or failed call leaves nothing half-created.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from cms.content.models import HomePage

from .blueprints import BLUEPRINTS, ROLES, Blueprint, group_name
from .models import Organisation, SiteProfile, SiteStatus, SiteType, site_id_code_validator
from .themes import DEFAULT_THEME, available_themes

# RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


class ProvisioningError(ValidationError):
    """A provisioning request was refused; ``message_dict`` says why, per field."""


class SiteStatusError(ValidationError):
    """A close/reopen/maintenance request was refused."""


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


def validate_subsite_request(request: SubsiteRequest) -> tuple[str, Organisation, Blueprint]:
    """Check a request against the cluster; raise ProvisioningError listing every problem."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    hostname = normalise_hostname(request.hostname)
    if not hostname:
        refuse("hostname", "请填写主机名。")
    elif not HOSTNAME_RE.match(hostname):
        refuse(
            "hostname", f"主机名“{request.hostname}”格式不正确：只能包含字母、数字、连字符和点，如 jyj.example.gov.cn。"
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
    elif Group.objects.filter(name__in=[group_name(site_name, role) for role in ROLES]).exists():
        refuse("site_name", f"用户组“{group_name(site_name, ROLES[0])}”等已存在，请换一个网站名称。")

    blueprint = BLUEPRINTS.get(request.site_type)
    if blueprint is None:
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

    if errors:
        raise ProvisioningError(errors)
    return hostname, organisation, blueprint


def provision_subsite(request: SubsiteRequest, *, actor=None) -> Site:
    """Create a whole site in one transaction and return its Wagtail ``Site``.

    Creates the root HomePage, the Site and its SiteProfile, the blueprint's
    column tree, the site's editor and reviewer groups with page permissions on
    that subtree only, a media Collection those groups may use, and the site's
    review workflows (cms/workflow).
    """
    hostname, organisation, blueprint = validate_subsite_request(request)
    site_name = request.site_name.strip()

    with transaction.atomic():
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title=site_name, slug=_unique_root_slug(hostname), live=True, first_published_at=timezone.now()
            )
        )
        is_portal = request.site_type == SiteType.PORTAL
        site = Site.objects.create(
            hostname=hostname,
            port=int(request.port),
            site_name=site_name,
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
        )
        _build_columns(home, blueprint, organisation)
        _create_site_groups(site_name, home, _create_collection(site_name))
        from cms.accounts.services import grant_site_admin_settings  # accounts builds on sites: import late

        grant_site_admin_settings(site)

        from cms.workflow.services import ensure_site_workflows  # here: the workflow app builds on sites

        ensure_site_workflows(site)
        log(
            instance=profile,
            action="sites.provision",
            user=actor,
            data={"hostname": hostname, "site_type": request.site_type},
        )
    return site


def _unique_root_slug(hostname: str) -> str:
    base = hostname.replace(".", "-")[:200]
    slug, n = base, 1
    while Page.objects.filter(depth=2, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _build_columns(home: HomePage, blueprint: Blueprint, organisation: Organisation) -> None:
    parents: dict[str, Page] = {"": home}
    for path, spec in blueprint.walk():
        parent_path = path.rpartition("/")[0]
        page = spec.make_page(organisation, top_level=parent_path == "")
        parents[path] = parents[parent_path].add_child(instance=page)


def _create_collection(site_name: str) -> Collection:
    return Collection.get_first_root_node().add_child(name=site_name)


def _create_site_groups(site_name: str, home: Page, collection: Collection) -> list[Group]:
    codenames = {"access_admin"} | {p for role in ROLES for p in role.page_permissions + role.collection_permissions}
    permissions = {p.codename: p for p in Permission.objects.filter(codename__in=codenames)}
    groups = []
    for role in ROLES:
        group = Group.objects.create(name=group_name(site_name, role))
        group.permissions.add(permissions["access_admin"])
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page=home, permission=permissions[c]) for c in role.page_permissions
        )
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(group=group, collection=collection, permission=permissions[c])
            for c in role.collection_permissions
        )
        groups.append(group)
    return groups


@transaction.atomic
def close_subsite(
    site: Site, *, notice: str, actor=None, closed_on: date | None = None, withdraw_pushed: bool = False
) -> SiteProfile:
    """关停: every URL of the site answers 410 with the notice and a link to the portal.

    With ``withdraw_pushed`` the items it pushed are also withdrawn from every
    other site (cms.syndication), in the same transaction."""
    profile = _profile_for_status_change(site)
    if profile.site_type == SiteType.PORTAL:
        raise SiteStatusError("门户网站不能关停。")
    if profile.status == SiteStatus.CLOSED:
        raise SiteStatusError(f"网站“{profile}”已经关停。")
    if not notice.strip():
        raise SiteStatusError("请填写关停公告，说明关停原因及信息去向。")
    profile = _set_status(
        profile,
        SiteStatus.CLOSED,
        actor,
        closure_notice=notice.strip(),
        closed_on=closed_on or timezone.localdate(),
    )
    if withdraw_pushed:
        from cms.syndication.takedown import withdraw_site_pushes

        withdraw_site_pushes(site, reason=f"{profile}已关停。{notice.strip()}", actor=actor)
    return profile


@transaction.atomic
def reopen_subsite(site: Site, *, actor=None) -> SiteProfile:
    """Reopen a closed site or end maintenance."""
    profile = _profile_for_status_change(site)
    if profile.status == SiteStatus.OPEN:
        raise SiteStatusError(f"网站“{profile}”正在运行，无需重新开通。")
    return _set_status(profile, SiteStatus.OPEN, actor, closure_notice="", closed_on=None)


@transaction.atomic
def start_maintenance(site: Site, *, actor=None) -> SiteProfile:
    """Every URL of the site answers 503 with Retry-After until reopened."""
    profile = _profile_for_status_change(site)
    if profile.status != SiteStatus.OPEN:
        raise SiteStatusError(
            f"网站“{profile}”当前状态为“{profile.get_status_display()}”，只有运行中的网站可以进入维护。"
        )
    return _set_status(profile, SiteStatus.MAINTENANCE, actor)


def _profile_for_status_change(site: Site) -> SiteProfile:
    # Row lock: two operators closing and reopening at once serialise here.
    profile = SiteProfile.objects.select_for_update().filter(site=site).first()
    if profile is None:
        raise SiteStatusError(f"站点“{site}”没有子站档案，不属于本站群。")
    return profile


ACTION_FOR_STATUS = {
    SiteStatus.CLOSED: "sites.close",
    SiteStatus.OPEN: "sites.reopen",
    SiteStatus.MAINTENANCE: "sites.maintenance",
}


def _set_status(profile: SiteProfile, status: str, actor, **fields) -> SiteProfile:
    previous = profile.status
    profile.status = status
    profile.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    log(
        instance=profile,
        action=ACTION_FOR_STATUS[status],
        user=actor,
        data={"from": previous, "to": status, "notice": profile.closure_notice},
    )
    return profile


INFO_CENTER_GROUP = "信息中心"
INFO_CENTER_MODEL_PERMISSIONS = {
    "sites": [
        "add_organisation",
        "change_organisation",
        "view_organisation",
        "add_siteprofile",
        "change_siteprofile",
        "view_siteprofile",
    ],
    # 主题分类, 索引号规则 and the working-day calendar are the info center's to keep.
    "disclosure": [
        f"{action}_{model}"
        for model in ("topic", "indexnumberscheme", "workingdayoverride")
        for action in ("add", "change", "delete", "view")
    ],
}
INFO_CENTER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page", "delete_page")
INFO_CENTER_COLLECTION_PERMISSIONS = (
    "add_image", "change_image", "choose_image", "delete_image",
    "add_document", "change_document", "choose_document", "delete_document",
)  # fmt: skip


@transaction.atomic
def ensure_info_center_group() -> Group:
    """The cluster operators' group: every site's pages and media, and 站群管理.

    Idempotent; run after every migrate so a fresh install has it.
    """
    group, _ = Group.objects.get_or_create(name=INFO_CENTER_GROUP)
    wanted = [("wagtailadmin", "access_admin")] + [
        (app, codename) for app, codenames in INFO_CENTER_MODEL_PERMISSIONS.items() for codename in codenames
    ]
    for app_label, codename in wanted:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    if root_page is None or root_collection is None:
        return group  # a flushed database (transactional tests) has no tree yet
    for codename in INFO_CENTER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=root_page,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    for codename in INFO_CENTER_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=Permission.objects.get(codename=codename)
        )
    return group
