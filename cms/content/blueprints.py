"""Standard column trees per site type (declarative).

A blueprint is data: after a site is provisioned (the ``after_provision_site``
hook in ``wagtail_hooks``) its tree is built under the site's home page; later
capabilities (workflows, catalogue pages) extend the same specs instead of
hard-coding column names. Slugs follow the pinyin-initial convention of Chinese
government sites. The per-site roles are the cluster's (``sites.groups.ROLES``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Page

from cms.disclosure.models import CataloguePage, DisclosureInfoKind, DisclosureInfoPage
from sites.models import Organisation, SiteType

from .models import ColumnPage, ColumnType

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
    # The page's 搜索描述: also the line its parent's landing page shows under its title.
    description: str = ""

    def make_page(self, organisation: Organisation, *, top_level: bool) -> Page:
        common = dict(
            title=self.title,
            slug=self.slug,
            live=True,
            first_published_at=timezone.now(),
            search_description=self.description,
        )
        common["show_in_menus"] = self.show_in_menus and top_level
        if self.page == CATALOGUE:
            return CataloguePage(**common)
        if self.page in DisclosureInfoKind.values:
            return DisclosureInfoPage(kind=self.page, **common)
        return ColumnPage(column_type=self.column_type, owning_organisation=organisation, **common)

    def walk(self, parent_path: str = "") -> Iterator[tuple[str, ColumnSpec]]:
        """Yield (slug path, spec) for this column and every descendant."""
        path = f"{parent_path}/{self.slug}" if parent_path else self.slug
        yield path, self
        for child in self.children:
            yield from child.walk(path)


@dataclass(frozen=True)
class Blueprint:
    site_type: str
    columns: tuple[ColumnSpec, ...]

    def walk(self) -> Iterator[tuple[str, ColumnSpec]]:
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
# Arts. 12, 50): guide, rules, statutory content, the catalogue and annual reports. The
# column itself is their landing page (``ColumnPage.is_landing_page``).
DISCLOSURE_PAGES = (
    ColumnSpec(
        "政府信息公开指南",
        "xxgkzn",
        Disclosure,
        page=DisclosureInfoKind.GUIDE,
        description="主动公开的范围和方式，依申请公开的受理机构、程序和时限，收费，监督和救济。",
    ),
    ColumnSpec(
        "政府信息公开制度",
        "xxgkzd",
        Disclosure,
        page=DisclosureInfoKind.RULES,
        description="本机关政府信息公开的主动公开、依申请公开、保密审查、考核和年度报告制度。",
    ),
    ColumnSpec(
        "法定主动公开内容",
        "fdzdgknr",
        Disclosure,
        page=DisclosureInfoKind.STATUTORY,
        description="《中华人民共和国政府信息公开条例》规定应当主动公开的政府信息。",
    ),
    ColumnSpec(
        "政府信息公开目录",
        "xxgkml",
        Disclosure,
        page=CATALOGUE,
        description="本机关主动公开的政府信息，可按主题、机构、体裁和年份查阅。",
    ),
    ColumnSpec(
        "政府信息公开年报",
        "xxgknb",
        Disclosure,
        description="本机关每年公布的上一年度政府信息公开工作年度报告。",
    ),
)
# Columns most site types share, under the same slugs (inspection reports compare them).
WORK_NEWS = ColumnSpec("工作动态", "gzdt", News)
NOTICES = ColumnSpec("通知公告", "tzgg", Notice)
POLICIES = ColumnSpec("政策文件", "zcwj", Policy)
SERVICES = ColumnSpec("办事服务", "bsfw", Service)
GOVERNMENT_DISCLOSURE = ColumnSpec("政府信息公开", "zfxxgk", Disclosure, DISCLOSURE_PAGES)
# 互动交流 on every site (《政府网站发展指引》: one of the four functions every government site has):
# cms.letters places the site's mailbox in it, cms.consultations lists its 意见征集 there.
INTERACTION = ColumnSpec("互动交流", "hdjl", Interaction)
# 概况 columns: the 政府网站工作年度报表 counts their items as 概况类信息 (cms.site_reports).
TOWNSHIP_OVERVIEW = ColumnSpec("乡镇概况", "xzgk", Special)
DEPARTMENT_OVERVIEW = ColumnSpec("部门概况", "bmgk", Special)
OVERVIEW_COLUMNS = (TOWNSHIP_OVERVIEW, DEPARTMENT_OVERVIEW)
# 政府网站工作年度报表 (国办函〔2018〕12号): each site's reports; the portal's also lists every
# site's. Not provisioned with the tree: an empty column counts against the inspection's
# 空白栏目 for a whole year, so the first generated report creates it (``ensure_column``).
WEBSITE_ANNUAL_REPORTS = ColumnSpec(
    "政府网站工作年度报表",
    "wzndbb",
    Special,
    show_in_menus=False,
    description="本网站每年公布的上一年度政府网站工作年度报表。",
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
        NOTICES,
        GOVERNMENT_DISCLOSURE,
        POLICIES,
        ColumnSpec("政策解读", "zcjd", Policy),
        SERVICES,
        INTERACTION,
    ),
)

TOWNSHIP = Blueprint(
    SiteType.TOWNSHIP,
    (
        TOWNSHIP_OVERVIEW,
        WORK_NEWS,
        NOTICES,
        GOVERNMENT_DISCLOSURE,
        SERVICES,
        INTERACTION,
    ),
)

DEPARTMENT = Blueprint(
    SiteType.DEPARTMENT,
    (
        DEPARTMENT_OVERVIEW,
        WORK_NEWS,
        NOTICES,
        POLICIES,
        ColumnSpec("信息公开", "xxgk", Disclosure, DISCLOSURE_PAGES),
        INTERACTION,
    ),
)

BLUEPRINTS: dict[str, Blueprint] = {bp.site_type: bp for bp in (PORTAL, TOWNSHIP, DEPARTMENT)}


def build_column_tree(home: Page, site_type: str, organisation: Organisation) -> None:
    """Add the site type's blueprint (columns and standing pages) under a new site's home page."""
    parents: dict[str, Page] = {"": home}
    for path, spec in BLUEPRINTS[site_type].walk():
        parent_path = path.rpartition("/")[0]
        page = spec.make_page(organisation, top_level=parent_path == "")
        parents[path] = parents[parent_path].add_child(instance=page)


def ensure_column(home: Page, spec: ColumnSpec, organisation: Organisation) -> tuple[ColumnPage, bool]:
    """The top-level column of ``spec`` under ``home`` (found by its slug, the blueprint's key),
    created as the blueprint would have if the site has none; and whether it was created."""
    existing = ColumnPage.objects.child_of(home).filter(slug=spec.slug).first()
    if existing is not None:
        return existing, False
    return home.add_child(instance=spec.make_page(organisation, top_level=True)), True
