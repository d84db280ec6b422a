"""Standard column trees and editorial roles per site type (declarative).

A blueprint is data: provisioning walks it; later capabilities (workflows,
catalogue pages) extend the same specs instead of hard-coding column names.
Slugs follow the pinyin-initial convention of Chinese government sites.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from wagtail.models import Page

from cms.content.models import ColumnPage, ColumnType
from cms.disclosure.models import CataloguePage, DisclosureInfoKind, DisclosureInfoPage

from .models import Organisation, SiteType

CATALOGUE = "catalogue"


@dataclass(frozen=True)
class ColumnSpec:
    """A page the blueprint places: a column (default), the catalogue, or one of
    the standing 信息公开 pages (``page`` = a ``DisclosureInfoKind``)."""

    title: str
    slug: str
    column_type: str
    children: tuple[ColumnSpec, ...] = ()
    show_in_menus: bool = True
    page: str = "column"

    def make_page(self, organisation: Organisation, *, top_level: bool) -> Page:
        common = dict(title=self.title, slug=self.slug, live=True, first_published_at=timezone.now())
        common["show_in_menus"] = self.show_in_menus and top_level
        if self.page == CATALOGUE:
            return CataloguePage(**common)
        if self.page in DisclosureInfoKind.values:
            return DisclosureInfoPage(kind=self.page, **common)
        return ColumnPage(column_type=self.column_type, owning_organisation=organisation, **common)

    def walk(self, parent_path: str = ""):
        """Yield (slug path, spec) for this column and every descendant."""
        path = f"{parent_path}/{self.slug}" if parent_path else self.slug
        yield path, self
        for child in self.children:
            yield from child.walk(path)


@dataclass(frozen=True)
class RoleSpec:
    """A per-site group: its name suffix and what it may do in that site."""

    key: str
    label: str
    page_permissions: tuple[str, ...]
    collection_permissions: tuple[str, ...] = field(
        default=(
            "add_image",
            "change_image",
            "choose_image",
            "add_document",
            "change_document",
            "choose_document",
        )
    )


@dataclass(frozen=True)
class Blueprint:
    site_type: str
    columns: tuple[ColumnSpec, ...]

    def walk(self):
        for column in self.columns:
            yield from column.walk()

    def page_count(self) -> int:
        return sum(1 for _ in self.walk())


News, Notice, Policy, Disclosure, Service, Interaction, Special = (
    ColumnType.NEWS,
    ColumnType.NOTICE,
    ColumnType.POLICY,
    ColumnType.DISCLOSURE,
    ColumnType.SERVICE,
    ColumnType.INTERACTION,
    ColumnType.SPECIAL,
)

# Every site's 政府信息公开 column holds the same standing pages (《政府信息公开条例》
# Arts. 12, 50): guide, rules, statutory content, the catalogue and annual reports.
DISCLOSURE_PAGES = (
    ColumnSpec("政府信息公开指南", "xxgkzn", Disclosure, page=DisclosureInfoKind.GUIDE),
    ColumnSpec("政府信息公开制度", "xxgkzd", Disclosure, page=DisclosureInfoKind.RULES),
    ColumnSpec("法定主动公开内容", "fdzdgknr", Disclosure, page=DisclosureInfoKind.STATUTORY),
    ColumnSpec("政府信息公开目录", "xxgkml", Disclosure, page=CATALOGUE),
    ColumnSpec("政府信息公开年报", "xxgknb", Disclosure),
)

PORTAL = Blueprint(
    SiteType.PORTAL,
    (
        ColumnSpec(
            "要闻动态",
            "ywdt",
            News,
            (
                ColumnSpec("政务要闻", "zwyw", News),
                ColumnSpec("部门动态", "bmdt", News),
                ColumnSpec("乡镇动态", "xzdt", News),
            ),
        ),
        ColumnSpec("通知公告", "tzgg", Notice),
        ColumnSpec(
            "政府信息公开",
            "zfxxgk",
            Disclosure,
            DISCLOSURE_PAGES,
        ),
        ColumnSpec("政策文件", "zcwj", Policy),
        ColumnSpec("政策解读", "zcjd", Policy),
        ColumnSpec("办事服务", "bsfw", Service),
        ColumnSpec("互动交流", "hdjl", Interaction),
    ),
)

TOWNSHIP = Blueprint(
    SiteType.TOWNSHIP,
    (
        ColumnSpec("乡镇概况", "xzgk", Special),
        ColumnSpec("工作动态", "gzdt", News),
        ColumnSpec("通知公告", "tzgg", Notice),
        ColumnSpec(
            "政府信息公开",
            "zfxxgk",
            Disclosure,
            DISCLOSURE_PAGES,
        ),
        ColumnSpec("办事服务", "bsfw", Service),
    ),
)

DEPARTMENT = Blueprint(
    SiteType.DEPARTMENT,
    (
        ColumnSpec("部门概况", "bmgk", Special),
        ColumnSpec("工作动态", "gzdt", News),
        ColumnSpec("通知公告", "tzgg", Notice),
        ColumnSpec("政策文件", "zcwj", Policy),
        ColumnSpec(
            "信息公开",
            "xxgk",
            Disclosure,
            DISCLOSURE_PAGES,
        ),
    ),
)

BLUEPRINTS: dict[str, Blueprint] = {bp.site_type: bp for bp in (PORTAL, TOWNSHIP, DEPARTMENT)}

# Per-site editorial groups. Page permissions are Wagtail's (add/change/publish
# …) granted on the site's root page only, so they reach that subtree alone.
# 编辑 write and submit; 审核 (初审) and 领导 (终审/保密审查) act in the site's
# review workflow; 站点管理员 keeps the site's columns and settings (never accounts).
ROLES: tuple[RoleSpec, ...] = (
    RoleSpec("editor", "编辑", ("add_page", "change_page")),
    RoleSpec("reviewer", "审核", ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")),
    RoleSpec("leader", "领导", ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")),
    RoleSpec("site_admin", "站点管理员", ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")),
)


def group_name(site_name: str, role: RoleSpec) -> str:
    return f"{site_name}·{role.label}"
